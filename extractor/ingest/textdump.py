"""Plain-text and Markdown dumps: tab- or pipe-separated lines are table rows, the rest prose."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.ingest.document import Document, Row, Span
from extractor.ingest.sniff import read_text_file

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _row(line: str) -> Row | None:
    if not line.strip() or _MD_RULE.match(line) or line.strip() in ("---", "***"):
        return None
    if _MD_ROW.match(line):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        return Row([Span(c) for c in cells], table=True)
    if "\t" in line.strip("\n\r") and line.strip():
        return Row([Span(c.strip()) for c in line.rstrip("\r\n").split("\t")], table=True)
    return Row([Span(line.strip())])


def load_text(path: Path) -> Document:
    """Rows of a text dump, in file order; blank lines and Markdown rules dropped."""
    text = read_text_file(path)
    rows = [r for r in (_row(line) for line in text.splitlines()) if r is not None]
    return Document(path=str(path), kind="text", rows=rows)
