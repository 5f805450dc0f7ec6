"""A scanned PDF page that is one full-page picture reaches layout as that picture, not a rendering.

Rendering a 150-dpi bilevel fax page at the OCR resolution resamples it: its edges turn grey,
layout no longer sees a bilevel page and none of the fax handling runs. These tests write
image-only PDFs the way scanners and fax-to-PDF tools do and check what ``render_page`` hands on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from extractor.ingest.image import native_page_image, render_page
from extractor.layout import imageops
from scanhelp import ruled_table

ROWS = [["事项", "数量", "合计"], ["本年新收", "12", "345"], ["上年结转", "0", "7"]]


def _bilevel_page() -> np.ndarray:
    """A ruled table with one-pixel-thin edges, thresholded: what a fax machine sends."""
    return np.where(ruled_table(ROWS) < 128, 0, 255).astype(np.uint8)


def _pdf(image: Image.Image, path: Path, dpi: float) -> Path:
    image.save(path, "PDF", resolution=dpi)
    return path


def test_one_bit_fax_page_keeps_its_pixels_and_resolution(tmp_path):
    page = _bilevel_page()
    path = _pdf(Image.fromarray(page).convert("1"), tmp_path / "fax.pdf", 150)
    arr, dpi = render_page(str(path), 1, 200.0)
    assert dpi == pytest.approx(150, abs=0.1)
    assert np.array_equal(arr, page)  # no resampling: every pixel as sent, none grey
    assert imageops.is_bilevel(arr)


def test_a_rendering_would_have_lost_the_bilevel_page(tmp_path):
    """The reason for the native path: pdfium's rendering at 200 dpi is not bilevel any more."""
    page = np.tile(_bilevel_page(), (3, 2))
    path = _pdf(Image.fromarray(page).convert("1"), tmp_path / "fax.pdf", 150)
    doc = pdfium.PdfDocument(str(path))
    try:
        rendered = doc[0].render(scale=200 / 72, grayscale=True).to_numpy()
    finally:
        doc.close()
    assert not imageops.is_bilevel(rendered if rendered.ndim == 2 else rendered[..., 0])
    assert imageops.is_bilevel(render_page(str(path), 1, 200.0)[0])


def test_high_resolution_scan_is_brought_down_to_the_ocr_resolution(tmp_path):
    page = np.tile(_bilevel_page(), (2, 2))
    path = _pdf(Image.fromarray(page).convert("1"), tmp_path / "fine.pdf", 400)
    arr, dpi = render_page(str(path), 1, 200.0)
    assert dpi == pytest.approx(200, abs=1)
    assert arr.shape[1] == pytest.approx(page.shape[1] / 2, abs=1)
    assert imageops.is_bilevel(arr)  # a one-bit picture stays bilevel after the reduction


def test_grey_and_colour_pictures_are_rendered_as_before(tmp_path):
    """Only bilevel pictures need their own pixels; grey and colour scans read as well rendered."""
    rgb = np.stack([_bilevel_page()] * 3, axis=2)
    rgb[40:90, 40:200] = (220, 30, 30)  # a red stamp
    seal = _pdf(Image.fromarray(rgb), tmp_path / "seal.pdf", 150)
    grey = (_bilevel_page() // 2 + 70).astype(np.uint8)  # grey paper (197), dark grey print (70)
    scan = _pdf(Image.fromarray(grey), tmp_path / "scan.pdf", 150)
    for path in (seal, scan):
        doc = pdfium.PdfDocument(str(path))
        try:
            assert native_page_image(doc[0], 200.0) is None
        finally:
            doc.close()
    arr, dpi = render_page(str(seal), 1, 200.0)
    assert arr.ndim == 3 and dpi == pytest.approx(200)
    assert arr[80, 133, 0] > 150 > arr[80, 133, 1]  # the stamp's red kept for layout to drop


def test_pages_that_are_not_one_upright_picture_are_rendered(tmp_path):
    picture = Image.fromarray(_bilevel_page()).convert("1")
    turned = _pdf(picture, tmp_path / "turned.pdf", 150)
    doc = pdfium.PdfDocument(str(turned))
    doc[0].set_rotation(90)
    doc.save(str(tmp_path / "turned90.pdf"))
    doc.close()
    two = tmp_path / "two.pdf"
    picture.save(two, "PDF", resolution=150, save_all=True, append_images=[picture])
    doc = pdfium.PdfDocument(str(tmp_path / "turned90.pdf"))
    try:
        assert native_page_image(doc[0], 200.0) is None  # /Rotate: the rendering turns it
    finally:
        doc.close()
    arr, dpi = render_page(str(tmp_path / "turned90.pdf"), 1, 200.0)
    assert arr.shape[0] > arr.shape[1] and dpi == pytest.approx(200)  # rendered (turned upright) at 200 dpi
    assert render_page(str(two), 2, 200.0)[1] == pytest.approx(150, abs=0.1)  # each page its own picture
