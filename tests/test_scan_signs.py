"""Signs and page furniture on image copies of LibreOffice-exported reports (extractor.bench.degrade).

A wrong sign or a page number taken for table values leaves a plausible number that no rule may
catch; each test reads a real generated copy and compares with what the PDF prints at that place.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from extractor.bench.degrade import make_copy
from scanhelp import page_of, printed_in
from extractor.ingest.document import Page, Row
from extractor.ingest.ocr import get_ocr_engine
from extractor.layout import imageops
from extractor.layout.furniture import furniture_line
from extractor.layout.cellread import number_text
from extractor.layout.scan import page_rows
from extractor.settings import OcrSettings, Settings

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)
NUMBER = re.compile(r"-?\d+")


@pytest.fixture(scope="module")
def office_2019(tmp_path_factory) -> dict[int, Path]:
    """2019-format reports by seed, as LibreOffice exports them (seed 0: footer "- 3 -" between the
    halves of table 四; seed 2: "-370" wrapped in a narrow 本年增/减 cell, numbers starting with 4)."""
    from extractor.bench.office import build_office_corpus

    return {seed: build_office_corpus(tmp_path_factory.mktemp(f"office{seed}"), 1, seed, "2019")[0].pdf
            for seed in (0, 2)}


def _printed(pdf: Path, index: int, bbox) -> str | None:
    """The one number the PDF prints in the middle of ``bbox``, sign included."""
    flat = printed_in(pdf, index, bbox, 0.2)
    return flat if NUMBER.fullmatch(flat) else None


def _read(image, dpi: float) -> list[Row]:
    return page_rows(Page(number=1, width=0, height=0, image=image, dpi=dpi, ocr=True), SETTINGS)[0]


@pytest.mark.slow
def test_every_number_on_scanned_table_pages_keeps_its_printed_sign(office_2019):
    """A minus wrapped alone above its digits ("-" over "370") is found; a faint 4 whose bar broke
    off (the sealed copy's faded ink) gains none."""
    pairs = []
    for seed, variant in ((0, "seal"), (2, "scan200")):
        pdf = office_2019[seed]
        index = page_of(pdf, "本年增")
        for row in _read(make_copy(pdf, variant, seed).pages[index], 200):
            for span in row.spans if row.table else []:
                want = _printed(pdf, index, span.bbox) if span.bbox is not None else None
                got = number_text(span.text)
                if want is not None and got is not None and got.lstrip("-") == want.lstrip("-"):
                    pairs.append((got, want))
    assert len(pairs) >= 30
    assert any(w.startswith("-") for _, w in pairs) and sum(w.startswith("4") for _, w in pairs) >= 3
    assert [g for g, _ in pairs] == [w for _, w in pairs]


@pytest.mark.slow
def test_a_page_number_between_a_tables_halves_is_not_read_into_it(office_2019):
    """The footer "- 3 -" the OCR sees at the foot of a page is dropped, not handed on as a row."""
    pdf = office_2019[0]
    index = page_of(pdf, "维持")
    image = make_copy(pdf, "scan200", 0).pages[index]
    grey, dpi, _ = imageops.clean_page(image, 200)
    words = get_ocr_engine("rapidocr").recognize(grey, dpi, SETTINGS.ocr)
    height = grey.shape[0] * 72.0 / dpi
    assert any(furniture_line([w], height) for w in words), "the footer was not seen at all"
    rows = _read(image, 200)
    assert not [r.text for r in rows if re.fullmatch(r"[-–—\s]*\d{1,3}[-–—\s]*", r.text)]
