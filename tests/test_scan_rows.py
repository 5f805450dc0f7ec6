"""Rows of scanned table pages as one row each: split by a page break, or opened by a badly read label.

The end-to-end test reads a 200-dpi scan of a LibreOffice-exported 2019 report (seed 4: its t3
row "1.本机关不掌握相关政府信息" breaks over pages 3 and 4, the tops of its wrapped numbers "45",
"75", "12" on page 3, the feet "6", "9", "17" on page 4) and compares with the report's truth.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.layout.sections import find_headings
from extractor.template.match import label, resembles, score
from extractor.template.spec import template, threshold
from extractor.template.numbers import Token
from extractor.template.pagecut import PAGE_CUT, cut_joins
from extractor.template.regions import table_regions
from extractor.template.stream import read_stream
from extractor.template.tables import map_tables


def _t3_labels(version: str):
    return [label(r.id, r.label) for r in template(version).t3_rows]


def test_a_numbered_label_with_mangled_words_opens_its_row_not_the_header():
    """"一、" read exactly and the words 0.75 alike: above the header floor; another number: not."""
    labels = {lab.id: lab for lab in _t3_labels("2019")}
    assert score("一、年赖政府信息公开申请数", labels["new_received"]) >= threshold("header_floor")
    assert score("二、年结转政府信息公开申请数", labels["carried_over"]) >= threshold("header_floor")
    assert score("二、年结转政府信息公开申请数", labels["new_received"]) < threshold("header_floor")


def _row(*texts: str) -> Row:
    return Row([Span(t, page=1, method="ocr", engine="rapidocr", confidence=0.99) for t in texts], table=True)


def test_a_mangled_short_label_opens_the_row_expected_next_and_its_values_are_suspect():
    """OCR read 行政处罚 as "行政器" (seen on a scan): the row comes next in the template, so its
    values land there, suspect; a foreign row of values that resembles nothing stays unplaced."""
    tpl = template("2019")
    owners = [(b, s) for b in tpl.t2 for s in b.rows]
    labels = [label(f"{b.id}.{s.id}", s.label) for b, s in owners]
    penalty = next(lab for lab in labels if lab.core == "行政处罚")
    assert resembles("行政器", penalty) and not resembles("合计", penalty)
    before = owners[labels.index(penalty) - 1][1].label
    rows = [_row(before, "5", "0", "5"), _row("第二十条第（六）项", "", "", ""), _row("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            _row("行政器", "4", "0", "12"), _row("行政强制", "881", "0", "0")]
    stream = read_stream(rows, labels, {lab.id for lab in labels})
    assert [t.raw for t in stream.rows[penalty.id]] == ["4", "0", "12"]
    assert stream.weak == {penalty.id}
    page = [Row([Span("二、主动公开政府信息情况", page=1)]), *rows, Row([Span("三、收到和处理政府信息公开申请情况", page=1)])]
    result = map_tables(page, find_headings(page), 2019)
    cells = {f"{c.row}.{c.col}": c for c in result.cells if c.table == "t2"}
    assert [cells[f"{penalty.id}.{col}"].status for col in ("prev_year_items", "change", "decisions")] == ["suspect"] * 3
    assert cells["art20_6.admin_coercion.prev_year_items"].status == "read"
    foreign = read_stream([_row(before, "5", "0", "5"), _row("合计", "9", "9", "9")], labels, {lab.id for lab in labels})
    assert not foreign.weak and penalty.id not in foreign.rows


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
def test_a_t3_row_cut_by_a_page_break_on_a_scan_is_one_row(tmp_path: Path):
    """The halves of the row are joined (456, 759, 1217, not 6, 9, 17), the joined cells pass the
    row's rule and stand verified; the report's t3 and the mangled 行政处罚 row come out right."""
    from extractor.api import extract
    from extractor.bench.degrade import make_copy, write_copy
    from extractor.bench.office import build_office_corpus
    from extractor.settings import OcrSettings, Settings

    item = build_office_corpus(tmp_path, 1, 4, "2019")[0]
    scan = write_copy(make_copy(item.pdf, "scan200", item.seed, item.report.agency), tmp_path / "scan200")
    report = extract(scan, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    t3 = report.tables.model_dump()["t3"]
    assert t3["unable_not_held"] == item.truth["t3"]["unable_not_held"]
    cells = {(c.table, c.row, c.col): c for c in report.cells}
    held = [cells[("t3", "unable_not_held", col)] for col in item.truth["t3"]["unable_not_held"]]
    assert all(c.verified and c.status == "read" for c in held)
    assert t3 == item.truth["t3"]
    assert report.tables.model_dump()["t2"]["art20_6"]["admin_penalty"] == item.truth["t2"]["art20_6"]["admin_penalty"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
def test_lone_zeros_of_a_t3_page_are_read_not_left_blank(tmp_path: Path):
    """On the upside-down page of a rotated copy (2021 report, seed 5) the crops of a few lone "0"
    cells came back blank when read in one batch with the page's other crops; read on their own
    they are "0". Every t3 row the page shows whole carries all seven printed numbers."""
    import pypdfium2 as pdfium

    from extractor.bench.degrade import make_copy, write_copy
    from extractor.ingest.image import triage_pdf
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.cellread import number_text
    from extractor.layout.scan import page_rows
    from extractor.settings import OcrSettings, Settings
    from extractor.bench.office import build_office_corpus

    item = build_office_corpus(tmp_path, 1, 5, "2021")[0]
    pdf = pdfium.PdfDocument(str(item.pdf))
    index = next(i for i in range(len(pdf)) if "要求行政机关确认" in "".join(pdf[i].get_textpage().get_text_range().split()))
    pdf.close()
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    copy = write_copy(make_copy(item.pdf, "rotated", item.seed, item.report.agency), tmp_path / "rotated")
    page = triage_pdf(open_pdf(copy), settings).pages[index]
    rows = page_rows(page, settings)[0]
    truth = item.truth["t3"]
    wanted = {"要求行政机关确认": "notproc_confirm", "3.其他": "other_other", "（七）总计": "total_processed"}
    seen = set()
    for row in rows:
        text = "".join(row.text.split())
        for marker, key in wanted.items():
            if marker in text.replace("(", "（").replace(")", "）"):
                numbers = [number_text(s.text) for s in row.spans if number_text(s.text) is not None]
                assert [int(n) for n in numbers] == list(truth[key].values()), (key, row.text)
                seen.add(key)
    assert seen == set(wanted.values())


def _part(page: int, top: float, *rows: list[str]):
    from extractor.geometry import Box
    from extractor.layout.tables.base import RawCell, RawTable

    widths = [0, 300, 360, 420]
    cells = [[RawCell(t, Box(widths[c], top + 20 * r, widths[c + 1], top + 20 * r + 20), confidence=0.9 - 0.1 * c,
                      engine="rapidocr") for c, t in enumerate(row)] for r, row in enumerate(rows)]
    return RawTable(page, Box(0, top, widths[-1], top + 20 * len(rows)), cells, method="ocr")


def test_a_scanned_row_cut_by_the_page_break_goes_through_the_one_join():
    """OCR'd table parts meet in layout.continued like text-layer ones: the remainder "6", "9" closes
    up with "45", "75" (marked split, the weaker confidence kept); a complete row is left alone, and
    prose under the first part means the table did not run on."""
    from extractor.ingest.document import Page, Word
    from extractor.geometry import Box
    from extractor.layout.continued import join_pages
    from extractor.layout.continued_ocr import OCR_CELLS

    pages = [Page(1, 595, 842), Page(2, 595, 842)]
    first = _part(1, 600, ["", "自然人", "总计"], ["1.本机关不掌握相关政府信息", "45", "75"])
    rest = _part(2, 60, ["", "自然人", "总计"], ["", "6", "9"], ["2.没有现成信息", "3", "3"])
    joined = join_pages(pages, {1: [first], 2: [rest]}, OCR_CELLS)
    last = joined[1][0].rows[-1]
    assert [c.text for c in last] == ["1.本机关不掌握相关政府信息", "456", "759"]
    assert all("split" in c.repairs for c in last[1:]) and [c.confidence for c in last[1:]] == [0.8, 0.7]
    assert [[c.text for c in r] for r in joined[2][0].rows] == [["2.没有现成信息", "3", "3"]]
    complete = _part(2, 60, ["2.没有现成信息", "3", "3"])
    assert join_pages(pages, {1: [first], 2: [complete]}, OCR_CELLS)[1][0].rows[-1] == first.rows[-1]
    prose = [Page(1, 595, 842, words=[Word("注：本表数据截至十二月三十一日，含所属部门", Box(0, 700, 400, 712))]), pages[1]]
    assert join_pages(prose, {1: [first], 2: [rest]}, OCR_CELLS)[1][0].rows[-1] == first.rows[-1]


def test_a_fax_cell_read_as_brackets_is_a_broken_zero_marked_weak():
    """A fax drops the arcs of a "0": its sides read "()", "0)", "(1" or one "("; left as text the
    row lost a number. It reads 0, marked ``broken-zero`` so a rule must verify it; numbers and
    labels are left alone."""
    from extractor.layout.cellread import CellRead, broken_zero

    for text in ("()", "0)", "(1", "{1}", "(", "( )"):
        read = broken_zero(CellRead(text, 0.7, "rapidocr"))
        assert (read.text, read.repairs) == ("0", ("broken-zero",)), text
    for text in ("1", "11"):
        assert broken_zero(CellRead(text, 0.99, "rapidocr")).repairs == ("fax-1-or-0",)
    for text in ("10", "0", "(一)", "(12)", "", "111", "21"):
        assert broken_zero(CellRead(text, 0.7, "rapidocr")) == CellRead(text, 0.7, "rapidocr")


def test_a_fax_cell_is_reread_once_per_engine_so_one_mistake_never_counts_as_agreement():
    """Binarised or doubled, a bilevel crop is the same evidence: a fax "0" without its arcs reads
    "1" in every such variation, and three agreeing variations would back the wrong value."""
    import numpy as np

    from extractor.geometry import Box
    from extractor.ingest.ocr import get_ocr_engine
    from extractor.layout.reread import reread_cell
    from extractor.settings import OcrSettings, Settings
    from scanhelp import text_image

    page = np.where(text_image(["2045"], size=40, width=400) < 128, 0, 255).astype(np.uint8)
    settings = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
    engine = get_ocr_engine("rapidocr")
    box = Box(0, 0, 400 * 72 / 200, page.shape[0] * 72 / 200)
    grey = reread_cell(page, 200, box, [engine], settings)
    fax = reread_cell(page, 200, box, [engine], settings, bilevel=True)
    assert [c[0] for c in grey] == ["2045"] * 3
    assert [(c[0], c[2]) for c in fax] == [("2045", "rapidocr")]


def test_a_garbled_row_between_the_header_and_the_row_after_it_is_the_row_between():
    """A fax read 2021's first t2 row "规章" as "现幸" (nothing alike): its values were dropped as
    header. The next label read is "行政规范性文件", the row after it, so the row is 规章's: its
    values land there, suspect; a garbled row whose next label is not the row after stays unplaced."""
    tpl = template("2021")
    labels = [label(f"{b.id}.{s.id}", s.label) for b in tpl.t2 for s in b.rows]
    head = [_row("第二十条第（一）项", "", "", ""), _row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")]
    rows = [*head, _row("现幸", "0", "309", "10"), _row("行政规范性文件", "0", "0", "0")]
    stream = read_stream(rows, labels, {lab.id for lab in labels})
    assert [t.raw for t in stream.rows["art20_1.regulations"]] == ["0", "309", "10"]
    assert stream.weak == {"art20_1.regulations"}
    assert [t.raw for t in stream.rows["art20_1.normative_docs"]] == ["0", "0", "0"]
    skipped = read_stream([*head, _row("现幸", "0", "309", "10"), _row("行政许可", "5")], labels, {lab.id for lab in labels})
    assert "art20_1.regulations" not in skipped.rows and not skipped.weak


def _t2_labels(version: str):
    tpl = template(version)
    return [label(f"{b.id}.{s.id}", s.label) for b in tpl.t2 for s in b.rows]


def test_two_garbled_rows_in_a_row_are_placed_in_order_when_the_rows_between_match():
    """A fax of a 2021 report read both rows of 第二十条第（一）项 beyond any likeness ("规章" as
    "印立", "行政规范性文件" as "行政规总性工件", rows as read from that copy): the next label read is
    "行政许可", three rows on, and exactly one garbled row of values stands between, so the two rows
    are 规章 and 行政规范性文件 in order, both weak. With the second row gone (the count no longer
    matches) or the next label read four rows on, nothing is placed."""
    labels = _t2_labels("2021")
    head = [_row("第二十亲第（一）项", "", "", ""), _row("信息内容", "本年制发件数", "本年成止件数", "現行有效件数")]
    first, second = _row("印立", "0", "30", "0"), _row("行政规总性工件", "3", "18", "0")
    block5 = [_row("第二十条第五项", "", "", ""), _row("信息内花", "本年於理決定數量", "", ""), _row("行政许可", "0", "", "")]
    stream = read_stream([*head, first, second, *block5], labels, {lab.id for lab in labels})
    assert [t.raw for t in stream.rows["art20_1.regulations"]] == ["0", "30", "0"]
    assert [t.raw for t in stream.rows["art20_1.normative_docs"]] == ["3", "18", "0"]
    assert stream.weak == {"art20_1.regulations", "art20_1.normative_docs"}
    assert [t.raw for t in stream.rows["art20_5.admin_license"]] == ["0"]
    alone = read_stream([*head, first, *block5], labels, {lab.id for lab in labels})
    assert "art20_1.regulations" not in alone.rows and not alone.weak
    penalty = [_row("第二十条第六项", "", "", ""), _row("行政处罚", "5", "", "")]
    far = read_stream([*head, first, second, *penalty], labels, {lab.id for lab in labels})
    assert "art20_1.regulations" not in far.rows and "art20_1.normative_docs" not in far.rows


def test_a_row_whose_label_a_fax_lost_under_a_block_header_is_the_row_between():
    """A 2019 fax lost the label cell of 行政许可 (rows as read from that copy: the block's heading
    "第系第 1" even came with a stray "1"): the row of values with no label stands under the block's
    column header, and the next label read is the row after it, so it is 行政许可's, weak. A row
    with no label right under a row of values may be that row's second line: it stays there."""
    labels = _t2_labels("2019")
    rows = [_row("规章", "", "0", "0", "0"), _row("规范性文件", "", "0", "0", "11"), _row("第系第 1", "", "", "", ""),
            _row("信息内容", "", "上一年项目數量", "本年增/減", "处理決定數故"), _row("", "", "0", "0", ""),
            _row("其他对外管即服务事", "", "11", "1", "")]
    stream = read_stream(rows, labels, {lab.id for lab in labels})
    assert [t.raw for t in stream.rows["art20_5.admin_license"]] == ["0", "0"]
    assert stream.weak == {"art20_5.admin_license"}
    assert [t.raw for t in stream.rows["art20_1.normative_docs"]] == ["", "0", "0", "11", "1"]
    second_line = read_stream([_row("规章", "0", "0"), _row("", "0"), _row("规范性文件", "1", "1", "1")], labels,
                              {lab.id for lab in labels})
    assert [t.raw for t in second_line.rows["art20_1.regulations"]] == ["0", "0", "0"] and not second_line.weak


