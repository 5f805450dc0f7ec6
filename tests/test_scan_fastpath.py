"""The scan path's shortcuts (issue 11): each must give what the long way gives, on real drawn pages.

An upright page is shown upright by its own page pass and skips the reading orientation check; a
page turned by 90, 180 or 270° is not, and is still turned back.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from extractor.ingest.document import Page
from extractor.ingest.ocr import get_ocr_engine
from extractor.layout import imageops, orient, scan
from extractor.settings import OcrSettings, Settings
from scanhelp import DPI, office_table2_copy, text_image

pytestmark = pytest.mark.slow
SETTINGS = Settings(ocr=OcrSettings(engine="rapidocr", dpi=DPI), classify=False)
LINES = [
    "本机关坚持以公开为常态不公开为例外的原则",
    "全年主动公开政府信息共计三百余条涵盖政策文件",
    "依申请公开工作严格按照法定时限答复申请人",
    "政府信息管理方面建立健全发布审核与保密审查制度",
    "平台建设方面持续优化门户网站栏目设置与检索功能",
    "监督保障方面定期组织培训并开展自查及时整改问题",
]


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return text_image(LINES, size=36, width=1000)


def _read_page(image: np.ndarray, monkeypatch) -> tuple[scan.PageImage, list, list[str], list[int]]:
    """``scan.read_page`` on ``image``, and the answers of every full orientation check it ran."""
    answers: list[int] = []
    real = scan.orientation

    def counted(*args, **kwargs) -> int:
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(scan, "orientation", counted)
    engine = get_ocr_engine("rapidocr")
    cleaned, words, warnings = scan.read_page(Page(number=1, width=0, height=0, image=image, dpi=DPI, ocr=True),
                                              engine, SETTINGS)
    return cleaned, words, warnings, answers


def test_upright_page_skips_the_orientation_check(page, monkeypatch):
    cleaned, words, warnings, answers = _read_page(page, monkeypatch)
    assert answers == []
    assert not any("turned" in w for w in warnings)
    assert cleaned.image.shape == page.shape
    assert sum(w.text in LINES for w in words) >= 5


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_turned_page_is_not_taken_for_upright_and_is_turned_back(page, quarters, monkeypatch):
    turned = imageops.turn(page, quarters)
    engine = get_ocr_engine("rapidocr")
    words = engine.recognize(turned, DPI, SETTINGS.ocr)
    assert not orient.upright_by_page_pass(turned, DPI, words, engine, SETTINGS)
    cleaned, words, warnings, answers = _read_page(turned, monkeypatch)
    assert answers == [(4 - quarters) % 4]
    assert any(f"turned upright ({90 * ((4 - quarters) % 4)}°" in w for w in warnings)
    assert cleaned.image.shape == page.shape
    assert sum(w.text in LINES for w in words) >= 5


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
def test_an_upright_scan_of_a_page_of_stacked_headers_is_not_turned(tmp_path):
    """Table 二 of a Word report exported by LibreOffice fills a page with headers stacked one glyph
    per line and short labels; on a 300-dpi scan the stacked headers read as lines across the page and
    turned it sideways (all of table 二 lost). A portrait image needs sure lines to be turned a quarter."""
    page, dpi = office_table2_copy(tmp_path, "scan300")
    grey, dpi, _ = imageops.clean_page(page, dpi)
    assert grey.shape[0] > grey.shape[1]
    assert orient.orientation(grey, get_ocr_engine("rapidocr"), SETTINGS) == 0

