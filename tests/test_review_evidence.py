"""The review's evidence for a cell read by OCR: the page as layout cleaned it, the cell's box on its value.

A cell's box is in the points of the page as layout cleaned it (flattened, deskewed, turned upright).
Drawn on the page as scanned, the box of a page scanned upside down framed prose, not its cell."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from extractor.ingest.ocr import get_ocr_engine
from extractor.review.apply import cell_key
from extractor.review.evidence import crop_png
from extractor.settings import Settings
from tests.conftest import EXAMPLES, extract_plain

PDF = EXAMPLES / "synthetic_pdf_2021_00007.pdf"


def _boxed_text(png: bytes) -> str:
    """What OCR reads inside the evidence's red box."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (image[..., 0] > 180) & (image[..., 1] < 60) & (image[..., 2] < 60)
    ys, xs = np.nonzero(red)
    assert ys.size, "no box drawn"
    inside = image[ys.min() + 4:ys.max() - 3, xs.min() + 4:xs.max() - 3].mean(axis=2).astype(np.uint8)
    words = get_ocr_engine("rapidocr").recognize(np.pad(inside, 20, constant_values=255), 150.0, Settings().ocr)
    return "".join(w.text for w in words)


@pytest.mark.slow
def test_the_evidence_of_a_page_scanned_upside_down_boxes_the_cells_value(tmp_path: Path) -> None:
    truth = extract_plain(PDF)
    page = next(c.page for c in truth.cells if c.table == "t3" and c.page)
    doc = pdfium.PdfDocument(PDF)
    scan = tmp_path / "upside-down.png"
    doc[page - 1].render(scale=200 / 72).to_pil().convert("L").rotate(180).save(scan, dpi=(200, 200))
    doc.close()
    report = extract_plain(scan)
    assert report.source.kind == "image"
    wanted = {cell_key(c): c.value for c in truth.cells}
    cells = [c for c in report.cells if c.table == "t3" and c.bbox and isinstance(c.value, int) and c.value >= 1
             and c.status == "read" and wanted.get(cell_key(c)) == c.value][:3]
    assert len(cells) == 3
    for cell in cells:
        png = crop_png(str(scan), report.source.kind, cell)
        assert png is not None
        assert _boxed_text(png) == str(cell.value), cell_key(cell)
