"""PDF text layer to located words (pypdfium2), in PDF points with a top-left origin.

CJK text carries no spaces, so words are cut where the horizontal gap between glyphs exceeds
a fraction of the font size; table cells are then separate words even when the PDF draws a
whole table row as one run. Whether a page's text layer can be trusted is decided here too
(:func:`text_layer_ok`), so the OCR helper can route only the pages that need it.
"""

from __future__ import annotations

import ctypes
import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.errors import EncryptedInputError, InputFileError
from extractor.geometry import Box
from extractor.ingest import pictures
from extractor.ingest.document import Page, PagedSource, Word
from extractor.ingest.limits import MAX_PIXELS

WORD_GAP_EM = 0.6
LINE_SHIFT_EM = 0.5
MIN_REAL_CHARS = 20
MIN_GOOD_RATIO = 0.8
SCAN_IMAGE_COVER = 0.3
_GOOD = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\u0020-\u007e\u00b7\u00d7\u3400-\u4dbf]")


def open_pdf(path: str | Path) -> PagedSource:
    """Every page with its size and text-layer words; bad or locked files raise one-line errors."""
    doc = _open(Path(path))
    try:
        pages = [_read_page(doc, i) for i in range(len(doc))]
    finally:
        doc.close()
    return PagedSource(path=str(path), kind="pdf", pages=pages)


def _open(path: Path) -> pdfium.PdfDocument:
    if not path.is_file():
        raise InputFileError(f"no such file")
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedInputError("the PDF is password-protected") from None
        raise InputFileError(f"not a readable PDF ({exc})") from None


def _read_page(doc: pdfium.PdfDocument, index: int) -> Page:
    try:
        page = doc[index]
    except pdfium.PdfiumError as exc:  # e.g. a page tree that loops back on itself
        raise InputFileError(f"page {index + 1} cannot be loaded ({exc})") from None
    try:
        width, height = page.get_size()
        left, bottom, _, _ = page.get_cropbox()
        textpage = page.get_textpage()
        try:
            words = _words(textpage, height + bottom, left)
        finally:
            textpage.close()
        boxes = _image_boxes(page, height + bottom, left)
    except pdfium.PdfiumError as exc:
        raise InputFileError(f"page {index + 1} is unreadable ({exc})") from None
    finally:
        page.close()
    area = width * height
    cover = min(1.0, sum(b.area() for b, _ in boxes) / area) if area > 0 else 0.0
    shown = _table_pictures(boxes, words)
    out = Page(number=index + 1, width=float(width), height=float(height), words=words, image_cover=cover,
                   picture_boxes=[b for b, _ in shown])
    if shown:
        largest, out.picture_dpi = max(shown, key=lambda s: s[0].area())
        out.picture_side_px = round(min(largest.x1 - largest.x0, largest.y1 - largest.y0) * out.picture_dpi / 72)
    return out


def _image_boxes(page: pdfium.PdfPage, top: float, left: float) -> list[tuple[Box, float]]:
    """The page's image objects, in points from the top left, each with its resolution as drawn
    (pixels per inch of the page).

    Each image's pixel count is checked here, before anything renders or decodes it.
    """
    boxes = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        width, height = obj.get_px_size()
        if width * height > MAX_PIXELS:
            raise InputFileError(f"an image of {width}×{height} px on a page is too large (limit {MAX_PIXELS:,} px)")
        x0, y0, x1, y1 = obj.get_bounds()
        box = Box(x0 - left, top - max(y0, y1), max(x0, x1) - left, top - min(y0, y1))
        boxes.append((box, 72.0 * width / max(box.x1 - box.x0, 1.0)))
    return boxes


