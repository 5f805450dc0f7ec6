"""Whitespace rules for text pulled out of cells and inline runs (HTML, DOCX, PDF).

Between CJK glyphs a line break or space is a rendering artefact (wrapped or glyph-stacked
narrow cells), never a word boundary; elsewhere runs of whitespace become one space.
"""

from __future__ import annotations

import re

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u201c\u201d\u2018\u2019"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def join_cell_text(text: str) -> str:
    """Drop line breaks and spaces next to CJK glyphs; other runs of whitespace become one space."""
    return _SPACES.sub(" ", _CJK_GAP.sub("", text.replace("\u00a0", " "))).strip()
