"""Table 二 (主动公开) of generated fax copies, its rows as the layout read them (tests/fixtures/faxrows):
the table has almost no arithmetic, so each cell rests on how its row and header were read."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.layout.sections import find_headings
from extractor.template.mapping import _unit_text
from extractor.template.tables import map_tables

FIXTURES = Path(__file__).parent / "fixtures" / "faxrows"


def _fax_rows(name: str) -> list[Row]:
    """Rows of a table as the layout read them from a generated fax copy."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [Row([Span(text, page=page, bbox=None if box is None else Box(*box), method=method, confidence=conf)
                 for text, page, box, method, conf in row["cells"]], table=row["table"]) for row in data]


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