def _fax_rows(name: str) -> list[Row]:
    """Rows of a table as the layout read them from a generated fax copy (tests/fixtures/faxrows)."""
    data = json.loads((Path(__file__).parent / "fixtures" / "faxrows" / name).read_text(encoding="utf-8"))
    return [Row([Span(text, page=page, bbox=None if box is None else Box(*box), method=method, confidence=conf)
                 for text, page, box, method, conf in row["cells"]], table=row["table"]) for row in data]


def _bands(tokens) -> list[float]:
    return sorted({t.span.bbox.y0 for t in tokens if t.span.bbox is not None})


def test_rows_of_a_light_fax_grid_whose_labels_are_unreadable_are_placed_one_ruled_row_each():
    """office_2019_00000's fax page 3 (binarised so lightly that most of table 三's labels are specks
    or nothing; rows as the layout read them): 22 ruled rows of values, of which two labels are read
    (其他法律行政法规禁止公开, 无正当理由大量反复申请). Between them and the table's ends the grid holds
    exactly as many ruled rows as the template data rows, so each row gets its own ruled row, in
    order, weak; before, a row with no label under a row of values ran two rows into one and every
    row after it was one off. Blank cells of a label's columns are no value of any row."""
    tpl = template("2019")
    labels = [label(r.id, r.label) for r in tpl.t3_rows]
    data_ids = {r.id for r in tpl.t3_data_rows}
    rows = _fax_rows("office_2019_00000-fax-t3.json")
    stream = read_stream(rows, labels, data_ids, len(tpl.t3_cols))
    tops = [b.y0 for b in (next(s.bbox for s in r.spans if s.bbox is not None) for r in rows if r.table)][2:]
    placed = [_bands(stream.rows[r.id]) for r in tpl.t3_data_rows]
    assert all(len(bands) == 1 for bands in placed[:-4] + placed[-3:])
    assert [bands[0] for bands in placed] == tops
    assert stream.weak == data_ids - {"denied_law_prohibited", "notproc_massive"}
    assert all(t.span.bbox.x0 >= 283 for t in stream.rows["new_received"] if t.span.bbox is not None)
    lone = rows[6]  # 授予公开's ruled row: its label cell read blank, right under a row of values
    assert not any(c.text for c in lone.spans[:5]) and _bands(stream.rows["granted"]) == [tops[2]]
    wrapped = Row([replace(c, text=c.text if c.text == "51" else "") for c in lone.spans], table=True)
    cut = read_stream(rows[:7] + [wrapped] + rows[7:], labels, data_ids, len(tpl.t3_cols))
    def holders(row: Row) -> list[str]:
        return [r.id for r in tpl.t3_data_rows if any(t.raw and any(t.span is c for c in row.spans) for t in cut.rows.get(r.id, []))]
    assert len(holders(wrapped)) == 1 and holders(wrapped) == holders(lone)  # a second line stays with its row


