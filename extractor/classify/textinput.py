"""Plain-text input for ``nianbao classify``: a whole report or just its section-五 text."""

from __future__ import annotations

from pathlib import Path

from extractor.classify.tagging import classify_items
from extractor.ingest.normalise import ascii_digits
from extractor.ingest.sniff import read_text_file
from extractor.record import Improvement, Problem
from extractor.settings import Settings
from extractor.text.items import split_items
from extractor.text.sections import find_sections


def section_five(text: str) -> str:
    """The 五、 section when the text has section headings, else the whole text."""
    sections = find_sections(text)
    return sections["s5"].text if "s5" in sections else text


def classify_text(text: str, settings: Settings | None = None) -> tuple[list[Problem], list[Improvement]]:
    """Split section 五 into problem and improvement items and tag them."""
    problems, improvements = split_items(section_five(text))
    return classify_items(problems, improvements, settings)


def classify_file(path: Path, settings: Settings | None = None) -> tuple[list[Problem], list[Improvement]]:
    """A text file decoded the way ``extract`` decodes it (GBK, UTF-16, …), then split and tagged."""
    return classify_text(ascii_digits(read_text_file(path)), settings)
