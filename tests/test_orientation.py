"""Sideways copies of a table page whose narrow columns carry stacked / vertical-direction headers (issue 8).

Reports are printed portrait. Turned a quarter, such a page shows its headers as lines across the
image that read well upright or upside down, above the short labels that run along its height: the
orientation check kept the page sideways or turned it 180° (all of table 二 lost on rotated copies).
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from extractor.ingest.ocr import get_ocr_engine
from extractor.layout import imageops, orient
from extractor.settings import OcrSettings, Settings
from scanhelp import office_table2_copy

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")]
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=200), classify=False)


@pytest.fixture(scope="module")
def table2_scan(tmp_path_factory) -> np.ndarray:
    """The 200-dpi scan of the page holding only table 二 of a LibreOffice-exported 2019 report (seed 8)."""
    return office_table2_copy(tmp_path_factory.mktemp("orient"), "scan200")[0]


@pytest.mark.parametrize("quarters", [1, 3])
def test_a_sideways_page_of_stacked_headers_is_turned_upright(table2_scan, quarters):
    grey, dpi, _ = imageops.clean_page(np.ascontiguousarray(np.rot90(table2_scan, -quarters)), 200)
    assert grey.shape[1] > grey.shape[0]
    engine = get_ocr_engine("rapidocr")
    words = engine.recognize(grey, dpi, SETTINGS.ocr)
    assert not orient.upright_by_page_pass(grey, dpi, words, engine, SETTINGS)
    assert orient.orientation(grey, engine, SETTINGS) == 4 - quarters