def test_a_fax_grid_row_nothing_places_keeps_its_values_unless_it_tops_a_page():
    """office_2021_00009's fax: table 三 runs on to a page binarised so lightly that its last rows
    read blank or as specks (rows as the layout read them). Under that page's header and three rows
    read blank, two rows of specks were poured into 无正当理由大量反复申请, the last row placed: a
    ruled row no label or place opened and no second line of the row above keeps its values now.
    The first ruled row of a page may be the rest of a row the page break cut: it still joins."""
    tpl = template("2021")
    labels = [label(r.id, r.label) for r in tpl.t3_rows]
    data_ids = {r.id for r in tpl.t3_data_rows}
    rows = _fax_rows("office_2021_00009-fax-t3.json")
    stream = read_stream(rows, labels, data_ids, len(tpl.t3_cols))
    assert {(t.span.page, t.span.bbox.y0) for t in stream.rows["notproc_massive"] if t.span.bbox} == {(3, 752.0)}
    topped = read_stream(rows[:23] + rows[29:], labels, data_ids, len(tpl.t3_cols))
    assert {t.span.page for t in topped.rows["notproc_massive"] if t.raw} == {3, 4}


def test_ruled_rows_a_light_fax_emptied_under_unreadable_labels_count_as_data_rows():
    """office_2021_00009's fax, table 三 (rows as the layout read them): on its light last page the
    six last data rows (要求行政机关确认… to 结转下年度继续办理) stand under the repeated header, their
    labels specks ("一學小人以书子卿口美重新出具URC0", "MIT三", nothing), three of them with every value
    cell blank. A ruled row whose cells stand one per value column, all blank, under a label however
    garbled, is a data row the copy emptied: it counts, so the six ruled rows are the six data rows,
    each weak, the blank ones holding blanks only. The header rows (cells spanning columns, column
    names) are none; a count off by one (one emptied row fewer) places none of them."""
    tpl = template("2021")
    labels = [label(r.id, r.label) for r in tpl.t3_rows]
    data_ids = {r.id for r in tpl.t3_data_rows}
    rows = _fax_rows("office_2021_00009-fax-t3.json")
    stream = read_stream(rows, labels, data_ids, len(tpl.t3_cols))
    last = ["notproc_confirm", "other_no_correction", "other_no_fee", "other_other", "total_processed",
            "carried_forward"]
    assert all(stream.rows.get(key) and all(any(t.span is c for c in row.spans) for t in stream.rows[key])
               for key, row in zip(last, rows[-6:]))
    assert set(last) <= stream.weak
    assert all(not t.raw for key in last[:3] for t in stream.rows[key])
    assert {t.span.page for t in stream.rows["notproc_massive"] if t.span.bbox} == {3}
    fewer = read_stream(rows[:-5] + rows[-4:], labels, data_ids, len(tpl.t3_cols))
    assert not any(key in fewer.rows for key in last)


