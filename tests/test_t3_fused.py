"""Table 三 of a fax copy whose label cell took in the first number of its row: the fax lost the column rule
between them and OCR read "四、结转下年度继续办理0" as one cell (office_2021_00011 as a fax, bench seed 11;
rows as layout read them and the re-reads made, recorded in tests/fixtures/faxgroups)."""

import json
from pathlib import Path

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.ingest.marks import FUSED
from extractor.layout.sections import find_headings
from extractor.template.tables import map_tables


def test_a_number_read_stuck_to_its_t3_row_label_is_split_off_and_its_row_is_suspect():
    """The "0" after the label is 结转下年度继续办理's 自然人 value: split off as in table 二, marked
    ``fused``, its row suspect. (Fails on 5e8b01e: table 三 never split labels, and the cell stayed blank.)"""
    data = json.loads((Path(__file__).parent / "fixtures" / "faxgroups" / "office_2021_00011-fax-t3.json")
                      .read_text(encoding="utf-8"))
    rows = [Row([Span(text, page=page, bbox=None if box is None else Box(*box), method=method, confidence=conf,
                      repairs=tuple(marks)) for text, page, box, method, conf, marks in row["cells"]],
                table=row["table"]) for row in data["rows"]]
    seen = {(page, Box(*box)): [tuple(x) for x in got] for page, box, got in data["rereads"]}
    result = map_tables(rows, find_headings(rows), 2021, rereader=lambda page, bbox: seen.get((page, bbox), []))
    slot = result.slots["t3.carried_forward.natural_person"]
    assert slot.value == 0 and slot.status == "suspect" and FUSED in slot.span.repairs
    assert result.slots["t3.carried_forward.legal_commercial"].value == 128
