"""Images and image-only PDF pages as page images ready for OCR (layout.scan reads them).

Photos and scans (PNG, JPEG, TIFF with any number of pages) become a PagedSource of kind
"image"; PDF pages whose text layer is missing or garbage are rendered and flagged ``ocr``.
Bad images fail with one clear line (InputFileError) or lose only the unusable pages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from extractor.errors import InputFileError
from extractor.ingest.document import Page, PagedSource
from extractor.ingest.limits import MAX_PIXELS
from extractor.ingest.pdf import text_layer_ok
from extractor.settings import Settings

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
#: smallest side that can hold a line of 10-point text at 72 dpi
MIN_SIDE_PX = 100
#: long side kept for OCR (≈ 400 dpi for A4); larger images are shrunk
MAX_SIDE_PX = 4700
A4_WIDTH_IN = 8.27
_DPI_RANGE = (100.0, 600.0)

ImageFile.LOAD_TRUNCATED_IMAGES = False
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _dpi(img: Image.Image) -> float:
    """Declared resolution if plausible, else guessed from the width of an A4 page."""
    declared = img.info.get("dpi")
    if declared and _DPI_RANGE[0] <= float(declared[0]) <= _DPI_RANGE[1]:
        return float(declared[0])
    guess = min(img.size) / A4_WIDTH_IN
    return float(min(max(guess, _DPI_RANGE[0]), _DPI_RANGE[1]))


def _page(frame: Image.Image, number: int, dpi: float, warnings: list[str]) -> Page | None:
    w, h = frame.size
    if min(w, h) < MIN_SIDE_PX:
        warnings.append(f"page {number}: {w}×{h} px is too small to read; skipped")
        return None
    grey = frame.convert("L")
    if max(w, h) > MAX_SIDE_PX:
        k = MAX_SIDE_PX / max(w, h)
        grey = grey.resize((max(1, int(w * k)), max(1, int(h * k))), Image.Resampling.LANCZOS)
        warnings.append(f"page {number}: {w}×{h} px shrunk to {grey.size[0]}×{grey.size[1]} for OCR")
        dpi *= k
    arr = np.asarray(grey, dtype=np.uint8).copy()
    return Page(number=number, width=arr.shape[1] * 72.0 / dpi, height=arr.shape[0] * 72.0 / dpi,
                image=arr, dpi=dpi, ocr=True)


def _check_pixels(frame: Image.Image, number: int) -> None:
    """Every frame, not just the first (Pillow checks only the first): a small TIFF can hide a huge page."""
    w, h = frame.size
    if w * h > MAX_PIXELS:
        raise InputFileError(f"page {number}: image of {w}×{h} px is too large (limit {MAX_PIXELS:,} px)")


def open_image(path: str | Path) -> PagedSource:
    """Every frame of an image file as an OCR page; unusable files raise InputFileError."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    warnings: list[str] = []
    pages: list[Page] = []
    try:
        with Image.open(path) as img:
            if img.size[0] * img.size[1] > MAX_PIXELS:
                raise InputFileError(f"{path}: image of {img.size[0]}×{img.size[1]} px is too large")
            dpi = _dpi(img)
            for index, frame in enumerate(ImageSequence.Iterator(img)):
                _check_pixels(frame, index + 1)
                frame.load()
                page = _page(frame, index + 1, dpi, warnings)
                if page is not None:
                    pages.append(page)
    except InputFileError:
        raise
    except UnidentifiedImageError:
        raise InputFileError(f"{path}: not an image this tool can read") from None
    except Image.DecompressionBombError:
        raise InputFileError(f"{path}: image is too large to decode safely") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputFileError(f"{path}: truncated or corrupt image ({exc})") from None
    if not pages:
        raise InputFileError(f"{path}: no page of the image is large enough to read ({'; '.join(warnings)})")
    return PagedSource(path=str(path), kind="image", pages=pages, warnings=warnings)


def render_page(path: str, number: int, dpi: float) -> tuple[np.ndarray, float]:
    """One PDF page as a greyscale array; very large pages render at a lower scale (returned dpi)."""
    doc = pdfium.PdfDocument(path)
    try:
        page = doc[number - 1]
        w, h = page.get_size()
        scale = min(dpi / 72.0, MAX_SIDE_PX / max(w, h, 1.0))
        bitmap = page.render(scale=scale, grayscale=True)
        arr = bitmap.to_numpy().copy()
        page.close()
    except pdfium.PdfiumError as exc:
        raise InputFileError(f"{path}: page {number} cannot be rendered ({exc})") from None
    finally:
        doc.close()
    if arr.ndim == 3:
        arr = arr[:, :, 0]
    return arr, scale * 72.0


def triage_pdf(src: PagedSource, settings: Settings) -> PagedSource:
    """Render for OCR every page whose text layer is missing or garbage; kind "pdf-scan" if all were."""
    flagged = 0
    for page in src.pages:
        if text_layer_ok(page):
            continue
        page.image, page.dpi = render_page(src.path, page.number, float(settings.ocr.dpi))
        page.words = []
        page.ocr = True
        flagged += 1
    if src.pages and flagged == len(src.pages):
        src.kind = "pdf-scan"
    elif flagged:
        src.warnings.append(f"{flagged} of {len(src.pages)} pages had no usable text layer and were OCR'd")
    return src