def test_a_light_fax_t3_without_a_readable_2021_marker_is_told_2021_by_its_ruled_rows():
    """office_2021_00009's fax table 三: its light last page lost the labels that mark the 2021 layout
    (申请人无正当理由逾期不补正 …), so it was mapped as 2019 (其他处理 one row). Its grid holds 25 ruled
    rows of values or emptied rows, the 2021 layout's data rows (2019: 23): with the year saying 2021
    it is 2021; the year alone (2021 reports may keep the 2019 table) or a count off by one is not."""
    from extractor.template.mapping import detect_format

    rows = _fax_rows("office_2021_00009-fax-t3.json")
    assert detect_format(rows, 2024, "t3") == "2021"
    assert detect_format(rows, 2020, "t3") == "2019"
    assert detect_format(rows[:-5] + rows[-4:], 2024, "t3") == "2019"


def _t3_stream(name: str, version: str):
    tpl = template(version)
    rows = _fax_rows(name)
    return read_stream(rows, [label(r.id, r.label) for r in tpl.t3_rows], {r.id for r in tpl.t3_data_rows},
                       len(tpl.t3_cols))


def _values(stream, row_id: str) -> list[str]:
    return [t.raw for t in stream.rows.get(row_id, []) if t.kind == "value"]


def test_a_tall_t3_row_the_page_break_cut_joins_its_numbers_and_places_no_row_off():
    """office_2019_00214's fax (seed 214, table 三 as the layout read it): its tall rows wrap their
    numbers in narrow cells, and the page breaks cut three rows: the heads of the numbers at the foot
    of one page ("2", "3", "7" of 本年新收), the rest atop the next under the repeated header, with no
    label ("4718", "84", "70"). That rest was placed as the next row (上年结转) and every row after it
    one off, 89 values in the wrong rows. Now the next label read (上年结转's own) says it is no row
    of its own: its numbers join those above them, marked and weak."""
    stream = _t3_stream("office_2019_00214-fax-t3.json", "2019")
    assert _values(stream, "new_received") == ["24718", "384", "770", "0", "0", "3", "25875"]
    assert _values(stream, "carried_over") == ["0", "0", "17", "0", "0", "0", "17"]
    assert _values(stream, "denied_state_secret") == ["578", "0", "11", "0", "0", "0", "589"]
    assert _values(stream, "denied_process_info") == ["204", "1", "6", "0", "0", "0", "211"]
    assert {"new_received", "denied_process_info", "notproc_confirm"} <= stream.weak
    assert "carried_over" not in stream.weak
    assert all(PAGE_CUT in t.span.repairs for t in stream.rows["new_received"] if t.raw in ("24718", "25875"))


