import pytest

from extractor.errors import BadArgsError
from extractor.ingest.ocr import get_ocr_engine, resolve_engines
from extractor.layout.scan import number_text, read_cell_crop
from extractor.layout.tables.grid import find_tables
from extractor.settings import Settings
from scanhelp import DPI, ruled_table, text_image

pytestmark = pytest.mark.slow
SETTINGS = Settings()
ENGINES = ["rapidocr", "tesseract"]


@pytest.mark.parametrize("name", ENGINES)
def test_engine_reads_a_text_line_with_boxes_in_points(name):
    engine = get_ocr_engine(name)
    page = text_image(["政府信息公开工作年度报告"], size=48)
    words = engine.recognize(page, DPI, SETTINGS.ocr)
    text = "".join(w.text for w in words)
    assert "信息公开" in text
    assert all(w.engine == name and 0 <= w.confidence <= 1 for w in words)
    assert min(w.box.x0 for w in words) == pytest.approx(60 * 72 / DPI, abs=6)


@pytest.mark.parametrize("name", ENGINES)
def test_engine_reads_numeric_cells(name):
    values = ["0", "7", "12", "305", "3050", "48"]
    page = ruled_table([values])
    [table] = find_tables(page, DPI)
    engine = get_ocr_engine(name)
    got = [number_text(read_cell_crop(engine, page, c.box, DPI, SETTINGS, numeric=True).text) for c in table.cells]
    assert got == values


def test_unknown_engine_is_a_bad_argument():
    with pytest.raises(BadArgsError):
        get_ocr_engine("easyocr")


def test_auto_prefers_the_benchmark_winner_and_keeps_the_other_for_rereads():
    primary, other = resolve_engines("auto")
    assert primary.name == "rapidocr" and other is not None and other.name == "tesseract"


def test_number_text_maps_confusable_glyphs_only_in_numbers():
    assert number_text("1O7") == "107"
    assert number_text("l2") == "12"
    assert number_text("予以公开") is None
    assert number_text("1.属于国家秘密") is None
