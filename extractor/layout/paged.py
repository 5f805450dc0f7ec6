"""Any paged source (text PDF, mixed PDF, scan, photo) to one Document and its cleaned page images.

Text pages go through pdf_rows (camelot), OCR pages through scan (the image grid); on both, a
table running over a page break is made one by layout.continued, with the evidence each gives.
"""

from __future__ import annotations

from extractor.ingest.document import Document, Page, PagedSource, Row
from extractor.ingest.ocr import OcrEngine, get_ocr_engine
from extractor.layout import pdf_rows
from extractor.layout.continued import join_pages
from extractor.layout.continued_ocr import OCR_CELLS
from extractor.layout.scan import Cleaned, PageImage, scan_page, scanned_rows
from extractor.settings import Settings


def read_ocr_pages(pages: list[Page], settings: Settings, engine: OcrEngine | None
                   ) -> dict[int, tuple[list[Row], list[str], PageImage | None]]:
    """Rows, warnings and cleaned image of each OCR page; a table running over a page break is one
    table (a repeated header dropped, a row the break cut joined: layout.continued)."""
    scanned = [scan_page(page, settings, engine) for page in pages]
    tables = join_pages([s.layout for s in scanned], {s.layout.number: s.tables for s in scanned}, OCR_CELLS)
    return {s.layout.number: (scanned_rows(s, tables.get(s.layout.number, [])), s.warnings, s.image) for s in scanned}


def build_scan_document(src: PagedSource, settings: Settings) -> tuple[Document, Cleaned]:
    """A Document from a source whose pages are all images (scans, photos, image-only PDFs),
    and the cleaned page images its cells were read from."""
    engine = get_ocr_engine(settings.ocr.engine)
    doc = Document(path=src.path, kind=src.kind, pages=len(src.pages), warnings=list(src.warnings))
    cleaned: Cleaned = {}
    for number, (rows, warnings, image) in read_ocr_pages(src.pages, settings, engine).items():
        doc.warnings.extend(warnings)
        doc.rows.extend(rows)
        if image is not None:
            cleaned[number] = image
    if not any(r.text.strip() for r in doc.rows):
        doc.warnings.append("no text was recognised on any page")
    return doc, cleaned


def build_paged_document(src: PagedSource, settings: Settings) -> tuple[Document, Cleaned]:
    """Any paged source (text PDF, mixed PDF, scan, image): text pages through pdf_rows, OCR pages here."""
    if all(p.ocr for p in src.pages):
        return build_scan_document(src, settings)
    text_src = PagedSource(path=src.path, kind=src.kind, pages=[p for p in src.pages if not p.ocr])
    text_doc = pdf_rows.build_document(text_src, settings)
    by_page: dict[int | None, list[Row]] = {}
    for row in text_doc.rows:
        by_page.setdefault(row.page, []).append(row)
    doc = Document(path=src.path, kind=src.kind, pages=len(src.pages), warnings=list(src.warnings) + text_doc.warnings)
    engine = get_ocr_engine(settings.ocr.engine) if any(p.ocr for p in src.pages) else None
    scanned = read_ocr_pages([p for p in src.pages if p.ocr], settings, engine)
    cleaned: Cleaned = {}
    for page in src.pages:
        if page.ocr:
            rows, warnings, image = scanned[page.number]
            doc.warnings.extend(warnings)
            doc.rows.extend(rows)
            if image is not None:
                cleaned[page.number] = image
        else:
            doc.rows.extend(by_page.get(page.number, []))
    return doc, cleaned
