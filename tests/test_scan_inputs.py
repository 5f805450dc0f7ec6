from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractor.bench.scans import scan_pages, write_scan
from extractor.bench.synth import random_report, render_pdf
from extractor.errors import InputFileError
from extractor.ingest.image import open_image, triage_pdf
from extractor.ingest.pdf import open_pdf
from extractor.layout.paged import build_paged_document
from extractor.settings import Settings
from scanhelp import save_png, text_image

SETTINGS = Settings()


def test_one_pixel_image_is_a_clear_error(tmp_path):
    Image.new("L", (1, 1), 255).save(tmp_path / "dot.png")
    with pytest.raises(InputFileError, match="too small"):
        open_image(tmp_path / "dot.png")


def test_truncated_image_is_a_clear_error(tmp_path):
    path = save_png(text_image(["年度报告"]), tmp_path / "page.png")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputFileError, match="truncated or corrupt"):
        open_image(path)


def test_not_an_image_is_a_clear_error(tmp_path):
    path = tmp_path / "fake.png"
    path.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InputFileError, match="not an image"):
        open_image(path)


def test_huge_image_is_shrunk_with_a_warning(tmp_path):
    Image.new("L", (6000, 8500), 255).save(tmp_path / "big.png")
    src = open_image(tmp_path / "big.png")
    assert max(src.pages[0].image.shape) <= 4700
    assert any("shrunk" in w for w in src.warnings)


def test_multi_page_tiff_gives_one_page_per_frame(tmp_path):
    pages = [text_image(["第一页"]), text_image(["第二页"])]
    write_scan(pages, tmp_path / "two.tiff", 200)
    src = open_image(tmp_path / "two.tiff")
    assert [p.number for p in src.pages] == [1, 2] and src.kind == "image"
    assert src.pages[0].dpi == pytest.approx(200)


@pytest.mark.slow
def test_blank_page_gives_an_empty_document_with_a_warning(tmp_path):
    save_png(np.full((2339, 1654), 250, np.uint8), tmp_path / "blank.png")
    doc, _ = build_paged_document(open_image(tmp_path / "blank.png"), SETTINGS)
    assert doc.rows == [] and any("no text" in w for w in doc.warnings)


@pytest.fixture(scope="module")
def scanned_report(tmp_path_factory) -> tuple[object, Path]:
    tmp = tmp_path_factory.mktemp("scan")
    report = random_report(7, "2021")
    clean = render_pdf(report, tmp / "r.pdf")
    return report, write_scan(scan_pages(clean, 200, seed=7), tmp / "scan.pdf", 200)


def test_image_only_pdf_is_triaged_to_ocr(scanned_report):
    _, path = scanned_report
    src = triage_pdf(open_pdf(path), SETTINGS)
    assert src.kind == "pdf-scan" and all(p.ocr and p.image is not None for p in src.pages)


@pytest.mark.slow
def test_scanned_report_extracts_to_the_truth(scanned_report):
    from extractor.api import extract

    report, path = scanned_report
    record = extract(path, Settings(classify=False))
    assert record.source.kind == "pdf-scan"
    assert record.tables.t3 == report.truth["t3"]
    assert record.tables.t4 == report.truth["t4"]
    assert all(c.method == "ocr" and c.page and c.bbox and c.engine == "rapidocr" for c in record.cells
               if c.status == "read")
