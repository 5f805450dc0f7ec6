"""Full-width digits to ASCII, once, as ingest hands a document on.

Web pages and Word files typed with a full-width IME spell dates and counts as ２０２１年１月２０日;
every later stage matches ASCII digits. Only digits (and a full-width point between digits) are
changed: NFKC over the whole text would also rewrite the full-width punctuation that section
headings and item markers rely on (（一）、，；).
"""

from __future__ import annotations

import dataclasses
import re

from extractor.ingest.document import Document, Row

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_POINT = re.compile(r"(?<=\d)．(?=\d)")


def ascii_digits(text: str) -> str:
    """``text`` with full-width digits (and a full-width decimal point between them) in ASCII."""
    converted = text.translate(_DIGITS)
    return _POINT.sub(".", converted) if converted != text else text


def normalise_document(doc: Document) -> Document:
    """The same document with ASCII digits in every span; spans without full-width digits are kept as is."""
    doc.rows = [_row(row) for row in doc.rows]
    return doc


def _row(row: Row) -> Row:
    spans = [dataclasses.replace(s, text=new) if (new := ascii_digits(s.text)) != s.text else s for s in row.spans]
    return Row(spans, table=row.table) if any(a is not b for a, b in zip(spans, row.spans)) else row
