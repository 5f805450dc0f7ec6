"""Reports made the way agencies make them: a Word document exported to PDF by LibreOffice.

Our ReportLab PDFs (:mod:`extractor.bench.pdfrender`) share the extractor's assumptions; real
reports come out of Word/WPS with columns too narrow for their numbers ("39" over "2" for 392),
labels wrapping over two or three lines, header cells written vertically (``w:textDirection``),
宋体/仿宋-like fonts, odd margins, and table 三 running over a page break with or without a
repeated header row. This module writes such a ``.docx`` with python-docx from a seeded
:class:`OfficeStyle` and converts a batch of them with ``soffice --headless`` in one call.

    items = build_office_corpus(Path("out"), n=20, seed=0, fmt="both")
    items[0].pdf, items[0].truth

Values come from :func:`extractor.bench.synth.random_report`, so every table satisfies the
template's hard rules and the truth has the format :func:`extractor.bench.corpus.compare_tables` scores.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from extractor.bench.synth import (Fmt, GCell, Grid, SynthReport, _blocks, docx_regions, physical, random_report,
                                   table_grids)
from extractor.errors import EngineError
from extractor.ingest.soffice import convert

SERIF_FONTS = ("AR PL UMing CN", "AR PL UKai CN")  # 宋体-like and 楷/仿宋-like
HEI_FONT = "WenQuanYi Zen Hei"  # 黑体-like, for titles and headings
CELL_MARGIN_PT = 5.4  # Word's and LibreOffice's default left/right cell margin (0.19 cm)
DIGIT_EM = 0.5  # a digit is half an em wide in these fonts
PT_PER_CM = 72 / 2.54
VERTICAL_MAX_CHARS = 8
BUSY_SEED_OFFSET = 500_000
_INT = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+\.\d+")
SOFFICE_TIMEOUT_S = 600
FORMATS: tuple[Fmt, ...] = ("2019", "2021")


@dataclass(frozen=True, slots=True)
class OfficeStyle:
    """How one agency's clerk set up the document; everything the seed varies."""

    margins_cm: tuple[float, float, float, float]  # top, right, bottom, left
    body_font: str
    table_font: str
    body_pt: float
    table_pt: float
    digits_per_line: int  # how many digits fit in a number column before the value wraps
    label_cm: tuple[float, float, float]  # table 三's three label columns
    header_direction: str  # "wrap" (glyphs stacked by the narrow width), "tbRl" or "btLr"
    repeat_header: bool
    cant_split: bool  # rows kept whole at a page break (else a tall row may split)
    t2_label_cm: float
    t4_width_frac: float
    lead_paragraphs: int  # extra prose before the tables, moving the page breaks
    thousands: bool = False  # 1,234
    cell_valign: str = "center"  # "top" | "center" | "bottom"
    number_align: str = "center"  # "center" | "right"
    page_numbers: str = ""  # "" | "- {} -" (公文 style) | "第{}页"
    exact_line_pt: float | None = None  # 公文 body set "exactly" 28-29 pt (never with vertical headers, see below)
    unit_caption: bool = False  # "单位：件" above table 三

    @classmethod
    def random(cls, seed: int) -> OfficeStyle:
        rng = random.Random(seed * 7919 + 17)
        more = random.Random(seed * 7919 + 18)  # drawn apart so the first fields keep their values per seed
        return cls(
            margins_cm=(rng.uniform(2.0, 3.7), rng.uniform(1.5, 3.2), rng.uniform(1.8, 3.5), rng.uniform(1.5, 3.2)),
            body_font=rng.choice(SERIF_FONTS), table_font=rng.choice(SERIF_FONTS + (HEI_FONT,)),
            body_pt=rng.choice([12.0, 14.0, 16.0]), table_pt=rng.choice([9.0, 10.5, 10.5, 12.0]),
            digits_per_line=rng.choice([1, 2, 2, 3, 3, 4]),
            label_cm=(rng.uniform(0.9, 2.0), rng.uniform(1.2, 2.6), rng.uniform(2.2, 5.0)),
            header_direction=rng.choice(["wrap", "tbRl", "btLr"]),
            repeat_header=rng.random() < 0.5, cant_split=rng.random() < 0.3,
            t2_label_cm=rng.uniform(1.8, 4.0), t4_width_frac=rng.uniform(0.75, 1.0),
            lead_paragraphs=rng.randint(0, 6),
            thousands=more.random() < 0.2, cell_valign=more.choice(["center", "center", "top", "bottom"]),
            number_align=more.choice(["center", "center", "right"]),
            page_numbers=more.choice(["", "- {} -", "- {} -", "第{}页"]),
            exact_line_pt=more.choice([None, 28.0, 28.9]), unit_caption=more.random() < 0.3,
        )