def test_a_heading_whose_cell_a_fax_stretched_up_does_not_skip_the_rows_above_it():
    """office_2021_00203's fax (seed 203, table 三 as the layout read it): the cell of "(六)其他处理" lost
    its top rule and runs up two rows, so the heading is read beside "4. 无正当理由大量反复申请" and
    "5. 要求行政机关确认…"; opened there it skipped both rows (14 cells missing) and poured their
    values into the rows after it. Their own labels open them now."""
    stream = _t3_stream("office_2021_00203-fax-t3.json", "2021")
    assert _values(stream, "notproc_massive") == ["0"] * 7
    assert _values(stream, "notproc_confirm") == ["0", "1", "0", "0", "0", "0", "1"]
    assert _values(stream, "other_no_fee") == ["0"] * 7
    assert {"notproc_massive", "notproc_confirm"}.isdisjoint(stream.weak)


def test_table_four_under_a_garbled_heading_is_found_by_its_column_headers():
    """office_2021_00219's fax (seed 219, rows as the layout read them, from t3's last row to section
    五): its heading reads "四、政府信息公开较复议、诉讼情况" and the grid's "行政复议" "輕复议", so neither
    the heading nor the anchor found table 四 and all 15 cells were missing. Its column headers
    ("未经复议直接起诉", "复议后起诉") are table 四's own too."""
    rows = _fax_rows("office_2021_00219-fax-t4.json")
    regions = table_regions(rows, find_headings(rows))
    assert "t4" in regions
    values = [s.text for r in rows[regions["t4"].start:regions["t4"].stop] if r.table for s in r.spans if s.text[:1].isdigit()]
    assert values[:5] == ["1", "0", "0", "0", "1"]


