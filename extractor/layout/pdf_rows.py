"""Paged source to Document: prose lines outside tables plus table rows, in reading order.

Reading order is top to bottom within a page and pages in order; a table continued on the next
page simply follows (the template stage joins tables by their position in the stream). Words are
treated alike whether they come from the text layer or from OCR (``page.ocr``); only the table
engine differs: camelot reads the PDF for text pages, an image engine (if given) for OCR pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.errors import EngineError
from extractor.geometry import Box
from extractor.ingest.document import Document, Page, PagedSource, Row, Span, Word
from extractor.layout.celltext import retext
from extractor.layout.continued import join_pages
from extractor.layout.furniture import is_page_furniture
from extractor.layout.repair import join_words
from extractor.layout.tables.base import RawTable, TableEngine, table_rows
from extractor.layout.tables.camelot_engine import CamelotEngine
from extractor.settings import Settings

_NUMERIC = re.compile(r"^[-−+]?\d[\d,，.]*\s*万?$|^[/／—-]$")
MIN_TABLE_LINES = 3
MIN_ROW_NUMBERS = 3
MIN_RULE_SEGMENTS = 8  # a one-row table fragment: 5 rules of 2 segments; a boxed paragraph: 5
LINE_OVERLAP = 0.5


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words into lines by vertical overlap, each line left to right, lines top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w.box.y0 + w.box.y1) / 2, w.box.x0)):
        mid = (word.box.y0 + word.box.y1) / 2
        if lines:
            ref = lines[-1]
            top, bottom = min(w.box.y0 for w in ref), max(w.box.y1 for w in ref)
            height = max(bottom - top, 1.0)
            if top - LINE_OVERLAP * height <= mid <= bottom + LINE_OVERLAP * height * 0.2 and mid < bottom:
                ref.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.box.x0) for line in lines]


def looks_like_table(page: Page) -> bool:
    """Cheap pre-test before running a table engine: a row of bare numbers, or several lines ending in one."""
    hits = 0
    for line in group_lines(page.words):
        numbers = sum(1 for w in line if _NUMERIC.match(w.text))
        if numbers >= MIN_ROW_NUMBERS:
            return True
        if len(line) >= 2 and _NUMERIC.match(line[-1].text):
            hits += 1
            if hits >= MIN_TABLE_LINES:
                return True
    return False


def _inside(word: Word, boxes: list[Box]) -> bool:
    return any(b.holds_centre(word.box) for b in boxes)


def _prose_row(line: list[Word], page: int) -> Row:
    return Row([Span(join_words([w.text for w in line]), page=page, bbox=Box.around(w.box for w in line),
                     method=line[0].method, engine=line[0].engine, confidence=min(w.confidence for w in line))])


def _texts(row: Row) -> list[str]:
    return [s.text for s in row.spans if s.text.strip()]


def page_rows(page: Page, tables: list[RawTable]) -> list[Row]:
    """One page's rows in reading order: prose lines outside table areas, then merged with table rows;
    page numbers dropped, also where camelot's stream mode took a page of prose, its footer included,
    for a table (a row holding nothing but the page's number line)."""
    areas = [t.bbox for t in tables]
    items: list[tuple[float, Row]] = []
    for line in group_lines(w for w in page.words if not _inside(w, areas)):
        if not is_page_furniture(line, page):
            items.append((min(w.box.y0 for w in line), _prose_row(line, page.number)))
    furniture = {join_words([w.text for w in line]) for line in group_lines(page.words) if is_page_furniture(line, page)}
    for table in tables:
        items.extend(item for item in table_rows(table) if _texts(item[1]) not in ([f] for f in furniture))
    items.sort(key=lambda item: item[0])
    return [row for _, row in items]


def paged_to_document(src: PagedSource, tables_by_page: dict[int, list[RawTable]]) -> Document:
    """All pages in order; tables continued across a page break follow each other in the stream."""
    rows: list[Row] = []
    for page in src.pages:
        rows.extend(page_rows(page, tables_by_page.get(page.number, [])))
    return Document(path=src.path, kind=src.kind, rows=rows, pages=len(src.pages), warnings=list(src.warnings))


def ruled_pages(path: str, numbers: list[int]) -> set[int]:
    """Pages drawing enough vector paths to hold a ruled table (a table fragment has no numbers)."""
    if not numbers:
        return set()
    out = set()
    doc = pdfium.PdfDocument(path)
    try:
        for number in numbers:
            page = doc[number - 1]
            segments = sum(max(0, pdfium_c.FPDFPath_CountSegments(obj.raw))
                           for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3))
            page.close()
            if segments >= MIN_RULE_SEGMENTS:
                out.add(number)
    except pdfium.PdfiumError:
        return out
    finally:
        doc.close()
    return out


def _over_pictures(table: RawTable, page: Page) -> bool:
    """A table camelot finds over a picture OCR reads (``Page.picture_boxes``): the picture's own rules
    seen in the rendering, or the prose around it taken for columns; its text is not the layer's."""
    return any(table.bbox.overlaps(picture) for picture in page.picture_boxes)


def find_tables(src: PagedSource, engine: TableEngine | None = None,
                image_engine: TableEngine | None = None) -> dict[int, list[RawTable]]:
    """Run the table engine only where needed: pages that look like tables (numbers in rows) or,
    for text pages, draw a grid; text pages go to camelot, OCR pages to the image engine."""
    numeric = {p.number for p in src.pages if looks_like_table(p)}
    ruled = ruled_pages(src.path, [p.number for p in src.pages if not p.ocr and p.words and p.number not in numeric])
    text_pages = [p for p in src.pages if not p.ocr and (p.number in numeric or p.number in ruled)]
    ocr_pages = [p for p in src.pages if p.ocr and p.number in numeric]
    found: dict[int, list[RawTable]] = {}
    try:
        if text_pages:
            pages = {p.number: p for p in text_pages}
            ruled = {number: [retext(t, pages[number].words) if t.method == "camelot-lattice" else t
                              for t in tables if not _over_pictures(t, pages[number])]
                     for number, tables in (engine or CamelotEngine(stream_pages=numeric)).find_tables(src.path, text_pages).items()}
            found.update(join_pages(text_pages, ruled))
        if ocr_pages and image_engine is not None:
            found.update(image_engine.find_tables(src.path, ocr_pages))
    except EngineError as exc:  # tables then come through as prose lines; the template stage still reads them
        src.warnings.append(f"table detection failed, tables read as text lines: {exc}")
    return found


def build_document(src: PagedSource, settings: Settings | None = None, *,
                   image_engine: TableEngine | None = None) -> Document:
    """The pipeline's entry for PDFs and images: tables found, then merged with prose in reading order."""
    del settings  # no layout setting yet; kept so every stage has the same call shape
    return paged_to_document(src, find_tables(src, image_engine=image_engine))
