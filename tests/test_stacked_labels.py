"""Table 三 rows whose labels a copy's grid put in one tall cell, and rows placed by their position.

Real WPS reports (洪泽区 2023/2024) draw table 三's inner rules thin and grey; on a 200-dpi scan the
grid loses them in the label columns, so the eight labels of (三)不予公开 come out as one cell beside
eight ruled rows of values ("1.属于国家秘密2.其他法律行政止公开…(三)不予公开5.…8.属于行政查询事项").
The rows below are shaped as the layout read that copy: the label cell spans the rows' height.
"""

from __future__ import annotations

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.layout.sections import find_headings
from extractor.template.match import label, score, stacked
from extractor.template.spec import template, threshold
from extractor.template.stream import read_stream
from extractor.template.tables import map_tables

DENIED = "1.属于国家秘密2.其他法律行政止公开3.危及“三安全一稳定”4.保护第三方合法权益(三)不予公开5.属于三类内部事务信息6.属于四类过程性信息7.属于行政执法案卷8.属于行政查询事项"
UNABLE = "2.没有现成信息需要另行制作3.补正后申请内容仍不明确"
NOTPROC = "1.信访举报投诉类申请2.重复申请3.要求提供公开出版物(五)不予处理4.无正当理由大量反复申请5.要求行政机关确认或重新出具已获取信息"


def _cell(text: str, x0: float, x1: float, y0: float, y1: float) -> Span:
    return Span(text, page=3, bbox=Box(x0, y0, x1, y1), method="ocr", engine="rapidocr", confidence=0.99)


def _values(y: float, first: int, label: Span | None = None) -> Row:
    """A ruled row of seven values (``first`` for the natural person and the total, else 0)."""
    cells = [_cell(str(v), 290 + 30 * i, 318 + 30 * i, y, y + 20) for i, v in enumerate([first, 0, 0, 0, 0, 0, first])]
    return Row(([label, _cell("", 260, 288, y, y + 20)] if label else []) + cells, table=True)


def _block(text: str, y: float, firsts: list[int]) -> list[Row]:
    """A label cell spanning ``len(firsts)`` ruled rows of values, the first of them beside it."""
    cell = _cell(text, 80, 258, y, y + 20 * len(firsts))
    return [_values(y + 20 * i, v, cell if i == 0 else None) for i, v in enumerate(firsts)]


def _page(denied: str = DENIED) -> list[Row]:
    """洪泽 2024's table 三 as its scan200 copy's grid read it (values as printed)."""
    def row(text: str, y: float, first: int) -> Row:
        return _values(y, first, _cell(text, 80, 258, y, y + 20))
    return [Row([Span("三、收到和处理政府信息公开申请情况", page=3)]),
            Row([_cell("自然人", 290, 318, 440, 496), _cell("商业企业", 320, 348, 440, 496), _cell("科研机构", 350, 378, 440, 496),
                 _cell("社会公益组织", 380, 408, 440, 496), _cell("法律服务机构", 410, 438, 440, 496),
                 _cell("其他", 440, 468, 440, 496), _cell("总计", 470, 498, 440, 496)], table=True),
            row("一、本年新收政府信息公开申请数量", 500, 95), row("二、上年结转政府信息公开申请数量", 520, 0),
            row("(一)予以公开", 540, 50), row("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", 560, 9),
            *_block(denied, 580, [0, 0, 1, 0, 0, 1, 1, 0]), row("(四)无法提供1.本机关不掌握相关政府信息", 740, 31),
            *_block(UNABLE, 760, [1, 0]), *_block(NOTPROC, 800, [1, 0, 0, 0, 0]),
            row("(六)其他处理", 900, 0), row("(七)总计", 920, 95), row("四、结转下年度继续办理", 940, 0),
            Row([Span("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", page=3)])]


def _firsts(stream, ids: list[str]) -> list[str]:
    return [next(t.raw for t in stream.rows[i] if t.kind == "value") for i in ids]


