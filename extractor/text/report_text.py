"""The text stage's entry point: sections, section-五 items and metadata from a document's rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.ingest.document import Row
from extractor.layout.sections import Heading
from extractor.record import Metadata, Section
from extractor.text.facts import stated_numbers
from extractor.text.items import split_items
from extractor.text.metadata import read_metadata
from extractor.text.sections import sections_from_rows


@dataclass(slots=True)
class TextResult:
    metadata: Metadata
    sections: dict[str, Section]
    problems: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stated: dict[str, tuple[str, int]] = field(default_factory=dict)


def read_text(rows: list[Row], headings: list[Heading], page: dict[str, str] | None = None) -> TextResult:
    sections = sections_from_rows(rows, headings)
    result = TextResult(read_metadata(rows, headings, page), sections)
    missing = [f"s{i}" for i in range(1, 7) if f"s{i}" not in sections]
    if missing:
        result.warnings.append(f"sections not found: {', '.join(missing)}")
    if "s1" in sections:
        result.stated = stated_numbers(sections["s1"].text)
    if "s5" in sections:
        result.problems, result.improvements = split_items(sections["s5"].text)
        if not result.problems:
            result.warnings.append("section 五 has no problem item")
    return result
