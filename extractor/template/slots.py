"""A template cell while it is being filled: value, what was read, where, and how sure we are."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.ingest.document import Span
from extractor.template.numbers import Number, Token, parse_number


@dataclass(slots=True)
class Slot:
    table: str
    row: str | None
    col: str
    value: Number | None = None
    raw: str | None = None
    span: Span | None = None
    status: str = "missing"
    method: str | None = None
    confidence: float = 0.0
    verified: bool = False
    backed: bool = False  # independent re-reads agreed with the reading

    @property
    def key(self) -> str:
        return ".".join(p for p in (self.table, self.row, self.col) if p)

    def fill(self, token: Token | None, scale: int = 1) -> None:
        """Take a token as read; None means the document had no cell here (stays "missing"). How far
        an OCR'd reading can be trusted is judged later, with the whole table (``correct.audit_*``)."""
        if token is None:
            return
        self.raw = token.raw
        self.span = token.span
        self.value = parse_number(token.raw, scale) if token.kind == "value" else None
        self.status = "read"
        self.method = token.span.method
        self.confidence = token.span.confidence


Grid = dict[str, Slot]
