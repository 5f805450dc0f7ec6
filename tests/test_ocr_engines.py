import pytest

from extractor.errors import BadArgsError
from extractor.ingest.ocr import get_ocr_engine, resolve_engines
from extractor.ingest.ocr.rapid import _glyph_rows, det_scale
from extractor.layout.cellread import number_text, read_cell_crop, read_cells
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


@pytest.mark.parametrize("name", ENGINES)
def test_cells_read_in_one_batch_as_one_by_one(name):
    values = ["0", "7", "12", "305", "3050", "48", "91"]
    page = ruled_table([values, ["予以公开", "部分公开", "不予公开", "1", "2", "3", "4"]])
    [table] = find_tables(page, DPI)
    engine = get_ocr_engine(name)
    jobs = [(c.box, c.row == 0) for c in table.cells]
    batched = read_cells(engine, page, jobs, DPI, SETTINGS)
    single = [read_cell_crop(engine, page, box, DPI, SETTINGS, numeric=numeric) for box, numeric in jobs]
    assert [r.text for r in batched] == [r.text for r in single]
    assert [number_text(r.text) for r in batched[:7]] == values


def test_small_print_is_found_by_the_shrunk_detector():
    """Detection runs on the page shrunk to ``det_dpi``: 8.6-pt lines half a line apart stay apart and whole."""
    page = text_image(["第一行政府信息公开工作", "第二行年度报告的说明"], size=24)
    words = get_ocr_engine("rapidocr").recognize(page, DPI, SETTINGS.ocr)
    assert [w.text for w in words] == ["第一行政府信息公开工作", "第二行年度报告的说明"]


def test_detector_sees_pages_at_its_own_resolution():
    a4_200 = (2339, 1654)
    assert det_scale(a4_200, 200) == pytest.approx(0.6)
    assert det_scale(a4_200, 100) == 1.0  # never enlarged
    assert det_scale((9000, 6000), 100) < 1.0  # 54 MP: capped by pixels whatever the dpi says
    assert det_scale(a4_200, 200, bilevel=True) == pytest.approx(0.75)  # a fax keeps more of its pixels


def test_word_boxes_are_pulled_in_to_their_glyphs_between_the_row_rules():
    """A detector box that reaches over the rules (and the row above's glyphs) comes back inside its row."""
    row_h = 40
    page = ruled_table([["一、本年新收政府信息公开申请数量"], ["二、上年结转政府信息公开申请数量"]], col_w=560, row_h=row_h)
    top_rule, mid_rule, low_rule = 100, 100 + row_h, 100 + 2 * row_h
    sloppy = (105.0, mid_rule - 8.0, 650.0, low_rule + 6.0)
    x0, y0, x1, y1 = _glyph_rows(page, sloppy, DPI)
    assert (x0, x1) == (105.0, 650.0)
    assert mid_rule + 1 < y0 < mid_rule + 12 and low_rule - 12 < y1 <= low_rule
    ink_rows = (page[mid_rule + 3:low_rule - 2, 110:640] < 128).any(axis=1).nonzero()[0] + mid_rule + 3
    assert y0 <= ink_rows.min() and y1 >= ink_rows.max()  # every glyph row is kept
    assert _glyph_rows(page, (120.0, top_rule - 5.0, 150.0, low_rule + 5.0), DPI) == (120.0, top_rule - 5.0, 150.0, low_rule + 5.0)


def test_tesseract_languages_are_those_the_binary_lists():
    import shutil

    import pytesseract

    from extractor.ingest.ocr.tesseract import _languages

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    assert _languages() == frozenset(pytesseract.get_languages(config=""))
    assert "chi_sim" in _languages()



def test_detector_input_looked_up_by_byte_is_the_packages_own_bit_for_bit():
    """The byte table must give exactly the float32 tensor the package's float64 arithmetic gives,
    at the package's own resizing (a small image is enlarged, a large one rounded to 32 px)."""
    import numpy as np
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    from extractor.ingest.ocr.rapid import _engine

    detector = _engine()._load_det_model()  # type: ignore[attr-defined]
    table = detector.get_preprocess()
    package = DetPreProcess(detector.limit_side_len, detector.limit_type, detector.mean, detector.std)
    rng = np.random.default_rng(11)
    for shape in ((500, 700, 3), (1403, 992, 3)):
        image = rng.integers(0, 256, shape, dtype=np.uint8)
        ours, theirs = table(image), package(image)
        assert type(table) is not DetPreProcess and ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert np.ascontiguousarray(ours).tobytes() == np.ascontiguousarray(theirs).tobytes()


def test_a_second_page_reuses_the_memory_the_first_one_used():
    """Both models draw on one arena: detecting an A4 page again touches almost no new memory.
    With the package's own sessions (no arena) each detection maps its large activations afresh
    and the kernel zeroes them again: ~45,000 page faults for an A4 page at 200 dpi."""
    import resource

    import numpy as np

    from extractor.ingest.ocr.rapid import _detect

    page = np.full((2339, 1654), 255, np.uint8)
    page[200:260:4, 150:1500] = 0  # a few lines of "print" so the detector has boxes to find

    def faults() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    _detect(page, 200.0, False)
    before = faults()
    _detect(page, 200.0, False)
    assert faults() - before < 8000
