"""Reports as agencies make them: Word files exported by LibreOffice, read cell by cell.

Three reports are generated with ``soffice`` into a temporary folder (one batch, ~15 s). Their seeds
are picked for what they show — numbers wrapped inside narrow cells, labels over several lines,
rows split by a page break with and without a repeated header, vertical headers (btLr, tbRl) —
and every test first asserts that the PDF really shows the trouble before checking the reading.
The ``compose``/``is_remainder`` tests below run without LibreOffice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.bench.corpus import compare_tables
from extractor.bench.office import (CorpusItem, OfficeStyle, build_office_corpus, office_report, overlapping_glyphs,
                                   soffice_export, write_office_docx)
from extractor.geometry import Box
from extractor.ingest.document import Document, Row, Word
from extractor.ingest.pdf import open_pdf
from extractor.layout.celltext import compose, retext
from extractor.layout.continued import is_remainder
from extractor.layout.furniture import is_page_furniture
from extractor.layout.pdf_rows import build_document
from extractor.layout.tables.base import RawCell, RawTable
from extractor.layout.tables.camelot_engine import CamelotEngine
from extractor.resources import load_json
from tests.conftest import extract_plain

# (format, seed): 2019/17 wraps numbers two digits a line and splits 部分公开 under a repeated header;
# 2021/46 stacks headers tbRl and splits 部分公开 with no repeated header;
# 2021/6 turns headers btLr and splits two rows.
CASES = (("2019", 17), ("2021", 46), ("2021", 6))
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/install.sh")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], CorpusItem]:
    out = tmp_path_factory.mktemp("office")
    planned = []
    for fmt, seed in CASES:
        report, style = office_report(seed, fmt), OfficeStyle.random(seed)  # type: ignore[arg-type]
        planned.append((report, style, write_office_docx(report, style, out / f"office_{fmt}_{seed:05d}.docx")))
    pdfs = soffice_export([docx for _, _, docx in planned], out)
    return {(r.fmt, r.seed): CorpusItem(pdf, docx, r, style) for (r, style, docx), pdf in zip(planned, pdfs)}


def _document(item: CorpusItem) -> Document:
    return build_document(open_pdf(item.pdf))


def _row(doc: Document, label: str) -> Row:
    rows = [r for r in doc.rows if r.table and any(s.text == label for s in r.spans)]
    assert len(rows) == 1, f"{label} should be one table row, found {len(rows)}"
    return rows[0]


def _values(row: Row, label: str) -> list[str]:
    texts = [s.text for s in row.spans]
    return texts[texts.index(label) + 1:]


def _shown(item: CorpusItem, value: int) -> str:
    return f"{value:,}" if item.style.thousands else str(value)


def _t3_strings(item: CorpusItem, row_id: str, columns: list[str]) -> list[str]:
    return [_shown(item, item.truth["t3"][row_id][c]) for c in columns]


def _whole(rows: list[list[str]], item: CorpusItem) -> set[str]:
    """Table-三 rows read with their label and all their values in one row."""
    labels = {r["id"]: r["label"] for r in load_json("template.json")["formats"][item.fmt]["tables"]["t3"]["rows"]}
    out = set()
    for rid in item.truth["t3"]:
        values = _t3_strings(item, rid, T3_COLUMNS)
        if any(labels[rid] in row and row[-len(values):] == values for row in rows):
            out.add(rid)
    return out


T3_COLUMNS = ["natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service",
              "legal_other", "total"]


def _raw_tables(item: CorpusItem) -> list[tuple[list[Word], RawTable]]:
    """Each table part with its page's words, before parts split by a page break are joined."""
    src = open_pdf(item.pdf)
    found = CamelotEngine().find_tables(str(item.pdf), src.pages)
    words = {p.number: p.words for p in src.pages}
    return [(words[n], retext(t, words[n])) for n in sorted(found) for t in found[n]]


def _raw_rows(item: CorpusItem) -> list[list[str]]:
    return [[c.text for c in row] for _, t in _raw_tables(item) for row in t.rows]


def _t3_words(item: CorpusItem) -> set[str]:
    """Words the PDF draws inside table 三's parts."""
    out = set()
    for words, table in _raw_tables(item):
        if any(c.text.startswith("（七）总计") for row in table.rows for c in row) or \
                any(c.text.startswith("一、本年新收") for row in table.rows for c in row):
            b = table.bbox
            out |= {w.text for w in words if b.x0 <= w.box.x0 and w.box.x1 <= b.x1 and b.y0 <= w.box.y0 and w.box.y1 <= b.y1}
    return out