@dataclass(frozen=True, slots=True)
class CorpusItem:
    """One generated report: the exported PDF, the Word file it came from, and its truth."""

    pdf: Path
    docx: Path
    report: SynthReport
    style: OfficeStyle

    @property
    def truth(self) -> dict[str, Any]:
        return self.report.truth

    @property
    def fmt(self) -> Fmt:
        return self.report.fmt

    @property
    def seed(self) -> int:
        return self.report.seed


def office_report(seed: int, fmt: Fmt) -> SynthReport:
    """:func:`random_report`, with tables 三/四 of a busier agency for two seeds in three.

    Wrapped numbers need multi-digit values; the template's rules on 三 and 四 are all linear,
    so ``a + m·b`` of two consistent tables is consistent and its values are not all multiples of ``m``.
    """
    base = random_report(seed, fmt)
    rng = random.Random(seed * 104729 + 3)
    m = rng.choice([0, rng.randint(3, 40), rng.randint(40, 400)])
    if not m:
        return base
    other = random_report(seed + BUSY_SEED_OFFSET, fmt).truth
    t3 = {r: {c: v + m * other["t3"][r][c] for c, v in cols.items()} for r, cols in base.truth["t3"].items()}
    t4 = {c: v + m * other["t4"][c] for c, v in base.truth["t4"].items()}
    return replace(base, truth={**base.truth, "t3": t3, "t4": t4})


# ---------------------------------------------------------------- docx writing

def _set_fonts(run_or_style: Any, font: str, size_pt: float | None = None) -> None:
    """Latin and East-Asian font of a run or style (python-docx sets only the Latin one)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run_or_style.font.name = font
    if size_pt is not None:
        run_or_style.font.size = Pt(size_pt)
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _page_setup(doc: Any, style: OfficeStyle) -> None:
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    top, right, bottom, left = style.margins_cm
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)
    _set_fonts(doc.styles["Normal"], style.body_font, style.body_pt)
    if style.page_numbers:
        _page_number_footer(section.footer.paragraphs[0], style.page_numbers)


def _page_number_footer(p: Any, pattern: str) -> None:
    """A centred footer with a PAGE field, as agencies number their pages."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = pattern.partition("{}")
    p.add_run(before)
    field = p._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
    run = field.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(after)


def text_width_cm(style: OfficeStyle) -> float:
    return 21.0 - style.margins_cm[1] - style.margins_cm[3]


def _paragraph(doc: Any, text: str, kind: str, style: OfficeStyle) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    if style.exact_line_pt and style.header_direction == "wrap" and kind != "title":
        # LibreOffice lays out exact-spaced prose over a split table with vertical headers as
        # overlapping text (seed 204), a page no agency would publish
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(style.exact_line_pt)
    if kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_fonts(run, HEI_FONT, 20.0)
    elif kind == "heading":
        _set_fonts(run, HEI_FONT, style.body_pt)
        p.paragraph_format.first_line_indent = Pt(2 * style.body_pt)
    elif kind == "date":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        p.paragraph_format.first_line_indent = Pt(2 * style.body_pt)


def number_col_cm(style: OfficeStyle) -> float:
    """A number column that holds ``digits_per_line`` digits, so longer values wrap in the cell."""
    content = style.digits_per_line * DIGIT_EM * style.table_pt + 1.0
    return (content + 2 * CELL_MARGIN_PT) / PT_PER_CM


