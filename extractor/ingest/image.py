"""Images and image-only PDF pages as page images ready for OCR (layout.scan reads them).

Photos and scans (PNG, JPEG, TIFF with any number of pages) become a PagedSource of kind
"image"; PDF pages whose text layer is missing or garbage are flagged ``ocr`` and taken as images:
a page that is one full-page bilevel picture (what fax-to-PDF tools and black-and-white scans
write) at the picture's own pixels and resolution, since rendering would resample it and its
edges would turn grey (layout's fax handling needs to see a bilevel page); any other page is
rendered (for grey and colour scans that reads as well or slightly better: docs/benchmarks/fax.md).
Colour pages stay RGB (layout drops red seal ink before OCR); colourless ones become grey.
Bad images fail with one clear line (InputFileError) or lose only the unusable pages.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from extractor.errors import InputFileError
from extractor.geometry import Box
from extractor.ingest.document import Page, PagedSource
from extractor.ingest.limits import MAX_PIXELS
from extractor.resources import load_json
from extractor.ingest import pictures
from extractor.ingest.pdf import pictures_to_read, text_layer_ok
from extractor.settings import Settings

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
#: smallest side that can hold a line of 10-point text at 72 dpi
MIN_SIDE_PX = 100
#: long side kept for OCR (≈ 400 dpi for A4); larger images are shrunk
MAX_SIDE_PX = 4700
A4_WIDTH_IN = 8.27
#: a pixel is coloured when its channels differ by more than this; a page is colour when this share of pixels is
COLOUR_SPREAD = 40
COLOUR_SHARE = 0.0005
_DPI_RANGE = (100.0, 600.0)
#: paper put around a web page's picture (inches, ``open_picture``)
PICTURE_FRAME_IN = 0.15
#: a page is one picture when a single image covers it to within this share of its size on each side
PAGE_IMAGE_FIT = 0.02
#: the native picture must match the rendered page to within this mean grey difference (checked small)
NATIVE_MATCH_GREY = 24.0
_CHECK_SIDE_PX = 300
#: a picture up to this factor above the OCR resolution is kept as it is (resampling blurs it)
NATIVE_DPI_SLACK = 1.25
#: resolutions a page's picture may plausibly have; outside them the page is rendered
NATIVE_DPI_RANGE = (50.0, 600.0)
#: a picture is bilevel when fewer than this share of its pixels are grey (the share layout uses)
BILEVEL_GREY_SHARE = float(load_json("scan.json")["image"]["bilevel_grey_share"])

ImageFile.LOAD_TRUNCATED_IMAGES = False
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _dpi(img: Image.Image) -> float:
    """Declared resolution if plausible, else guessed from the width of an A4 page."""
    declared = img.info.get("dpi")
    if declared and _DPI_RANGE[0] <= float(declared[0]) <= _DPI_RANGE[1]:
        return float(declared[0])
    return _guessed_dpi(min(img.size))


def _guessed_dpi(side_px: int) -> float:
    """The resolution of a picture whose shorter side (pixels) is taken for an A4 page's width."""
    return float(min(max(side_px / A4_WIDTH_IN, _DPI_RANGE[0]), _DPI_RANGE[1]))


