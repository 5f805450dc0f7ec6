"""The six sections' titles and texts, cut at the headings layout found."""

from __future__ import annotations

from extractor.ingest.document import Row
from extractor.layout.sections import Heading, find_headings
from extractor.record import Section


def _row_text(row: Row) -> str:
    return "\t".join(s.text for s in row.spans if s.text.strip()) if row.table else row.text


def sections_from_rows(rows: list[Row], headings: list[Heading]) -> dict[str, Section]:
    """Section id → title and body text (rows up to the next heading, tables as tab-joined lines)."""
    out: dict[str, Section] = {}
    for position, heading in enumerate(headings):
        stop = headings[position + 1].row if position + 1 < len(headings) else len(rows)
        body = "\n".join(t for t in (_row_text(r) for r in rows[heading.row + 1:stop]) if t.strip())
        out[heading.section] = Section(title=heading.title, text=body)
    return out


def find_sections(text: str) -> dict[str, Section]:
    """Sections of a plain text (one line a row): for callers that hold text, not a Document."""
    from extractor.ingest.document import Span

    rows = [Row([Span(line.strip())]) for line in text.splitlines() if line.strip()]
    return sections_from_rows(rows, find_headings(rows))
