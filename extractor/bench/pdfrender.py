"""ReportLab writer for synthetic reports: embedded WenQuanYi font, ruled tables, page-split tables.

Kept apart from :mod:`extractor.bench.synth` because only PDF output needs ReportLab, and the
awkward real-world features (glyph-stacked narrow headers, a 三 table broken across pages with or
without a repeated header) are PDF-specific.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

if TYPE_CHECKING:
    from extractor.bench.synth import Grid, SynthReport

FONT = "WQYZenHei"
MARGIN = 56.0


@cache
def _font() -> str:
    from extractor.bench.synth import FONT_PATH

    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("t", fontName=font, fontSize=16, leading=24, alignment=1, wordWrap="CJK",
                                spaceAfter=12),
        "heading": ParagraphStyle("h", fontName=font, fontSize=12, leading=20, wordWrap="CJK", spaceBefore=6),
        "para": ParagraphStyle("p", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21),
        "date": ParagraphStyle("d", fontName=font, fontSize=10.5, leading=17, alignment=2),
        "cell": ParagraphStyle("c", fontName=font, fontSize=8, leading=10, wordWrap="CJK", alignment=1),
    }


def _cell_text(text: str, header: bool, width: float, narrow: bool, size: float) -> str:
    """Header text that would not fit on one line is stacked one glyph per line, as in real PDFs."""
    if narrow and header and width < 6 * size and len(text) * size > width - 4:
        return "<br/>".join(text)
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _table(grid: Grid, width: float, narrow: bool, repeat: bool) -> Table:
    from extractor.bench.synth import physical

    style = _styles()["cell"]
    widths = [width * f for f in grid.col_widths]
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for ri, line in enumerate(physical(grid)):
        row: list[Any] = []
        for ci, (cell, origin) in enumerate(line):
            if cell is None or not origin:
                row.append("")
                continue
            span_w = sum(widths[ci:ci + cell.cs])
            row.append(Paragraph(_cell_text(cell.text, cell.header, span_w, narrow, style.fontSize), style))
            if cell.rs > 1 or cell.cs > 1:
                commands.append(("SPAN", (ci, ri), (ci + cell.cs - 1, ri + cell.rs - 1)))
        data.append(row)
    return Table(data, colWidths=widths, style=TableStyle(commands),
                 repeatRows=grid.header_rows if repeat else 0, splitByRow=1)


def write_pdf(r: SynthReport, blocks: list[tuple[str, str]], grids: dict[str, list[Grid]], path: Path, *,
              narrow_headers: bool, split_rows: bool) -> Path:
    """Lay the report out on A4; with ``split_rows`` the 三 table starts low on a page and continues."""
    rng = random.Random(r.seed * 7919 + 1)
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    story: list[Any] = []
    for kind, text in blocks:
        if kind in grids:
            for g in grids[kind]:
                story.append(_table(g, width, narrow_headers, bool(r.style["repeat_header"])))
            story.append(Spacer(1, 8))
            continue
        if kind == "heading" and text.startswith("三") and split_rows:
            room = rng.uniform(40, 80) if rng.random() < 0.25 else rng.uniform(150, 450)
            story.extend([PageBreak(), Spacer(1, A4[1] - 2 * MARGIN - 40 - room)])
        story.append(Paragraph(text, styles.get(kind, styles["para"])))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=r.title, author=r.agency)
    doc.build(story)
    return path
