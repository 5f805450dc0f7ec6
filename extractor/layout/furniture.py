"""Page furniture: what office suites print in the header and footer bands of every page (page
numbers), never report content. Bands and patterns: extractor/data/page_furniture.json.
"""

from __future__ import annotations

import re
from functools import cache

from extractor.ingest.document import Page, Word
from extractor.resources import load_json


@cache
def _furniture() -> tuple[float, tuple[re.Pattern[str], ...]]:
    data = load_json("page_furniture.json")
    return float(data["margin_share"]), tuple(re.compile(p) for p in data["page_number_patterns"])


def is_page_furniture(line: list[Word], page: Page) -> bool:
    """A page number in the header or footer band: printed on every page, never report content."""
    return furniture_line(line, page.height)


def furniture_line(line: list[Word], height: float) -> bool:
    """``is_page_furniture`` for a page ``height`` points tall (a scanned page's, after cleaning)."""
    share, patterns = _furniture()
    top, bottom = min(w.box.y0 for w in line), max(w.box.y1 for w in line)
    if top > height * share and bottom < height * (1 - share):
        return False
    text = "".join(w.text for w in line).replace(" ", "").lower()
    return any(p.fullmatch(text) for p in patterns)


def in_margin(y: float, height: float) -> bool:
    """``y`` lies in the header or footer band of a page ``height`` points tall."""
    share = _furniture()[0]
    return y > height * (1 - share) or y < height * share
