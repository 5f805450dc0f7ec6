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
from reportlab.lib.pdfencrypt import StandardEncryption
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


def split_grid(grid: Grid, at: int, repeat_header: bool) -> tuple[Grid, Grid]:
    """Cut a table before row ``at`` as a page break would: spans crossing the cut keep their text
    above and leave an empty cell below; with ``repeat_header`` the lower part restates the header."""
    from extractor.bench.synth import GCell, Grid, physical

    mat = physical(grid)
    origin: dict[int, tuple[int, int]] = {}
    for ri, line in enumerate(mat):
        for ci, (cell, first) in enumerate(line):
            if cell is not None and first:
                origin[id(cell)] = (ri, ci)
    top = [[GCell(c.text, min(c.rs, at - ri), c.cs, c.header) for c in row] for ri, row in enumerate(grid.rows[:at])]
    bottom: list[list[GCell]] = []
    for ri in range(at, len(grid.rows)):
        row: list[GCell] = []
        for ci, (cell, first) in enumerate(mat[ri]):
            if cell is None:
                continue
            r0, c0 = origin[id(cell)]
            if first:
                row.append(cell)
            elif r0 < at and ri == at and ci == c0:
                row.append(GCell("", r0 + cell.rs - at, cell.cs, cell.header))
        bottom.append(row)
    header = [list(r) for r in grid.rows[:grid.header_rows]] if repeat_header and at >= grid.header_rows else []
    upper = Grid(grid.table, grid.ncols, top, min(grid.header_rows, at), grid.col_widths)
    lower = Grid(grid.table, grid.ncols, header + bottom, len(header), grid.col_widths)
    return upper, lower


def _t3_parts(grid: Grid, rng: random.Random, repeat: bool) -> list[Grid]:
    """The 三 table cut across a page: inside its header (1 in 4) or between data rows."""
    at = rng.choice([1, 2]) if rng.random() < 0.25 else rng.randint(grid.header_rows + 2, len(grid.rows) - 3)
    return list(split_grid(grid, at, repeat))


def write_pdf(r: SynthReport, blocks: list[tuple[str, str]], grids: dict[str, list[Grid]], path: Path, *,
              narrow_headers: bool, split_rows: bool, password: str | None = None) -> Path:
    """Lay the report out on A4; with ``split_rows`` the 三 table breaks across a page, header
    repeated or not, sometimes inside the header itself."""
    rng = random.Random(r.seed * 7919 + 1)
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    repeat = bool(r.style["repeat_header"])
    parts = [_table(g, width, narrow_headers, False) for g in _t3_parts(grids["s3"][0], rng, repeat)]
    story: list[Any] = []
    for kind, text in blocks:
        if kind not in grids:
            heading = Paragraph(text, styles.get(kind, styles["para"]))
            if split_rows and kind == "heading" and text.startswith("三"):
                used = heading.wrap(width, A4[1])[1] + parts[0].wrap(width, A4[1])[1]
                story.extend([PageBreak(), Spacer(1, max(0.0, A4[1] - 2 * MARGIN - used - 30))])
            story.append(heading)
            continue
        for g in grids[kind]:
            if kind == "s3" and split_rows:
                story.extend([parts[0], PageBreak(), parts[1]])
            else:
                story.append(_table(g, width, narrow_headers, repeat))
        story.append(Spacer(1, 8))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=r.title, author=r.agency,
                            encrypt=StandardEncryption(password, strength=128) if password else None)
    doc.build(story)
    return path
