"""Text PDFs written by ReportLab: located words, text-layer triage, camelot tables, reading order, bad files."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from extractor.bench.corpus import compare_tables
from extractor.bench.pdfrender import _font
from extractor.bench.synth import random_report, render_pdf
from extractor.errors import EncryptedInputError, InputFileError
from extractor.ingest.pdf import open_pdf, text_layer_ok
from extractor.layout.pdf_rows import build_document, looks_like_table, ruled_pages
from extractor.layout.repair import join_cell_text


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory):
    r = random_report(61, "2021")
    return r, render_pdf(r, tmp_path_factory.mktemp("pdf") / "r.pdf")


@pytest.fixture(scope="module")
def report_doc(report_pdf):
    return build_document(open_pdf(report_pdf[1]))


def test_words_have_top_left_boxes_and_cjk_cells_split_on_gaps(report_pdf) -> None:
    r, path = report_pdf
    src = open_pdf(path)
    assert src.kind == "pdf" and len(src.pages) >= 3
    page = src.pages[0]
    assert (round(page.width), round(page.height)) == (595, 842)
    title = next(w for w in page.words if w.text == r.title)
    assert 0 < title.box.y0 < 120 and title.box.x0 < title.box.x1 <= page.width
    row = next(p for p in src.pages for w in p.words if w.text == "行政处罚")
    label = next(w for w in row.words if w.text == "行政处罚")
    same_line = [w for w in row.words if abs(w.box.y0 - label.box.y0) < 3 and w is not label]
    assert [w.text for w in same_line] == [str(r.truth["t2"]["art20_6"]["admin_penalty"]["decisions"])]
    assert all(text_layer_ok(p) for p in src.pages)


def test_scanned_page_needs_ocr_but_sparse_text_page_does_not(tmp_path: Path, report_pdf) -> None:
    doc = pdfium.PdfDocument(str(report_pdf[1]))
    image = doc[0].render(scale=1.5).to_pil()
    doc.close()
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    c.drawString(290, 20, "3")
    c.showPage()
    c.setFont(_font(), 12)
    c.drawString(400, 700, "2021年1月20日")
    c.showPage()
    c.save()
    scan, sparse = open_pdf(path).pages
    assert scan.image_cover > 0.9 and not text_layer_ok(scan)
    assert sparse.image_cover == 0 and text_layer_ok(sparse)


def test_encrypted_and_truncated_pdfs_fail_with_one_line(tmp_path: Path, report_pdf) -> None:
    r, path = report_pdf
    locked = render_pdf(r, tmp_path / "locked.pdf", password="secret")
    with pytest.raises(EncryptedInputError) as err:
        open_pdf(locked)
    assert "\n" not in str(err.value)
    data = path.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError) as err2:
        open_pdf(cut)
    assert not isinstance(err2.value, EncryptedInputError) and "\n" not in str(err2.value)


def test_tables_become_rows_in_reading_order(report_pdf, report_doc) -> None:
    r, _ = report_pdf
    rows = report_doc.rows
    texts = [row.text for row in rows]
    assert texts[0] == r.title
    t3 = [row for row in rows if row.table and row.spans[-1].text.isdigit() and 8 <= len(row.spans) <= 10]
    assert len(t3) == len(r.truth["t3"])
    for row, (rid, cols) in zip(t3, r.truth["t3"].items()):
        assert [s.text for s in row.spans[-7:]] == [str(v) for v in cols.values()], rid
    pages = [row.page for row in rows]
    assert pages == sorted(pages)
    cell = t3[0].spans[-1]
    assert cell.method == "camelot-lattice" and cell.bbox is not None and cell.bbox.y0 < cell.bbox.y1
    heads = [i for i, t in enumerate(texts) if t.startswith(("三、", "四、", "五、"))]
    assert heads == sorted(heads) and len(heads) >= 3


def test_stacked_narrow_headers_and_merged_labels_come_out_once(report_doc) -> None:
    header = next(row for row in report_doc.rows if row.table and "未经复议直接起诉" in row.text)
    assert [s.text for s in header.spans].count("未经复议直接起诉") == 1
    sub = next(row for row in report_doc.rows if row.table and row.text.count("结果维持") >= 2)
    assert [s.text for s in sub.spans].count("结果维持") == 2  # glyph-stacked "结\n果\n维\n持" joined
    assert any(s.text == "社会公益组织" for row in report_doc.rows for s in row.spans)
    labels = [s.text for row in report_doc.rows for s in row.spans if s.text.startswith("三、本年度")]
    assert labels == ["三、本年度办理结果"]


def test_prose_pages_skip_the_table_engine(tmp_path: Path, report_pdf, report_doc) -> None:
    src = open_pdf(report_pdf[1])
    table_pages = {row.page for row in report_doc.rows if row.table and row.spans[-1].text.isdigit()}
    assert table_pages and all(looks_like_table(p) for p in src.pages if p.number in table_pages)
    path = tmp_path / "prose.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(_font(), 10.5)
    for i in range(30):
        c.drawString(60, 780 - i * 18, f"（{i}）2022年，我局共收到政府信息公开申请 {i * 3} 件，办结 {i} 件。")
    c.save()
    assert not looks_like_table(open_pdf(path).pages[0])
    assert ruled_pages(str(path), [1]) == set()
    assert ruled_pages(str(report_pdf[1]), sorted(table_pages)) == table_pages


def test_repair_joins_stacked_glyphs_but_keeps_latin_spaces() -> None:
    assert join_cell_text("结\n果\n维\n持") == "结果维持"
    assert join_cell_text("社 会 公 益 组 织") == "社会公益组织"
    assert join_cell_text("（二）部分公开（区分处理的，只计这一\n情形）") == "（二）部分公开（区分处理的，只计这一情形）"
    assert join_cell_text("www.gov.cn  index") == "www.gov.cn index"


@pytest.mark.parametrize("seed,fmt", [(71, "2019"), (72, "2021")])
def test_pdf_extracts_to_the_truth(tmp_path: Path, seed: int, fmt: str) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    r = random_report(seed, fmt)
    report = extract(render_pdf(r, tmp_path / "r.pdf"), Settings(classify=False))
    assert report.source.kind == "pdf"
    assert compare_tables(r.truth, report.tables.model_dump()) == []
    assert all(c.page is not None and c.bbox is not None for c in report.cells if c.value is not None)


def _wps_text(c: canvas.Canvas, x: float, y: float, text: str, size: float = 7.45) -> None:
    """Text drawn the way WPS 文字 exports it: a 20× font size under a 0.05 text matrix."""
    t = c.beginText()
    t.setTextTransform(0.05, 0, 0, 0.05, x, y)
    t.setFont(_font(), size * 20)
    t.textOut(text)
    c.drawText(t)


def test_text_drawn_under_a_scaling_matrix_still_breaks_into_cells(tmp_path: Path) -> None:
    """WPS writes 7.45 pt cells as 149 pt text under a 0.05 matrix; taken at 149 pt no gap broke a word,
    so a wrapped label's middle line and the number beside it became one word, and the cut at the cell
    rule (glyphs taken as equally wide) kept "7" of "67" (a real 2024 city report)."""
    path = tmp_path / "wps.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    xs, top = (140.0, 250.0, 285.0, 320.0), 700.0
    rows = [("1、申请人无正当理由逾期不补", "正、行政机关不再处理其政府信", "息公开申请", "67", "71"),
            ("2、申请人逾期未按收费通知要", "求缴纳费用、行政机关不再处理", "其政府信息公开申请", "6", "6")] * 4
    for i, (a, b, d, n, total) in enumerate(rows):
        y = top - 54 * i
        c.rect(xs[0], y - 54, xs[-1] - xs[0], 54)
        for x in xs[1:-1]:
            c.line(x, y, x, y - 54)
        for j, line in enumerate((a, b, d)):
            _wps_text(c, xs[0] + 3, y - 14 - 15 * j, line)
        _wps_text(c, xs[1] + 14, y - 27, n)
        _wps_text(c, xs[2] + 14, y - 27, total)
    c.showPage()
    c.save()
    words = [w.text for w in open_pdf(path).pages[0].words]
    assert "67" in words and "息公开申请" in words
    numbers = [[s.text for s in row.spans[-2:]] for row in build_document(open_pdf(path)).rows if row.table]
    assert numbers == [["67", "71"], ["6", "6"]] * 4
