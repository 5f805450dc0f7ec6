"""Table 二 (主动公开) of generated fax copies, its rows as the layout read them (tests/fixtures/faxrows):
the table has almost no arithmetic, so each cell rests on how its row and header were read."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.ingest.marks import ENGINES_DISAGREE, FAX_STEM, JOINED
from extractor.layout.cellread import CellRead
from extractor.layout.scan import _second_read
from extractor.layout.sections import find_headings
from extractor.template.mapping import _unit_text
from extractor.template.tables import map_tables

FIXTURES = Path(__file__).parent / "fixtures" / "faxrows"


def _fax_rows(name: str) -> list[Row]:
    """Rows of a table as the layout read them from a generated fax copy (each cell's repair marks, if recorded)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [Row([Span(text, page=page, bbox=None if box is None else Box(*box), method=method, confidence=conf,
                      repairs=tuple(marks[0]) if marks else ())
                 for text, page, box, method, conf, *marks in row["cells"]], table=row["table"]) for row in data]


def test_a_money_unit_is_read_from_a_header_whose_column_label_the_fax_garbled():
    """office_2019_02130 as a fax (bench seed 2130): 采购总金额（万元） read "碧金额(万元)", so the column's
    label was not found in the header; the unit was then looked for in the header's first characters,
    the block's heading "第二十条第（九）项" and 信息内容, and 101.99 万元 was taken as 101.99 元."""
    rows = _fax_rows("office_2019_02130-fax-t2.json")
    result = map_tables(rows, find_headings(rows), 2019)
    slot = result.slots["t2.art20_9.central_procurement.procurement_amount"]
    assert (slot.value, slot.raw) == (1019900, "101.99")
    assert not any("procurement_amount: money unit not printed" in w for w in result.warnings)


def test_a_lone_yuan_in_a_garbled_header_leaves_the_template_s_unit():
    """A 2021 fee header read "本计收费金额·单位元" (office_2021_00009 as a fax: 本年 garbled, 万 lost): its
    label is not found, and the lone 元 may be a 万元 that lost its 万; the template's 万元 stands."""
    assert _unit_text("第二十条第八项信息内容本计收费金额单位元", "本年收费金额（单位：万元）") == ""
    assert _unit_text("第二十条第九项信息内容碧金额万元", "采购总金额") == "万元"


def test_a_fax_crop_that_adds_a_digit_to_a_one_line_page_reading_is_not_taken():
    """office_2021_00005 as a fax (bench seed 5), 行政规范性文件's 现行有效件数, 10: the page pass read "10"
    (confidence 0.86, one line), the cell's crop "161" (its "0" broken into arcs, read as "61"), and the
    crop's reading replaced the page's. office_2019_00016 (seed 16), 行政事业性收费's 本年增/减, 6: page
    "6" (0.44), crop "17". On a fax a crop that adds digits to the page's one-line reading made them
    up: the page's reading stays, doubtful. Off a fax or on a light one, and for a crop that drops
    digits of a one-line reading ("815" → "5", a speck read as a digit by the page pass), the crop's
    reading stands. (Readings recorded from the copies; fails on 5e8b01e.)"""
    page, crop = CellRead("10", 0.86, "rapidocr"), CellRead("161", 0.71, "rapidocr", (FAX_STEM,))
    kept = _second_read(page, crop, True, 1, thin=True)
    assert (kept.text, kept.confidence) == ("10", 0.71) and ENGINES_DISAGREE in kept.repairs
    assert _second_read(CellRead("6", 0.44, "rapidocr"), CellRead("17", 0.44, "rapidocr"), True, 1, True).text == "6"
    assert _second_read(page, crop, True, 1, thin=False).text == "161"
    assert _second_read(CellRead("815", 0.93, "rapidocr"), CellRead("5", 0.99, "rapidocr"), True, 1, True).text == "5"
    wrapped = CellRead("2120", 0.9, "rapidocr", (JOINED,))  # the crop found a second line of ink: a wrapped tail
    assert _second_read(CellRead("212", 0.9, "rapidocr"), wrapped, True, 1, True).text == "2120"