def _table_pictures(boxes: list[tuple[Box, float]], words: list[Word]) -> list[tuple[Box, float]]:
    """The images large enough to be a table that the text layer does not transcribe (a scan whose OCR
    layer lies over it is read from that layer), top to bottom, with their resolutions."""
    limits = pictures.limits()
    kept = []
    for box, dpi in boxes:
        inside = sum(box.holds_centre(w.box) for w in words)
        width, height = box.x1 - box.x0, box.y1 - box.y0
        large = width >= limits["min_width_pt"] and height >= limits["min_height_pt"]
        pixels = dpi * width / 72 >= limits["min_width"] and dpi * height / 72 >= limits["min_height"]
        if large and pixels and inside <= limits["max_words_inside"]:
            kept.append((box, dpi))
    return sorted(kept, key=lambda b: (b[0].y0, b[0].x0))[:limits["max_count"]]


def _matrix_scale(textpage: pdfium.PdfTextPage, index: int) -> float:
    """How much the glyph's text matrix scales its font size (its area factor's square root)."""
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(m)):
        return 1.0
    return math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0


def _chars(textpage: pdfium.PdfTextPage, top: float, left: float) -> list[tuple[str, Box, float]]:
    """Visible glyphs with top-left-origin boxes and the size they are drawn at; generated breaks are dropped.

    The size is the font size times the text matrix's scale: WPS 文字 writes a 7.5 pt table cell
    as 149 pt text under a 0.05 matrix, and the nominal 149 would make every gap on a line look
    narrower than a word break, so whole table rows (label and numbers) would come out one word."""
    out = []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if code in (0, 0xFFFE, 0xFFFF) or code in (0x0D, 0x0A):
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i) * _matrix_scale(textpage, i) or (y1 - y0)
        out.append((chr(code), Box(x0 - left, top - y1, x1 - left, top - y0), float(size)))
    return out


def _words(textpage: pdfium.PdfTextPage, top: float, left: float) -> list[Word]:
    """Glyph runs cut at spaces, line changes and gaps wider than ``WORD_GAP_EM`` of the font size."""
    words: list[Word] = []
    text, box, size = "", None, 0.0
    for ch, cbox, csize in _chars(textpage, top, left):
        em = max(csize, 1.0)
        new_word = box is None or ch.isspace() or _breaks(box, cbox, em)
        if new_word and box is not None and text.strip():
            words.append(Word(text.strip(), box))
        if ch.isspace():
            text, box = "", None
            continue
        if new_word:
            text, box, size = ch, cbox, em
        else:
            text, box = text + ch, box.union(cbox)  # type: ignore[union-attr]
    if box is not None and text.strip():
        words.append(Word(text.strip(), box))
    return words


def _breaks(prev: Box, cur: Box, em: float) -> bool:
    """A glyph starts a new word if it is on another line, behind the last one, or far to the right."""
    mid_prev, mid_cur = (prev.y0 + prev.y1) / 2, (cur.y0 + cur.y1) / 2
    if abs(mid_cur - mid_prev) > LINE_SHIFT_EM * em:
        return True
    gap = cur.x0 - prev.x1
    return gap > WORD_GAP_EM * em or gap < -0.5 * em


def _layer_chars(page: Page) -> str:
    """The text layer's glyphs on the page, without spaces."""
    return "".join("".join(w.text for w in page.words if w.method == "pdf-text").split())


def pictures_to_read(page: Page) -> bool:
    """Whether OCR is to read the page's table pictures beside its text layer: a sound layer, or one
    of a few sound glyphs (a page number under a table pasted alone) on a page no picture fills."""
    if not page.picture_boxes:
        return False
    chars = _layer_chars(page)
    typed = bool(chars) and len(_GOOD.findall(chars)) == len(chars) and page.image_cover < pictures.limits()["scan_cover"]
    return typed or text_layer_ok(page)


def text_layer_ok(page: Page) -> bool:
    """False when OCR could recover text the layer lacks: garbage glyphs, or little text on an image page.

    A sparse page without images (a heading before a table moved on, a signature date) is real
    text; a page with little text under a large image is a scan with, at most, a stamped number.
    """
    chars = _layer_chars(page)
    good = len(_GOOD.findall(chars))
    if len(chars) < MIN_REAL_CHARS:
        return page.image_cover < SCAN_IMAGE_COVER and good == len(chars)
    return good / len(chars) >= MIN_GOOD_RATIO
