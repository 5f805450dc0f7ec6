"""Rows of a light fax page's table 三 whose label and first numbers the copy erased alike.

The material is office_2019_00000's fax copy (the bench's first report, seed 0): its page 3 was
binarised so lightly that its glyphs fell apart. Table 三 as the layout read it on main 7029bcc, with
each cell's marks and the re-reads the template stage asked for
(tests/fixtures/faxgroups/office_2019_00000-fax-t3.json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.layout.sections import find_headings
from extractor.template.tables import map_tables

RECORDED = Path(__file__).parent / "fixtures" / "faxgroups" / "office_2019_00000-fax-t3.json"


def _recorded() -> tuple[list[Row], Callable[[int, Box], list[tuple[str, float, str]]]]:
    data = json.loads(RECORDED.read_text(encoding="utf-8"))
    rows = [Row([Span(text, page=page, bbox=None if box is None else Box(*box), method=method, confidence=conf,
                      repairs=tuple(marks)) for text, page, box, method, conf, marks in row["cells"]], table=row["table"])
            for row in data["rows"]]
    seen = {(page, Box(*box)): [(text, conf, label) for text, conf, label in got] for page, box, got in data["rereads"]}
    return rows, lambda page, bbox: seen.get((page, bbox), [])


def test_a_row_that_lost_its_label_and_first_numbers_keeps_its_values_where_their_cells_stand():
    """予以公开 printed 2 2 343 0 0 0 347: the copy erased its label and its two first numbers ("" "" "343"
    "0" "0" "0" "17"). The row opened by its place at its first number and its two blank cells went
    nowhere, so its five values ranked left: 343 under 自然人, 0 under 商业企业 and 科研机构, the total's
    "17" under 法律服务机构. The blank cells stand right of the grid's label columns: they are the row's
    own lost values, and each value stays in the column its cell stands in. (Fails on 7029bcc.)"""
    rows, reread = _recorded()
    slots = map_tables(rows, find_headings(rows), 2019, rereader=reread).slots
    got = {col: slots[f"t3.granted.{col}"].value for col in
           ("natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service", "legal_other")}
    assert got == {"natural_person": None, "legal_commercial": None, "legal_research": 343, "legal_social": 0,
                   "legal_service": 0, "legal_other": 0}
    assert all(slots[f"t3.granted.{col}"].status == "suspect" for col in got)
