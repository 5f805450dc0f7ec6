"""Text repairs for table cells read from page geometry (text layer or OCR).

Narrow columns stack a header one glyph per line ("结\\n果\\n维\\n持"), and wrapped labels break
mid-word; between CJK glyphs such breaks are never meaningful, so they are removed. The rule
itself lives in :mod:`extractor.ingest.cells` so DOCX and HTML cells get the same treatment.
"""

from __future__ import annotations

from extractor.ingest.cells import join_cell_text

__all__ = ["join_cell_text", "join_words"]


def join_words(texts: list[str]) -> str:
    """Words of one line joined as written: no space where either side is CJK."""
    return join_cell_text(" ".join(t for t in texts if t))