@needs_soffice
@pytest.mark.slow
def test_number_wrapped_in_its_cell_is_one_value(office: dict[tuple[str, int], CorpusItem]) -> None:
    item = office[("2019", 17)]
    assert item.style.digits_per_line == 2
    words = _t3_words(item)
    assert "0" in words
    doc = _document(item)
    long_values = [(rid, col) for rid, cols in item.truth["t3"].items() for col, v in cols.items() if v >= 100]
    assert long_values, "the report needs three-digit values"
    joined = 0
    for rid, col in long_values[:6]:
        value = _shown(item, item.truth["t3"][rid][col])
        assert value not in words, f"{value} should be wrapped over lines in the PDF"
        spans = [s for r in doc.rows if r.table for s in r.spans if s.text == value]
        assert spans, f"{value} should be read as one cell value"
        joined += all("joined" in s.repairs for s in spans)
    assert joined >= 1
    report = extract_plain(item.pdf)
    assert compare_tables(item.truth, report.tables.model_dump()) == []
    # every value is right; the one a wrap had to mend ("-" over "134") that no rule covers is flagged
    status = {f"{c.table}.{c.row}.{c.col}": (c.status, c.verified) for c in report.cells}
    assert status.pop("t2.art20_5.admin_license.change") == ("suspect", False)
    assert {s for s, _ in status.values()} == {"read"}


@needs_soffice
@pytest.mark.slow
def test_label_wrapped_in_its_cell_is_one_label(office: dict[tuple[str, int], CorpusItem]) -> None:
    item = office[("2019", 17)]
    lines = [w.text for p in open_pdf(item.pdf).pages for w in p.words if w.text and w.text[0] == "（"]
    assert PARTIAL not in lines, "the label should wrap over lines in the PDF"
    row = _row(_document(item), PARTIAL)
    assert _values(row, PARTIAL) == _t3_strings(item, "partial", T3_COLUMNS)


@needs_soffice
@pytest.mark.slow
def test_row_split_under_a_repeated_header_is_one_row(office: dict[tuple[str, int], CorpusItem]) -> None:
    item = office[("2019", 17)]
    assert item.style.repeat_header
    raw = _raw_rows(item)
    assert sum(1 for row in raw if row and row[0].startswith("（本列数据")) >= 2, "the header should repeat"
    assert "partial" not in _whole(raw, item), "部分公开 should be split by the page break"
    doc = _document(item)
    assert _values(_row(doc, PARTIAL), PARTIAL) == _t3_strings(item, "partial", T3_COLUMNS)
    assert sum(1 for r in doc.rows if r.table and r.spans[0].text.startswith("（本列数据")) == 1
    report = extract_plain(item.pdf)
    assert compare_tables(item.truth, report.tables.model_dump()) == []


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("case", [("2021", 46), ("2021", 6)])
def test_row_split_without_repeated_header_is_one_row(office: dict[tuple[str, int], CorpusItem],
                                                     case: tuple[str, int]) -> None:
    item = office[case]
    assert not item.style.repeat_header
    assert _whole(_raw_rows(item), item) != set(item.truth["t3"]), "some row should be split by the page break"
    rows = [[s.text for s in r.spans] for r in _document(item).rows if r.table]
    assert _whole(rows, item) == set(item.truth["t3"])
    report = extract_plain(item.pdf)
    assert compare_tables(item.truth, report.tables.model_dump()) == []
    assert {c.status for c in report.cells} == {"read"}


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize(("case", "direction"), [(("2021", 46), "tbRl"), (("2021", 6), "btLr")])
def test_vertical_header_is_one_header(office: dict[tuple[str, int], CorpusItem], case: tuple[str, int],
                                       direction: str) -> None:
    item = office[case]
    assert item.style.header_direction == direction
    src = open_pdf(item.pdf)
    assert "结果维持" not in {w.text for p in src.pages for w in p.words}, "the header should be set vertically"
    spans = [s.text for r in _document(item).rows if r.table for s in r.spans]
    assert spans.count("结果维持") == 3
    assert spans.count("法律服务机构") >= 1
    assert compare_tables(item.truth, extract_plain(item.pdf).tables.model_dump()) == []


