"""A table row made of its table's own cells keeps a printed blank after its last number in its own
column: a web page's or Word file's markup cells, and the same tables' ruled cells in a PDF (camelot's
lattice) or in an image of one (the image grid). Portals and Word files print blanks for none; 上海
2019's page showed the shift, as published, printed and scanned."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from extractor.api import extract
from extractor.ingest.document import Span
from extractor.template.align import align
from extractor.template.numbers import Token, tokenize
from extractor.settings import OcrSettings, Settings

COLS = ["natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service", "legal_other", "total"]
ROWS = [("一、本年新收政府信息公开申请数量", [40, 6, None, None, 3, 2, 51]),
        ("二、上年结转政府信息公开申请数量", [5, None, None, None, None, None, 5]),
        ("（一）予以公开", [20, 4, None, None, 2, 2, None]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [7, None, None, None, None, None, None]),
        ("1.本机关不掌握相关政府信息", [13, 2, None, None, 1, None, None]),
        ("（七）总计", [40, 6, None, None, 3, 2, 51]),
        ("四、结转下年度继续办理", [5, None, None, None, None, None, 5])]
T4 = [3, None, None, 1, 4, 2, None, None, 1, 3, None, None, None, None, None]



def _cells(values: list[int | None]) -> str:
    return "".join(f"<td>{'&nbsp;' if v is None else v}</td>" for v in values)



def _page(path: Path) -> Path:
    """A portal page's tables three and four, printing a blank (&nbsp;) for none, rows ending in blanks."""
    t3 = "".join(f"<tr><td colspan='3'>{label}</td>{_cells(v)}</tr>" for label, v in ROWS)
    path.write_text(
        "<html><head><meta charset='utf-8'><title>某某区2020年政府信息公开工作年度报告</title></head><body><div>"
        "<p>某某区2020年政府信息公开工作年度报告</p><p>一、总体情况</p><p>本年依法公开政府信息。</p>"
        "<p>三、收到和处理政府信息公开申请情况</p><table border='1'>"
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
        f"{t3}</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border='1'>"
        "<tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
        "<tr><td rowspan='2'>结果维持</td><td rowspan='2'>结果纠正</td><td rowspan='2'>其他结果</td><td rowspan='2'>尚未审结</td>"
        "<td rowspan='2'>总计</td><td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>"
        "<tr>" + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2 + "</tr>"
        f"<tr>{_cells(T4)}</tr></table><p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>"
        "</div></body></html>", encoding="utf-8")
    return path


def _word_file(path: Path) -> Path:
    """The same page saved as a Word file by LibreOffice: the tables become Word tables, blanks empty cells."""
    page = _page(path.with_suffix(".html"))
    subprocess.run(["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(path.parent),
                    str(page)], check=True, capture_output=True, timeout=180)
    return path.with_suffix(".docx")


def _printed(path: Path) -> Path:
    """The page with collapsed single rules printed to PDF by Chromium: a text PDF whose tables camelot
    reads as lattices, one cell per column. (Printed with Chromium's default 2 px cell spacing, the
    lattice loses the short column rules of table 四's last rows and boxes table 三's outer frame as
    one region in its last column: the rows are then short of cells and placed as a guess.)"""
    from extractor.bench.webcopies import browser, print_page

    if browser() is None:
        pytest.skip("Chromium is needed to print the page")
    page = _page(path.with_suffix(".html"))
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<table border='1'>", "<table border='1' style='border-collapse:collapse'>"), encoding="utf-8")
    return print_page(page, path.with_suffix(".pdf"))


def _word_pdf(path: Path) -> Path:
    """The Word copy exported to PDF by LibreOffice: ruled tables whose blank cells print nothing."""
    word = _word_file(path.with_name("word.html"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(word)],
                   check=True, capture_output=True, timeout=180)
    return word.with_suffix(".pdf")


@pytest.mark.parametrize("make", [_page, _word_file, _printed, _word_pdf], ids=["html", "docx", "printed", "word-pdf"])
def test_trailing_printed_blanks_of_a_page_table_keep_their_columns(tmp_path: Path, make) -> None:
    tables = extract(make(tmp_path / "report.html"), Settings(classify=False)).tables.model_dump()
    t3, t4 = tables["t3"], tables["t4"]
    assert [t3["granted"][c] for c in COLS[:-1]] == [20, 4, None, None, 2, 2]
    assert [t3["unable_not_held"][c] for c in COLS[:-1]] == [13, 2, None, None, 1, None]
    assert [t4["review_maintain"], t4["review_pending"], t4["review_total"]] == [3, 1, 4]
    assert [t4["lit_direct_maintain"], t4["lit_direct_pending"], t4["lit_direct_total"]] == [2, 1, 3]
    assert t4["lit_after_review_total"] is None