def test_a_page_cut_rest_over_a_cell_whose_column_rule_was_lost_joins_nothing():
    """As office_2021_00207's fax reads it (seed 207): atop page 3 the rest of 总计 holds "1" in a cell
    the copy merged over two columns (社会公益组织 and 法律服务机构 above hold "92" and "0"), and "2" under
    the total "101". Which number the "1" ends cannot be told, so no number is joined."""
    def value(text: str, page: int, x0: float, x1: float) -> Token:
        return Token("value", text, Span(text, page=page, bbox=Box(x0, 761, x1, 772), method="ocr"))
    above = [value("92", 2, 319, 347), value("0", 2, 347, 374), value("101", 2, 402, 429)]
    assert cut_joins(above, [value("1", 3, 319, 374), value("2", 3, 402, 429)]) is None
    joined = cut_joins(above, [value("2", 3, 402, 429)])
    assert joined is not None and joined[2].raw == "1012" and PAGE_CUT in joined[2].span.repairs


def test_a_page_cut_rest_with_the_tail_of_its_label_joins_the_row_above():
    """office_2021_00513's fax (seed 513, table 三 as the layout read it): the page break cuts the row
    "3.危及“三安全、三稳定”" in its label too, so the rest atop page 4 holds the label's tail
    ("全一稳定“") beside the feet "40" "40" of the numbers "9" "9" on page 3. Refused for its text, the
    rest joined nothing and 9, 9 left as read, a balanced row, silent; the tail reads as no label to
    come, so the rest joins: 940, 940, weak."""
    stream = _t3_stream("office_2021_00513-fax-t3.json", "2021")
    assert _values(stream, "denied_security_stability") == ["0", "0", "0", "0", "0", "940", "940"]
    assert "denied_security_stability" in stream.weak
    assert _values(stream, "denied_third_party")[:4] == ["0", "0", "0", "0"]


