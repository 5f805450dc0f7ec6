"""Any paged source (text PDF, mixed PDF, scan, photo) to one Document and its cleaned page images.

Text pages go through pdf_rows (camelot), OCR pages through scan (the image grid); on both, a
table running over a page break is made one by layout.continued, with the evidence each gives. A
text page showing a table as a picture goes through both: the text layer gives its prose, OCR of
the picture its table, and their rows are put in reading order.
"""

from __future__ import annotations

from dataclasses import replace

from extractor.geometry import Box
from extractor.ingest.document import Document, Page, PagedSource, Row
from extractor.ingest.ocr import OcrEngine, get_ocr_engine
from extractor.layout import pdf_rows
from extractor.layout.continued import join_pages
from extractor.layout.continued_ocr import OCR_CELLS
from extractor.layout.scan import Cleaned, PageImage, ScannedPage, scan_page, scanned_rows
from extractor.settings import Settings


def read_ocr_pages(pages: list[Page], settings: Settings, engine: OcrEngine | None
                   ) -> dict[int, tuple[list[Row], list[str], PageImage | None]]:
    """Rows, warnings and cleaned image of each OCR page; a table running over a page break is one
    table (a repeated header dropped, a row the break cut joined: layout.continued). A light page
    reads by the zero width an earlier light page measured when it has too few zeros of its own
    (a report is printed in one font at one size)."""
    scanned: list[ScannedPage] = []
    for page in pages:
        scanned.append(scan_page(page, settings, engine, scanned[-1].zero_width if scanned else None))
    tables = join_pages([s.layout for s in scanned], {s.layout.number: s.tables for s in scanned}, OCR_CELLS)
    return {s.layout.number: (scanned_rows(s, tables.get(s.layout.number, [])), s.warnings, s.image) for s in scanned}


def _scale(page: Page) -> float:
    """How much larger than on the page a text page's pictures are read (``Page.read_dpi``)."""
    return float(page.dpi or 1.0) / float(page.read_dpi or page.dpi or 1.0)


def _read_frame(page: Page) -> Page:
    """A text page's pictures as the OCR page layout reads: at ``read_dpi``, so the page is as much
    larger as the pictures are read larger than they stand on it."""
    k = _scale(page)
    return replace(page, words=[], ocr=True, dpi=page.read_dpi or page.dpi, width=page.width * k,
                   height=page.height * k)


def _true_frame(page: Page, rows: list[Row], image: PageImage | None) -> tuple[list[Row], PageImage | None]:
    """Rows and cleaned image read in ``_read_frame`` put back in the page's own points, where its text
    layer's rows are and where a cell's box is looked for again."""
    k = _scale(page)
    back = [Row([replace(s, bbox=None if s.bbox is None else Box(*(v / k for v in s.bbox))) for s in r.spans],
                r.table) for r in rows]
    return back, None if image is None else replace(image, dpi=image.dpi * k)


def top_down(rows: list[Row]) -> list[Row]:
    """One page's rows from the text layer and from OCR of its pictures, in reading order: by their
    top edge (a row without a box keeps the place of the row before it); a tie keeps the text first."""
    tops, last = [], 0.0
    for row in rows:
        boxes = [s.bbox.y0 for s in row.spans if s.bbox is not None]
        last = min(boxes) if boxes else last
        tops.append(last)
    return [row for _, _, row in sorted(zip(tops, range(len(rows)), rows), key=lambda t: t[:2])]


def build_paged_document(src: PagedSource, settings: Settings) -> tuple[Document, Cleaned]:
    """Any paged source (text PDF, mixed PDF, scan, image) as one Document in page order, and the
    cleaned page images its OCR'd cells were read from (for the re-reader)."""
    text_pages = [p for p in src.pages if not p.ocr]
    pictured = {p.number for p in text_pages if p.picture_boxes and p.image is not None}
    ocr_pages = [p if p.ocr else _read_frame(p) for p in src.pages if p.ocr or p.number in pictured]
    doc = Document(path=src.path, kind=src.kind, pages=len(src.pages), warnings=list(src.warnings))
    text_rows: dict[int | None, list[Row]] = {}
    if text_pages:
        text_doc = pdf_rows.build_document(PagedSource(path=src.path, kind=src.kind, pages=text_pages), settings)
        doc.warnings.extend(text_doc.warnings)
        for row in text_doc.rows:
            text_rows.setdefault(row.page, []).append(row)
    scanned = read_ocr_pages(ocr_pages, settings, get_ocr_engine(settings.ocr.engine) if ocr_pages else None)
    cleaned: Cleaned = {}
    for page in src.pages:
        if not page.ocr and page.number not in pictured:
            doc.rows.extend(text_rows.get(page.number, []))
            continue
        rows, warnings, image = scanned[page.number]
        if page.number in pictured:
            rows, image = _true_frame(page, rows, image)
        doc.warnings.extend(warnings)
        doc.rows.extend(top_down([*text_rows.get(page.number, []), *rows]))
        if image is not None:
            cleaned[page.number] = image
            if image.bilevel:
                doc.faxed.add(page.number)
            if image.doubtful_light:
                doc.doubtful_light.add(page.number)
    if not text_pages and not any(r.text.strip() for r in doc.rows):
        doc.warnings.append("no text was recognised on any page")
    return doc, cleaned