def test_a_label_cell_the_grid_merged_down_a_block_opens_its_rows_in_order_as_read_rows():
    """The eight labels read in order in one cell beside eight full ruled rows: each row its own
    values, none placed by position (before: all 15 rows of the three blocks weak, 105 cells suspect)."""
    tpl = template("2019")
    labels = [label(r.id, r.label) for r in tpl.t3_rows]
    data_ids = {r.id for r in tpl.t3_data_rows}
    denied = [r.id for r in tpl.t3_data_rows if r.id.startswith("denied_")]
    stream = read_stream(_page()[1:-1], labels, data_ids, len(tpl.t3_cols))
    assert _firsts(stream, denied) == ["0", "0", "1", "0", "0", "1", "1", "0"]
    assert _firsts(stream, ["unable_need_creation", "unable_unclear", "notproc_petition"]) == ["1", "0", "1"]
    assert not stream.weak
    upcoming = labels[[lab.id for lab in labels].index("partial") + 1:]
    assert [lab.id for lab in stacked(DENIED, upcoming, data_ids)] == denied
    assert stacked(DENIED.replace("(三)", "(二)"), upcoming, data_ids) == stacked(DENIED, upcoming, data_ids)  # a photo
    assert [lab.id for lab in stacked("一、本年新收政府信息公开申请数量二、上年结转政府信息公开申请数量", labels, data_ids)] == [
        "new_received", "carried_over"]
    faxed = "属于国家秘密2其他法律行政止公开3危及“安全一稳定”4保护第方合法权益() 不予公开5届于类内部事务信息6届于四类过程性信息7属于行政执法案卷8属于行政直询事项"
    assert [lab.id for lab in stacked(faxed, upcoming, data_ids)] == denied  # the fax's copy: dots and "1." lost
    assert stacked(faxed.replace("5届于类内部", "5口口"), upcoming, data_ids) == []
    assert stacked("1.属于国家秘密", upcoming, data_ids) == []
    assert stacked("2.其他法律行政止公开3.危及三安全一稳定", upcoming, data_ids) == []  # not the next row on
    stray = _page()[1:-1]
    stray.insert(8, Row([Span("1", page=3, bbox=Box(292, 624, 296, 632), method="ocr")]))  # a word outside the grid
    assert not read_stream(stray, labels, data_ids, len(tpl.t3_cols)).weak
    short = _page()[1:-1]
    del short[10]  # a ruled row lost beside the cell: the count is off, no row is opened by the stack
    assert read_stream(short, labels, data_ids, len(tpl.t3_cols)).weak != set()


def test_glyphs_of_a_tall_heading_before_a_numbered_label_do_not_hide_it():
    """The as-published 洪泽 reports: the vertical heading 三、本年度办理结果's glyphs land in the cells
    beside it ("结果2.其他法律行政止公开", "三、(一)予以公开"); scored from the numbering they match."""
    labels = {lab.id: lab for lab in (label(r.id, r.label) for r in template("2019").t3_rows)}
    assert score("结果2.其他法律行政止公开", labels["denied_law_prohibited"]) >= threshold("numbered_fuzzy")
    assert score("三、(一)予以公开", labels["granted"]) == 1.0
    assert score("结果2.其他法律行政止公开", labels["denied_state_secret"]) == 0.0


def test_rows_placed_by_their_position_are_suspect_and_a_warning_names_them():
    """A label of the stack garbled ("5.属口口") leaves the block to the grid's count of rows: the rows
    are placed by position, their cells suspect and never verified (every table-三 rule is blind to
    which of two rows holds which values), and one warning names them."""
    page = _page(DENIED.replace("5.属于三类内部事务信息", "5.口口"))
    result = map_tables(page, find_headings(page), 2024)
    placed = [r.id for r in template("2019").t3_data_rows if r.id.startswith("denied_")]
    cells = [c for c in result.cells if c.table == "t3" and c.row in placed]
    assert cells and all(c.status == "suspect" and not c.verified for c in cells)
    notes = [w for w in result.warnings if "placed by their position" in w]
    assert notes == [f"suspect: rows placed by their position in the table, their labels not read (no rule tells "
                     f"one row from another): {', '.join(f't3.{r}' for r in placed)}"]
    assert all(c.status == "read" and c.verified for c in result.cells if c.table == "t3" and c.row == "notproc_repeat")