def colour_or_grey(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` as it is when some of it is coloured (a seal, a photo), else its grey channel."""
    sample = rgb[::4, ::4].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    if np.count_nonzero(spread > COLOUR_SPREAD) > COLOUR_SHARE * spread.size:
        return np.ascontiguousarray(rgb)
    return np.ascontiguousarray(rgb[..., 1])


def _page(frame: Image.Image, number: int, dpi: float, warnings: list[str]) -> Page | None:
    w, h = frame.size
    if min(w, h) < MIN_SIDE_PX:
        warnings.append(f"page {number}: {w}×{h} px is too small to read; skipped")
        return None
    img = frame.convert("L" if frame.mode in ("1", "L", "I", "I;16", "F") else "RGB")
    if max(w, h) > MAX_SIDE_PX:
        k = MAX_SIDE_PX / max(w, h)
        img = img.resize((max(1, int(w * k)), max(1, int(h * k))), Image.Resampling.LANCZOS)
        warnings.append(f"page {number}: {w}×{h} px shrunk to {img.size[0]}×{img.size[1]} for OCR")
        dpi *= k
    arr = np.asarray(img, dtype=np.uint8)
    arr = colour_or_grey(arr) if arr.ndim == 3 else arr.copy()
    return Page(number=number, width=arr.shape[1] * 72.0 / dpi, height=arr.shape[0] * 72.0 / dpi,
                image=arr, dpi=dpi, ocr=True)


def _check_pixels(frame: Image.Image, number: int) -> None:
    """Every frame, not just the first (Pillow checks only the first): a small TIFF can hide a huge page."""
    w, h = frame.size
    if w * h > MAX_PIXELS:
        raise InputFileError(f"page {number}: image of {w}×{h} px is too large (limit {MAX_PIXELS:,} px)")


def open_picture(path: str | Path, number: int) -> PagedSource:
    """A web page's picture (its first frame) as page ``number`` of a paged source: drawn by software
    (``Page.rendered``), and framed with white paper (``PICTURE_FRAME_IN``)."""
    source = open_image(path)
    source.pages = [_framed(replace(page, number=number, rendered=True)) for page in source.pages[:1]]
    return source


def _framed(page: Page) -> Page:
    """``page`` with white paper around its image: a screenshot cut at a table's edge leaves its last
    row's text against the border, where the text detector misses it."""
    image = np.asarray(page.image)
    dpi = float(page.dpi or _DPI_RANGE[0])
    pad = int(round(PICTURE_FRAME_IN * dpi))
    widths = ((pad, pad), (pad, pad)) + (((0, 0),) if image.ndim == 3 else ())
    extra = 2 * pad * 72.0 / dpi
    return replace(page, image=np.pad(image, widths, constant_values=255), width=page.width + extra,
                   height=page.height + extra)


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


def _page_image(page: pdfium.PdfPage) -> pdfium.PdfImage | None:
    """The page's only visible object when it is an upright image covering the whole page, else None."""
    images = []
    for obj in page.get_objects(max_depth=3):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type != pdfium_c.FPDF_PAGEOBJ_FORM:
            return None
    if len(images) != 1 or page.get_rotation() != 0:
        return None
    m = images[0].get_matrix()
    if abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.a <= 0 or m.d <= 0:
        return None
    left, bottom, right, top = page.get_cropbox()
    w, h = right - left, top - bottom
    x0, y0, x1, y1 = images[0].get_bounds()
    tol_x, tol_y = PAGE_IMAGE_FIT * w, PAGE_IMAGE_FIT * h
    fits = (abs(x0 - left) <= tol_x and abs(x1 - right) <= tol_x
            and abs(y0 - bottom) <= tol_y and abs(y1 - top) <= tol_y)
    return images[0] if fits else None


def _bilevel_pixels(image: pdfium.PdfImage) -> np.ndarray | None:
    """The image's own pixels when they are black and white (one bit, or grey with almost no grey
    pixels: a fax stored as JPEG), else None (colour, grey, alpha: the rendering is used)."""
    w, h = image.get_px_size()
    if w * h > MAX_PIXELS or max(w, h) > MAX_SIDE_PX or min(w, h) < MIN_SIDE_PX:
        return None
    bitmap = image.get_bitmap(render=False)
    if bitmap.format != pdfium_c.FPDFBitmap_Gray:
        return None
    arr = bitmap.to_numpy().copy()
    return arr if is_bilevel(arr) else None


def is_bilevel(grey: np.ndarray) -> bool:
    """A fax or a binarised scan: almost every pixel pure black or pure white."""
    sample = grey[::3, ::3]
    return np.count_nonzero((sample > 30) & (sample < 225)) < BILEVEL_GREY_SHARE * sample.size


def _square_pixels(arr: np.ndarray, dpi_x: float, dpi_y: float) -> tuple[np.ndarray, float]:
    """Pixels made square at the finer of the two resolutions (fax standard mode is 204 × 98 dpi);
    nearest-neighbour, so a bilevel page stays bilevel."""
    if abs(dpi_x - dpi_y) <= 0.02 * max(dpi_x, dpi_y):
        return arr, (dpi_x + dpi_y) / 2
    dpi = max(dpi_x, dpi_y)
    size = (round(arr.shape[1] * dpi / dpi_x), round(arr.shape[0] * dpi / dpi_y))
    return cv2.resize(arr, size, interpolation=cv2.INTER_NEAREST), dpi


def _matches_render(page: pdfium.PdfPage, arr: np.ndarray) -> bool:
    """Whether the decoded picture shows what the page shows (a decode array, mask or colour space
    pdfium applies only when rendering would make it differ), compared at a small size."""
    w, h = page.get_size()
    rendered = page.render(scale=_CHECK_SIDE_PX / max(w, h, 1.0), grayscale=True).to_numpy()
    rendered = rendered if rendered.ndim == 2 else rendered[..., 0]
    small = cv2.resize(arr, (rendered.shape[1], rendered.shape[0]), interpolation=cv2.INTER_AREA)
    return float(np.mean(cv2.absdiff(small, rendered))) <= NATIVE_MATCH_GREY


def _at_most(arr: np.ndarray, dpi: float, target: float) -> tuple[np.ndarray, float]:
    """A picture well above the OCR resolution brought down to it, as rendering would (a 300-dpi scan
    is read at 200), and thresholded again so that it stays bilevel."""
    if dpi <= NATIVE_DPI_SLACK * target:
        return arr, dpi
    k = target / dpi
    small = cv2.resize(arr, (max(1, round(arr.shape[1] * k)), max(1, round(arr.shape[0] * k))),
                       interpolation=cv2.INTER_AREA)
    return np.where(small < 128, 0, 255).astype(np.uint8), small.shape[1] * dpi / arr.shape[1]


def native_page_image(page: pdfium.PdfPage, target_dpi: float) -> tuple[np.ndarray, float] | None:
    """A page that is one full-page bilevel picture as that picture's own pixels and resolution
    (brought down to ``target_dpi`` only when well above it), or None when it is to be rendered."""
    try:
        image = _page_image(page)
        arr = None if image is None else _bilevel_pixels(image)
        if image is None or arr is None:
            return None
        x0, y0, x1, y1 = image.get_bounds()
        arr, dpi = _square_pixels(arr, arr.shape[1] * 72.0 / (x1 - x0), arr.shape[0] * 72.0 / (y1 - y0))
        if (not NATIVE_DPI_RANGE[0] <= dpi <= NATIVE_DPI_RANGE[1] or max(arr.shape[:2]) > MAX_SIDE_PX
                or not _matches_render(page, arr)):
            return None
        arr, dpi = _at_most(arr, dpi, target_dpi)
    except pdfium.PdfiumError:  # a picture pdfium cannot decode on its own: the rendering decides
        return None
    return arr, dpi


def render_page(path: str, number: int, dpi: float) -> tuple[np.ndarray, float]:
    """One PDF page as an array (RGB when coloured, else grey) and its dpi: a full-page picture at its
    own pixels, anything else rendered (very large pages at a lower scale)."""
    doc = pdfium.PdfDocument(path)
    try:
        page = doc[number - 1]
        native = native_page_image(page, dpi)
        if native is not None:
            page.close()
            return native
        w, h = page.get_size()
        scale = min(dpi / 72.0, MAX_SIDE_PX / max(w, h, 1.0))
        bitmap = page.render(scale=scale, rev_byteorder=True)
        arr = colour_or_grey(bitmap.to_numpy()[..., :3])
        page.close()
    except pdfium.PdfiumError as exc:
        raise InputFileError(f"{path}: page {number} cannot be rendered ({exc})") from None
    finally:
        doc.close()
    return arr, scale * 72.0


def _pictures_only(arr: np.ndarray, boxes: list[Box], dpi: float) -> np.ndarray:
    """``arr`` (a page at ``dpi``) with everything outside ``boxes`` (points) painted paper-white."""
    shown = np.zeros(arr.shape[:2], dtype=bool)
    for box in boxes:
        x0, y0, x1, y1 = (int(round(v)) for v in box.pixels(dpi))
        shown[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = True
    out = arr.copy()
    out[~shown] = 255
    return out


def _render_pictures(path: str, page: Page, ocr_dpi: float) -> None:
    """``page`` rendered with only its pictures on it, at the scale the picture path reads a picture
    file at (``_dpi``'s guess from its pixels, brought up to ``ocr_dpi``), whatever size the picture
    was shrunk to on the page: a tall table pasted whole and shrunk into the page stands there at half
    its print size, where every measure layout takes in points (rules, rows, glyphs) misses it.
    ``Page.read_dpi`` is the resolution layout takes the rendering at; ``dpi`` stays its true one."""
    guess = _guessed_dpi(page.picture_side_px)
    wanted = page.picture_dpi * max(1.0, ocr_dpi / guess)
    arr, page.dpi = render_page(path, page.number, min(wanted, float(pictures.limits()["max_render_dpi"])))
    page.read_dpi = max(guess, ocr_dpi) * page.dpi / wanted
    page.image, page.rendered = _pictures_only(arr, page.picture_boxes, page.dpi), True


def triage_pdf(src: PagedSource, settings: Settings) -> PagedSource:
    """Render for OCR every page whose text layer is missing or garbage; kind "pdf-scan" if all were.
    A page whose text layer is sound but which shows table-sized pictures (``pdf.pictures_to_read``) gets
    its rendering with only those pictures on it (``_render_pictures``): OCR reads them, the text layer
    the rest."""
    flagged = pictured = 0
    for page in src.pages:
        if pictures_to_read(page):
            pictured += 1
            _render_pictures(src.path, page, float(settings.ocr.dpi))
            continue
        page.picture_boxes = []
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
    if pictured:
        src.warnings.append(f"{pictured} of {len(src.pages)} pages show pictures that may be tables: those were read "
                            "by OCR, the rest of the page from its text layer")
    return src