def test_trailing_printed_blanks_of_a_scanned_page_keep_their_columns() -> None:
    """A 200-dpi scan (the degrader's) of the page printed by Chromium with collapsed single rules
    (``_printed``), cut to table 三 (tests/fixtures/rowblanks): the image grid reads every cell in place, columns
    as wide as their headers. "20 4 _ _ 2 2 _" is seven grid cells: placed from its end without its
    last blank, 20 went to 商业企业 (suspect); with it, each cell is its own column."""
    crop = Path(__file__).parent / "fixtures" / "rowblanks" / "page-t3-collapsed-scan200.jpg"
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    t3 = extract(crop, settings).tables.model_dump()["t3"]
    assert [t3["granted"][c] for c in COLS] == [20, 4, None, None, 2, 2, None]
    assert [t3["unable_not_held"][c] for c in COLS] == [13, 2, None, None, 1, None, None]
    assert [t3["partial"][c] for c in COLS] == [7, None, None, None, None, None, None]


def _row(texts: list[str]) -> list[Token]:
    return [t for text in texts for t in tokenize(Span(text, method="ocr"), True)]


def test_a_row_short_of_cells_is_placed_from_its_end_only_as_a_guess() -> None:
    """Which cells a short row of values and blanks lost is unknown: placed from its end, its cells are
    suspect (the dropped trailing blanks above shifted values right with status read); a row with one
    cell per column places itself."""
    columns = ["a", "b", "c", "d"]
    short = align(_row(["5", "", "3"]), columns, columns, [])
    assert short.suspect and [t and t.raw for t in short.cells.values()] == [None, "5", "", "3"]
    full = align(_row(["5", "", "3", ""]), columns, columns, [])
    assert not full.suspect and [t and t.raw for t in full.cells.values()] == ["5", "", "3", ""]


T3_NESTED = [("（一）予以公开", [20, 4, None, None, 2, 2, None]),
             ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [7, None, None, None, None, None, None])]
DENIED = [("1.属于国家秘密", [14, None, None, None, None, None, None]),
          ("2.其他法律行政法规禁止公开", [None] * 7),
          ("3.危及“三安全一稳定”", [None] * 7),
          ("4.保护第三方合法权益", [None] * 7),
          ("5.属于三类内部事务信息", [5, None, None, None, None, None, None]),
          ("6.属于四类过程性信息", [3, 1, None, None, None, None, None]),
          ("7.属于行政执法案卷", [None] * 7),
          ("8.属于行政查询事项", [10, 2, None, None, None, None, None])]


def _nested_page(path: Path) -> Path:
    """Table 三 as the template nests its labels (三、本年度办理结果 down its column, (一) over two label
    columns, (三)不予公开 beside its eight reasons), with Chromium's default 2 px cell spacing, no cell
    padding (text set against the rules) and wider than the paper, so that the print cuts off its 总计
    column's right rule: 上海 2019's page as a reader printed it."""
    cells = "".join(f"<tr><td colspan='2'>{label}</td>{_cells(v)}</tr>" for label, v in T3_NESTED)
    denied = "".join(f"<tr>{'<td rowspan=8>（三）不予公开</td>' if i == 0 else ''}<td>{label}</td>{_cells(v)}</tr>"
                     for i, (label, v) in enumerate(DENIED))
    path.write_text(
        "<html><head><meta charset='utf-8'><title>某某区2019年政府信息公开工作年度报告</title></head><body>"
        "<p>某某区2019年政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>"
        "<table border='1' cellspacing='1' cellpadding='0' style='width:102%'>"
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
        f"<tr><td colspan='3'>{ROWS[0][0]}</td>{_cells(ROWS[0][1])}</tr>"
        f"<tr><td rowspan='{len(T3_NESTED) + len(DENIED)}'>三、本年度办理结果</td>"
        + cells[4:] + denied + "</table><p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>", encoding="utf-8")
    return path


def test_a_scanned_print_of_nested_labels_cut_at_the_paper_edge_keeps_every_cell_in_its_column(tmp_path: Path) -> None:
    """The print of ``_nested_page``, scanned at 200 dpi by the degrader. Three faults of the image grid
    shifted or lost its cells: the column rule beside "1.属于国家秘密" starts at the row rule under
    (二), a few pixels above the words set against it, and the scan's noise breaks it, so it was erased
    as a glyph stroke and the reasons ran into (三)'s cell; the cut-off 总计 column was no column; and
    (一)'s second label slot counted as a value cell, so its trailing blank was dropped and 20 went to
    商业企业."""
    from extractor.bench.degrade import make_copy, write_copy
    from extractor.bench.webcopies import browser, print_page

    if browser() is None:
        pytest.skip("Chromium is needed to print the page")
    pdf = print_page(_nested_page(tmp_path / "nested.html"), tmp_path / "nested.pdf")
    scan = write_copy(make_copy(pdf, "scan200", 3), tmp_path / "nested-scan200")
    t3 = extract(scan, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)).tables.model_dump()["t3"]
    assert [t3["new_received"][c] for c in COLS] == ROWS[0][1]
    assert [t3["granted"][c] for c in COLS] == T3_NESTED[0][1]
    assert [t3["partial"][c] for c in COLS] == T3_NESTED[1][1]
    assert [t3["denied_state_secret"][c] for c in COLS] == DENIED[0][1]
    assert [t3["denied_process_info"][c] for c in COLS] == DENIED[5][1]
    assert [t3["denied_inquiry"][c] for c in COLS] == DENIED[7][1]