def test_a_light_page_s_blocks_place_their_rows_by_count_when_no_label_is_read():
    """office_2019_03028 as a fax (bench seed 3028): a page binarised so lightly that every row label of
    table 二 fell apart ("其他对外管理服务事项" read "日他可外管理服务室项", 规章's cell blank); each row read
    "row not found" and its 22 cells were missing. The blocks still show: five column headers read as
    such (信息内容, 信日内容, 信息内台, 信皂內容, 信息內容) and after each of the first four exactly as many
    ruled rows of values as the block has data rows; the last block lost its row and places nothing.
    The rows placed are suspect, never verified. (Fails on 9271514.)"""
    rows = _fax_rows("office_2019_03028-fax-t2.json")
    result = map_tables(rows, find_headings(rows), 2019)
    got = {k.removeprefix("t2."): s.value for k, s in result.slots.items() if k.startswith("t2.")}
    assert [got[f"art20_5.other_mgmt_services.{c}"] for c in ("prev_year_items", "change")] == [11, 1]
    assert [got[f"art20_6.admin_penalty.{c}"] for c in ("prev_year_items", "change", "decisions")] == [0, 1, 14]
    assert [got[f"art20_8.admin_fees.{c}"] for c in ("prev_year_items", "change")] == [0, 0]
    assert got["art20_9.central_procurement.procurement_items"] is None
    placed = [s for s in result.slots.values() if s.table == "t2" and s.value is not None]
    assert len(placed) >= 14 and all(s.status == "suspect" and not s.verified for s in placed)


def test_blocks_told_by_their_count_of_runs_when_column_headers_are_lost():
    """office_2019_03008 as a fax (bench seed 3008): two of table 二's five column headers unread (one a
    blank first cell, one lost with the grid's rules), so their number does not tell the blocks; the
    ruled rows of values still come in five runs, and the runs of 第（五）项 and 第（六）项, each after a
    header read as such ("信息内容", "息内容"), hold two rows each: their 12 cells were missing, their
    labels garbled ("（故处回行政强制" is no label). The first block's run holds four rows (its column
    header cut in two, a heading's speck read "4"): it places nothing. (Fails on 9271514.)"""
    rows = _fax_rows("office_2019_03008-fax-t2.json")
    result = map_tables(rows, find_headings(rows), 2019)
    got = {k.removeprefix("t2."): s for k, s in result.slots.items() if k.startswith("t2.")}
    cols = ("prev_year_items", "change", "decisions")
    assert [got[f"art20_6.admin_penalty.{c}"].value for c in cols] == [589, 0, 0]
    assert [got[f"art20_5.other_mgmt_services.{c}"].value for c in cols] == [0, 0, 0]
    assert all(s.value is None for k, s in got.items() if k.startswith("art20_1."))
    placed = [s for k, s in got.items() if k.startswith(("art20_5", "art20_6"))]
    assert all(s.status == "suspect" and not s.verified for s in placed)


def test_blocks_fixed_by_the_labels_read_when_neither_count_holds():
    """office_2019_03228 as a fax (bench seed 3228): a light page. Four column headers read as such for
    five blocks (第（八）项's 信息内容 lost) and four runs of values (政府集中采购's values unread), so
    neither count told the blocks, and table 二's rows up to 行政事业性收费 were all "row not found" (18
    cells missing). The labels still read fix the runs: "具他对外管理服务事项" names 第（五）项's run and
    行政事业性收费 第（八）项's, so the one run before the first is 第（一）项's and the one between
    第（六）项's. The rows placed are suspect, never verified. (Fails on 4a72313.)"""
    rows = _fax_rows("office_2019_03228-fax-t2.json")
    result = map_tables(rows, find_headings(rows), 2019)
    got = {k.removeprefix("t2."): s for k, s in result.slots.items() if k.startswith("t2.")}
    cols = ("prev_year_items", "change", "decisions")
    assert [got[f"art20_1.regulations.{c}"].value for c in ("new_made", "new_published", "total_published")] == [0, 0, 0]
    assert [got[f"art20_6.admin_coercion.{c}"].value for c in cols] == [1, 0, 0]
    assert [got[f"art20_5.admin_license.{c}"].value for c in cols] == [0, None, 0]
    assert got["art20_9.central_procurement.procurement_items"].value is None
    placed = [s for k, s in got.items() if k.startswith(("art20_1", "art20_5", "art20_6")) and s.value is not None]
    assert len(placed) >= 12 and all(s.status == "suspect" and not s.verified for s in placed)
