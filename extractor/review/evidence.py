"""The evidence beside a question: the page around a cell, and the template's names for it."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from extractor.ingest.document import Page
from extractor.ingest.image import open_image, render_page
from extractor.ingest.ocr import get_ocr_engine
from extractor.ingest.pdf import open_pdf, text_layer_ok
from extractor.layout.scan import read_page
from extractor.record import Cell
from extractor.settings import Settings
from extractor.template.spec import template

RENDER_DPI = 150.0
MARGIN_LEFT_PT, MARGIN_RIGHT_PT, MARGIN_UP_PT, MARGIN_DOWN_PT = 300.0, 160.0, 90.0, 45.0


@lru_cache(maxsize=16)
def _page_image(path: str, kind: str, page: int) -> tuple[Image.Image, float] | None:
    """The page as an RGB image and its pixels per point, as the cell boxes were measured on it: a page read
    from its text layer rendered from the PDF; a page read by OCR as layout cleaned it (flattened, deskewed,
    turned upright), whose points its boxes are in. Drawn on the page as scanned, a box of a photo or of a
    page scanned upside down framed prose, not its cell."""
    settings = Settings()
    scanned = _ocr_page(path, kind, page, settings)
    if scanned is not None:
        cleaned, _, _ = read_page(scanned, get_ocr_engine(settings.ocr.engine), settings)
        return Image.fromarray(cleaned.image).convert("RGB"), cleaned.dpi / 72.0
    if kind != "pdf":
        return None
    doc = pdfium.PdfDocument(path)
    try:
        if not 1 <= page <= len(doc):
            return None
        scale = RENDER_DPI / 72.0
        return doc[page - 1].render(scale=scale).to_pil().convert("RGB"), scale
    finally:
        doc.close()


def _ocr_page(path: str, kind: str, number: int, settings: Settings) -> Page | None:
    """The page as ingest handed it to OCR (rendered, or the image's frame); None for a page of a PDF read
    from its text layer, or no such page."""
    if kind == "image":
        pages = open_image(Path(path)).pages
        return pages[number - 1] if 1 <= number <= len(pages) and pages[number - 1].image is not None else None
    if kind not in ("pdf", "pdf-scan"):
        return None
    pages = open_pdf(Path(path)).pages
    if not 1 <= number <= len(pages) or (kind == "pdf" and text_layer_ok(pages[number - 1])):
        return None
    page = pages[number - 1]
    page.image, page.dpi = render_page(path, number, float(settings.ocr.dpi))
    return page


def crop_png(path: str, kind: str, cell: Cell) -> bytes | None:
    """PNG of the page band around the cell (row labels to the left, header above), cell boxed in red."""
    if cell.page is None or cell.bbox is None or not Path(path).is_file():
        return None
    rendered = _page_image(path, kind, cell.page)
    if rendered is None:
        return None
    image, k = rendered
    x0, y0, x1, y1 = cell.bbox
    box = (max(0, (x0 - MARGIN_LEFT_PT) * k), max(0, (y0 - MARGIN_UP_PT) * k),
           min(image.width, (x1 + MARGIN_RIGHT_PT) * k), min(image.height, (y1 + MARGIN_DOWN_PT) * k))
    crop = image.crop(tuple(int(v) for v in box))
    ImageDraw.Draw(crop).rectangle(
        (x0 * k - box[0] - 3, y0 * k - box[1] - 3, x1 * k - box[0] + 3, y1 * k - box[1] + 3), outline=(220, 0, 0), width=3)
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


def labels(cell: Cell, formats: dict[str, str]) -> tuple[str, str]:
    """The template's row and column labels of a cell, as printed on the official form."""
    tpl = template(formats.get("t2" if cell.table == "t2" else "t3", "2021"))
    if cell.table == "t4":
        col = next((c.label for c in tpl.t4_cols if c.id == cell.col), cell.col)
        return "行政复议、行政诉讼", col
    if cell.table == "t3":
        row = next((r.label for r in tpl.t3_rows if r.id == cell.row), cell.row or "")
        col = next((c.label for c in tpl.t3_cols if c.id == cell.col), cell.col)
        return row, col
    block_id, _, row_id = (cell.row or ".").partition(".")
    block = next((b for b in tpl.t2 if b.id == block_id), None)
    if block is None:
        return cell.row or "", cell.col
    row = next((r.label for r in block.rows if r.id == row_id), row_id)
    col = next((c.label for c in block.columns if c.id == cell.col), cell.col)
    return f"{block.caption} · {row}", col
