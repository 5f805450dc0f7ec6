"""Fax copies whose narrow number columns wrap a number one to three digits a line (s13-wrap).

Bands of table 三 cut from generated office reports' fax copies, as the fax gave them (150 dpi,
bilevel; ``extractor.bench.office`` seeds 1551, 1563, 1574, ``degrade.make_copy(pdf, "fax", …)``).
"""

from __future__ import annotations

import functools
from pathlib import Path

import cv2

from extractor.ingest.document import Page, Row
from extractor.layout.cellread import number_text
from extractor.layout.scan import page_rows
from extractor.settings import OcrSettings, Settings

CELLS = Path(__file__).parent / "fixtures" / "faxcells"


@functools.lru_cache(maxsize=3)
def _grid_rows(name: str, number: int) -> tuple[Row, ...]:
    """The table rows the layout reads from a fixture band."""
    grey = cv2.imread(str(CELLS / name), cv2.IMREAD_GRAYSCALE)
    page = Page(number, grey.shape[1] * 72 / 150, grey.shape[0] * 72 / 150, image=grey, dpi=150)
    rows, _, image = page_rows(page, Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False))
    assert image is not None and image.bilevel and not image.light
    return tuple(r for r in rows if r.table)


def _numbers(row: Row) -> list[str | None]:
    return [number_text(s.text) for s in row.spans]


def test_a_number_wrapped_inside_a_digit_group_does_not_part_its_row():
    """office_2021_01563, UKai 12 pt, three digits a line with thousands separators: 2,673 printed "2,6"
    over "73", 1,672 "1,6" over "72". The heads "2,6" and "1,6" are no whole number nor a head cut after
    its separator, so they were taken for text above numbers alone (a row rule the fax lost) and the
    row was parted: its tails made a row of their own and every later row of the table moved one down
    (51.5 % of the report right). A piece of a grouped number is no label."""
    rows = _grid_rows("t3-wrapped-in-group-s1563.png", 2)
    assert len(rows) == 2
    assert "本年新收" in rows[0].spans[0].text and "上年结转" in rows[1].spans[0].text
    assert _numbers(rows[0])[1] == "2673"


def test_digits_stacked_one_a_line_are_read_as_one_number():
    """office_2021_01551, UMing 9 pt, one digit a line: 451 and 935 stand a digit a line. Their thin
    strokes lost whole digits to the crop's opening (935 kept "3" and "5"), and each line read alone
    gave the model no context (204 read "1"). The lines are found in the unopened ink and read side by
    side as one line; the row is one grid row (the page pass's "4" over "3" over "5" no longer parts it)."""
    rows = _grid_rows("t3-one-digit-a-line-s1551.png", 2)
    first = _numbers(rows[0])
    assert "451" in first and "935" in first
    assert any("122" in _numbers(r) for r in rows) and any("121" in _numbers(r) for r in rows)


def test_a_garbled_digit_of_a_stacked_number_neither_parts_its_row_nor_signs_it():
    """office_2019_01574, UMing 10.5 pt, one digit a line filling the cell: the page pass read the "4" of
    435 as "+", taken for text above the "3" and "5" (a lost row rule) and the row was parted between
    the number's lines (435 read "35"); the "2" of 290, its diagonal dropped, left a flat bar over the
    "9" taken for a wrapped minus (-290). A row rule lost is marked by a label's CJK text; a wrapped
    minus is its number's first ink."""
    rows = _grid_rows("t3-stacked-garbled-s1574.png", 3)
    assert len(rows) == 4
    secret, prohibited = _numbers(rows[0]), _numbers(rows[1])
    assert secret[1] == "435" and secret[-1] == "435"
    assert prohibited[1] == "290" and prohibited[-1] == "290"