def test_a_column_header_whose_glyphs_a_fax_garbled_is_no_row_of_values():
    """office_2019_00708's fax (seed 708, table 三 as the layout read it): the column header's
    vertical names read "1", "H" (page 2) and "6", "上", "1" (page 3's repeated header). Its
    garbles are not the cells of numbers a data row's are (no label stands in its label columns):
    made blanks, the header read as numbers and blanks alone and its 6 and 1 went into 予以公开."""
    rows = _fax_rows("office_2019_00708-fax-t3.json")
    result = map_tables(rows, find_headings(rows), 2019)
    granted = [c.value for c in result.cells if c.table == "t3" and c.row == "granted"]
    assert granted == [0, 237, 0, 0, 0, 0, 237]


def test_a_row_placed_by_its_place_whose_own_label_is_read_next_is_taken_back():
    """office_2021_01947's fax (seed 1947, table 三 as the layout read it): 予以公开's tall row of
    numbers set a digit a line is cut by the page break; its rest tops page 3 ("3", "674", "2", "17",
    "089") beside the heading's last glyph "果", and the heads on page 2 do not line up with it (the
    fax merged two of page 2's cells), so it was placed by its place as 部分公开. The next ruled row
    reads "（二）部分公开（区分处理的…）" in full: each row from there on met its own label already taken
    and every value of the table fell one row late. The place is taken back: 部分公开 and the rows
    after it hold their own values; 予以公开 (its cut rest lost) and 部分公开 are suspect."""
    rows = _fax_rows("office_2021_01947-fax-t3.json")
    result = map_tables(rows, find_headings(rows), 2020)
    values = {row: [c.value for c in result.cells if c.table == "t3" and c.row == row]
              for row in ("partial", "denied_state_secret", "notproc_repeat")}
    assert values == {"partial": [1, 0, 7910, 113, 0, 1958, 9982],
                      "denied_state_secret": [0, 0, 1695, 0, 0, 344, 2039],
                      "notproc_repeat": [0, 0, 1582, 0, 0, 232, 1814]}
    assert all(c.status == "suspect" for c in result.cells if c.table == "t3" and c.row in ("granted", "partial"))


def test_a_row_placed_by_its_place_keeps_it_when_its_label_is_read_outside_the_grid():
    """office_2019_00016's fax (seed 16, table 三 as the layout read them): 结转下年度继续办理's values
    stand alone under page 4's repeated header, placed by their place; its label "四、结转下年度继续办理"
    is read after them as prose, outside the grid. That is the row's own label beside it, not a later
    ruled row disowning the place: the values stay (0 0 0 0 0 2 2). (Fails on 8a45810: taken back,
    the row missing.)"""
    rows = _fax_rows("office_2019_00016-fax-t3.json")
    result = map_tables(rows, find_headings(rows), 2019)
    assert [c.value for c in result.cells if c.table == "t3" and c.row == "carried_forward"] == [0, 0, 0, 0, 0, 2, 2]