def _widths_cm(grid: Grid, style: OfficeStyle) -> list[float]:
    num = number_col_cm(style)
    if grid.table == "t3":
        return list(style.label_cm) + [num] * (grid.ncols - 3)
    if grid.table == "t2":
        return [style.t2_label_cm] + [max(num, 1.2)] * (grid.ncols - 1)
    return [text_width_cm(style) * style.t4_width_frac / grid.ncols] * grid.ncols


def _tc_direction(cell: Any, direction: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    node = tcpr.makeelement(qn("w:textDirection"), {qn("w:val"): direction})
    tcpr.append(node)


def _row_props(row: Any, *, header: bool, cant_split: bool) -> None:
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
    if header:
        trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


def _fixed_layout(table: Any) -> None:
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    tblpr.append(tblpr.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"}))


def _fits(cell: GCell, width_cm: float, style: OfficeStyle) -> bool:
    return len(cell.text) * style.table_pt <= width_cm * PT_PER_CM - 2 * CELL_MARGIN_PT


def _vertical(cell: GCell, width_cm: float, style: OfficeStyle) -> bool:
    """Clerks turn short column headers that do not fit across (结果维持, 自然人) on their side."""
    return (style.header_direction != "wrap" and cell.header and cell.cs == 1
            and len(cell.text) <= VERTICAL_MAX_CHARS and not _fits(cell, width_cm, style))


def _row_height(row: Any, points: float) -> None:
    """An "at least" height, as Word users set it for vertical headers (LibreOffice would clip them)."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Pt

    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    row.height = Pt(points)


def _grouped(text: str) -> str:
    """1234567.5 as 1,234,567.5 (some agencies group digits in tables)."""
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{frac}"


def _fill(target: Any, cell: GCell, width_cm: float, style: OfficeStyle) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    target.vertical_alignment = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP, "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                                 }.get(style.cell_valign, WD_CELL_VERTICAL_ALIGNMENT.CENTER)
    p = target.paragraphs[0]
    numeric = not cell.header and bool(_INT.fullmatch(cell.text) or _DECIMAL.fullmatch(cell.text))
    if cell.header or (numeric and style.number_align == "center"):
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
    text = _grouped(cell.text) if numeric and style.thousands else cell.text
    _set_fonts(p.add_run(text), style.table_font, style.table_pt)
    if _vertical(cell, width_cm, style):
        _tc_direction(target, style.header_direction)


def _table(doc: Any, grid: Grid, style: OfficeStyle) -> None:
    from docx.shared import Cm

    widths = _widths_cm(grid, style)
    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.autofit = False
    _fixed_layout(table)
    for ci, w in enumerate(widths):
        table.columns[ci].width = Cm(w)
        for c in table.columns[ci].cells:
            c.width = Cm(w)
    for ri, line in enumerate(physical(grid)):
        _row_props(table.rows[ri], header=style.repeat_header and ri < grid.header_rows, cant_split=style.cant_split)
        tall = [len(c.text) for ci, (c, o) in enumerate(line)
                if c is not None and o and _vertical(c, sum(widths[ci:ci + c.cs]), style)]
        if tall:
            _row_height(table.rows[ri], max(tall) * style.table_pt * 1.15 + 2 * CELL_MARGIN_PT)
    for _, ci, cell, target in docx_regions(table, grid):
        _fill(target, cell, sum(widths[ci:ci + cell.cs]), style)


def write_office_docx(r: SynthReport, style: OfficeStyle, path: Path) -> Path:
    """``r`` as an agency's Word file: official tables, narrow columns, the seed's style."""
    from docx import Document as DocxDocument

    doc = DocxDocument()
    _page_setup(doc, style)
    grids = table_grids(r)
    filler = [p for p in r.sections["s1"]["text"].split("\n") if p]
    for kind, text in _blocks(r):
        if kind in grids:
            if kind == "s3" and style.unit_caption:
                _paragraph(doc, "单位：件", "date", style)
            for g in grids[kind]:
                _table(doc, g, style)
            continue
        _paragraph(doc, text, kind, style)
        if kind == "heading" and text.startswith("一") and filler:
            for i in range(style.lead_paragraphs):
                _paragraph(doc, filler[i % len(filler)], "para", style)
    doc.save(str(path))
    return path


# ---------------------------------------------------------------- export

def soffice_export(docx_files: list[Path], out_dir: Path, kind: str = "pdf") -> list[Path]:
    """The Word files saved as ``kind`` (pdf, doc, rtf, odt) in one LibreOffice run (``ingest.soffice``),
    as a clerk's "save as" makes them."""
    made = convert(docx_files, out_dir, kind, SOFFICE_TIMEOUT_S)
    missing = [p.name for p in made if not p.is_file()]
    if missing:
        raise EngineError(f"soffice wrote no {kind} for {', '.join(missing[:3])}")
    return made


def build_office_corpus(out_dir: Path, n: int, seed: int, fmt: str = "both") -> list[CorpusItem]:
    """``n`` reports (seeds ``seed`` … ``seed+n-1``) as .docx and LibreOffice PDF in ``out_dir``.

    ``fmt`` is "2019", "2021" or "both" (alternating, 2019 first). Same arguments, same files.
    """
    if fmt not in (*FORMATS, "both"):
        raise ValueError(f"fmt must be 2019, 2021 or both, not {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    planned: list[tuple[SynthReport, OfficeStyle, Path]] = []
    for i in range(n):
        s = seed + i
        f: Fmt = FORMATS[i % 2] if fmt == "both" else fmt  # type: ignore[assignment]
        r = office_report(s, f)
        style = OfficeStyle.random(s)
        planned.append((r, style, write_office_docx(r, style, out_dir / f"office_{f}_{s:05d}.docx")))
    pdfs = soffice_export([p for _, _, p in planned], out_dir)
    broken = [i for i, pdf in enumerate(pdfs) if overlapping_glyphs(pdf)]
    for i in broken:  # the clerk keeps rows whole, as one does on seeing such a page
        r, style, docx = planned[i]
        planned[i] = (r, replace(style, cant_split=True), docx)
        write_office_docx(r, planned[i][1], docx)
    soffice_export([planned[i][2] for i in broken], out_dir)
    return [CorpusItem(pdf, docx, r, style) for (r, style, docx), pdf in zip(planned, pdfs)]


def overlapping_glyphs(pdf: Path) -> int:
    """Pairs of glyphs of different sizes laid over each other. When a table's row may split and its
    tall header row lands at the foot of a page, LibreOffice can lay the table's continuation over the
    prose and the next table (seed 3022, 2019, vertical headers): a page no agency would publish, and no
    test of reading one. Glyphs of one size overlapping are a header squeezed into a short cell, which
    real reports show."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    count = 0
    for page in pdfium.PdfDocument(str(pdf)):
        text = page.get_textpage()
        glyphs = sorted((*text.get_charbox(i), pdfium_c.FPDFText_GetFontSize(text.raw, i))
                        for i in range(text.count_chars()) if text.get_text_range(i, 1).strip())
        for k, (left, bottom, right, top, size) in enumerate(glyphs):
            for left2, bottom2, right2, top2, size2 in glyphs[k + 1:]:
                if left2 >= right:
                    break
                width, height = min(right, right2) - max(left, left2), min(top, top2) - max(bottom, bottom2)
                smaller = min((right - left) * (top - bottom), (right2 - left2) * (top2 - bottom2))
                count += width > 0 and height > 0 and width * height > 0.3 * smaller and abs(size - size2) > 1.5
    return count


def describe(item: CorpusItem) -> dict[str, Any]:
    """The style of one item as plain data (for benchmark logs)."""
    return {"pdf": item.pdf.name, "fmt": item.fmt, "seed": item.seed, **asdict(item.style)}