@needs_soffice
def test_a_table_laid_over_the_prose_is_exported_again_with_rows_kept_whole(tmp_path: Path) -> None:
    """2019/3022 (vertical headers, rows may split): LibreOffice lays table 三's continuation over the
    prose and table 四; the corpus must not score the reader on a page no agency would publish."""
    report, style = office_report(3022, "2019"), OfficeStyle.random(3022)
    assert not style.cant_split
    raw = soffice_export([write_office_docx(report, style, tmp_path / "as_drawn.docx")], tmp_path)[0]
    assert overlapping_glyphs(raw) > 20, "the seed's own style should lay text over text"
    item = build_office_corpus(tmp_path / "corpus", 1, 3022, "2019")[0]
    assert item.style.cant_split and overlapping_glyphs(item.pdf) == 0
    squeezed = build_office_corpus(tmp_path / "squeezed", 1, 11, "2021")[0]  # vertical headers overlap in short cells
    assert squeezed.style == OfficeStyle.random(11), "glyphs of one size overlapping are no overlay"


def _word(text: str, x0: float, y0: float, size: float = 10.0) -> Word:
    return Word(text, Box(x0, y0, x0 + len(text) * size / 2, y0 + size))


def test_digits_close_up_only_when_they_could_not_fit() -> None:
    narrow = 26.0  # 10 pt digits: two fit beside the default padding
    assert compose([_word("39", 5, 0), _word("2", 5, 11)], narrow) == ("392", ("joined",))
    wide = 60.0
    assert compose([_word("5", 20, 0), _word("3", 20, 11)], wide) == ("5 3", ())
    assert compose([_word("-", 20, 0), _word("370", 20, 11)], wide) == ("-370", ("joined",))
    assert compose([_word("0", 5, 0), _word("0", 30, 0)], wide) == ("0 0", ())
    assert compose([_word("39", 5, 0), _word("2", 5, 11)], narrow, one_row=False) == ("39 2", ())
    assert compose([_word("结果", 5, 0), _word("维持", 5, 11)], narrow) == ("结果维持", ())


def _cell(text: str, x0: float, x1: float, y: float, **kw: object) -> RawCell:
    return RawCell(text, Box(x0, y, x1, y + 12), **kw)  # type: ignore[arg-type]


def test_a_complete_row_at_the_top_of_a_page_is_not_a_remainder() -> None:
    last = [_cell("1.本机关不掌握相关政府信息", 0, 100, 700), _cell("16", 100, 126, 700)]
    prev = RawTable(1, Box(0, 600, 126, 712), [last])
    prev_words = [_word("1.本机关不掌握相关政府信息", 2, 700, 7), _word("16", 103, 700)]
    complete = RawTable(2, Box(0, 60, 126, 72), [[_cell("2.没有现成信息", 0, 100, 60), _cell("81", 100, 126, 60)]])
    assert not is_remainder(prev, prev_words, complete, [_word("2.没有现成信息", 2, 60, 7), _word("81", 103, 60)])
    rest = RawTable(2, Box(0, 60, 126, 72), [[_cell("", 0, 100, 60), _cell("0", 100, 126, 60)]])
    assert is_remainder(prev, prev_words, rest, [_word("0", 108, 60)])
    # "5" did not fill its cell, so a "3" on the next page cannot be its rest
    short = RawTable(1, Box(0, 600, 126, 712), [[_cell("x", 0, 100, 700), _cell("5", 100, 146, 700)]])
    other = RawTable(2, Box(0, 60, 126, 72), [[_cell("", 0, 100, 60), _cell("3", 100, 146, 60)]])
    assert not is_remainder(short, [_word("x", 2, 700), _word("5", 120, 700)], other, [_word("3", 120, 60)])


@pytest.mark.parametrize(("text", "y", "dropped"), [("- 4 -", 800, True), ("第3页共9页", 810, True),
                                                    ("- 4 -", 400, False), ("2019年", 810, False)])
def test_page_numbers_in_the_footer_are_not_content(text: str, y: float, dropped: bool) -> None:
    from extractor.ingest.document import Page

    page = Page(number=4, width=595, height=842)
    assert is_page_furniture([_word(text, 280, y)], page) is dropped


def test_words_from_another_frame_leave_the_engine_text() -> None:
    """Word boxes shifted against the table's (an odd crop box): the rebuilt text would be wrong."""
    table = RawTable(1, Box(0, 0, 60, 12), [[_cell("规章", 0, 30, 0), _cell("12", 30, 60, 0)]])
    shifted = [_word("行政", 2, 0), _word("99", 35, 0)]
    assert retext(table, shifted) is table
    aligned = [_word("规章", 2, 0), _word("12", 35, 0)]
    assert [c.text for c in retext(table, aligned).rows[0]] == ["规章", "12"]
