"""Plain-text and Markdown dumps: tab- or pipe-separated lines are table rows, the rest prose.

Archived page text (a crawler's copy of a portal page) is read too: the header it opens with
('标题: …', '发布时间: …' up to a separator line) becomes the page's stated title, date and
publisher, like a web page's meta tags, and a body run together on one line is cut back into the
rows a printed report has (title, numbered headings, signature, appendix), as
``extractor/data/portal.json`` (text_dump) says.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from extractor.ingest.document import Document, Row, Span
from extractor.ingest.sniff import read_text_file
from extractor.resources import load_json

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_HEADER_LINE = re.compile(r"^\s*(?P<label>[^\s:：]{1,8})\s*[:：]\s*(?P<value>.*?)\s*$")


@cache
def _rules() -> dict:
    return load_json("portal.json")["text_dump"]


def _row(line: str) -> Row | None:
    if not line.strip() or _MD_RULE.match(line) or line.strip() in ("---", "***"):
        return None
    if _MD_ROW.match(line):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        return Row([Span(c) for c in cells], table=True)
    if "\t" in line.strip("\n\r") and line.strip():
        return Row([Span(c.strip()) for c in line.rstrip("\r\n").split("\t")], table=True)
    return Row([Span(line.strip())])


def archive_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """(page meta, body lines): the crawler's 'label: value' header, when a separator line closes it."""
    rules = _rules()
    separator = re.compile(rules["header_separator"])
    end = next((i for i, line in enumerate(lines[: rules["header_max_lines"]]) if separator.match(line)), None)
    if end is None:
        return {}, lines
    labels = {label: key for key, names in rules["header_fields"].items() for label in names}
    meta: dict[str, str] = {}
    for line in lines[:end]:
        found = _HEADER_LINE.match(line)
        if found and found.group("value") and labels.get(found.group("label")) not in (None, *meta):
            meta[labels[found.group("label")]] = found.group("value")
    return meta, lines[end + 1:]


def _heading_cuts(line: str) -> list[int]:
    """Start and end of each top-level heading, taken in numeral order (一 then 二 …) so that
    numbered rows of a flattened table or a list in the prose are not taken for headings."""
    numerals = _rules()["numerals"]
    pattern = re.compile(_rules()["heading"])
    cuts: list[int] = []
    position, expected = 0, 1
    while expected <= len(numerals):
        found = next((m for m in pattern.finditer(line, position) if m.group("num") == numerals[expected - 1]), None)
        if found is None:
            break
        cuts += [found.start(), found.end()]
        position, expected = found.end(), expected + 1
    return cuts if len(cuts) >= 4 else []


def split_run_on(line: str, body_chars: int) -> list[str]:
    """A line holding most of the report (a page's text run together) cut before and after its title,
    headings, signature and appendix; the lines of an ordinary dump are left as they are."""
    rules = _rules()
    if len(line) < max(rules["run_on_min_chars"], body_chars * rules["run_on_share"]):
        return [line]
    cuts = set(_heading_cuts(line))
    for found in re.finditer(rules["title"], line[: rules["title_window"]]):
        cuts |= {found.start("cut"), found.end("cut")}
    for pattern in rules["breaks"]:
        for found in re.finditer(pattern, line):
            cuts |= {found.start("cut"), found.end("cut")}
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(line)), len(line)]
    pieces = (line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False))
    return [piece for piece in pieces if piece]


def split_glued_values(piece: str) -> list[str]:
    """A template table copied as text, values run into labels, cut into one row per label with its
    values set apart ("（一）予以公开 7000007"); other pieces are left as they are."""
    rules = _rules()
    if "。" in piece or not any(word in piece for word in rules["glued_table_words"]):
        return [piece]
    runs = list(re.finditer(rules["glued_values"], piece))
    if not runs:
        return [piece]
    rows: list[str] = []
    start = 0
    for run in runs:
        rows.append(piece[start: run.start()].strip() + " " + run.group("run"))
        start = run.end("run")
    rows.append(piece[start:])
    labels = re.compile(rules["glued_labels"])
    return [part.strip() for row in rows for part in _cut_before(row, labels) if part.strip()]


def _cut_before(row: str, pattern: re.Pattern[str]) -> list[str]:
    starts = [0, *(m.start() for m in pattern.finditer(row) if m.start() > 0), len(row)]
    return [row[a:b] for a, b in zip(starts, starts[1:], strict=False)]


def load_text(path: Path) -> Document:
    """Rows of a text dump, in file order; blank lines and Markdown rules dropped."""
    text = read_text_file(path)
    meta, lines = archive_header(text.splitlines())
    body_chars = sum(len(line) for line in lines)
    pieces = [row for line in lines for piece in split_run_on(line, body_chars) for row in split_glued_values(piece)]
    rows = [r for r in (_row(piece) for piece in pieces) if r is not None]
    return Document(path=str(path), kind="text", rows=rows, meta=meta)
