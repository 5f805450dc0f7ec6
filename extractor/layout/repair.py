"""Text repairs for table cells read from page geometry (text layer or OCR).

Narrow columns stack a header one glyph per line ("结\\n果\\n维\\n持"), and wrapped labels break
mid-word; between CJK glyphs such breaks are never meaningful, so they are removed.
"""

from __future__ import annotations

import re

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u201c\u201d\u2018\u2019"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def join_cell_text(text: str) -> str:
    """Drop line breaks and spaces next to CJK glyphs; other runs of whitespace become one space."""
    return _SPACES.sub(" ", _CJK_GAP.sub("", text)).strip()


def join_words(texts: list[str]) -> str:
    """Words of one line joined as written: no space where either side is CJK."""
    return join_cell_text(" ".join(t for t in texts if t))
