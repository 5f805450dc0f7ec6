"""One document through the stages: ingest → layout → template → text → classify → Report.

The only module that imports every stage; each stage gets values, never a later stage.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import InputFileError
from extractor.ingest.document import Document, Row
from extractor.ingest.normalise import normalise_document
from extractor.ingest.sniff import sniff
from extractor.layout.sections import find_headings
from extractor.record import Check, Improvement, Legacy, Problem, Report, Source
from extractor.settings import Settings
from extractor.template.correct import Rereader
from extractor.template.generic import generic_tables
from extractor.template.regions import has_table_anchor
from extractor.template.tables import TableResult, map_tables
from extractor.text.facts import text_checks
from extractor.text.legacy import is_legacy, read_legacy, section_at
from extractor.text.report_text import TextResult, read_text


Loaded = tuple[Document, Rereader | None]
"""A document, plus a way to read its OCR'd cells again when the source was scanned."""


def _load_text(path: Path, settings: Settings) -> Loaded:
    from extractor.ingest.textdump import load_text

    return load_text(path), None


def _load_html(path: Path, settings: Settings) -> Loaded:
    from extractor.ingest.html import load_html

    return _with_pictures(load_html(path), settings)


def _load_mhtml(path: Path, settings: Settings) -> Loaded:
    from extractor.ingest.html import load_mhtml

    return _with_pictures(load_mhtml(path), settings)


def _with_pictures(doc: Document, settings: Settings) -> Loaded:
    """A web page or Word file that shows pictures (portals and clerks often print the report's tables
    as images): each is read as a scanned page, numbered by its place among the pictures, and its rows
    are put where it stands; the re-reader works on their cleaned images."""
    if not doc.pictures:
        return doc, None
    from extractor.layout.reread import make_rereader

    cleaned: dict[int, Any] = {}
    placed: list[tuple[int, list[Row]]] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-pictures-") as tmp:
        for number, picture in enumerate(doc.pictures, start=1):
            path = Path(tmp) / f"picture-{number}"
            path.write_bytes(picture.data)
            try:
                rows, image, warnings = _read_picture(path, number, settings)
            except InputFileError as exc:
                rows, image, warnings = [], None, [str(exc).replace(str(path), "").lstrip(": ")]
            doc.warnings.extend(f"picture {number} ({picture.name}): {w}" for w in warnings)
            placed.append((picture.at, rows))
            if image is not None:
                cleaned[number] = image
    for at, rows in reversed(placed):
        doc.rows[at:at] = rows
    doc.pictures = []
    return doc, (make_rereader(cleaned, settings) if cleaned else None)


def _read_picture(path: Path, number: int, settings: Settings) -> tuple[list[Row], Any, list[str]]:
    """One picture read as scanned page ``number`` (``ingest.image.open_picture``; the page passes a
    run keeps are known by page number): its rows, its cleaned image, its warnings."""
    from extractor.ingest.image import open_picture
    from extractor.layout.paged import build_paged_document

    read, images = build_paged_document(open_picture(path, number), settings)
    return read.rows, images.get(number), read.warnings


def _load_docx(path: Path, settings: Settings) -> Loaded:
    from extractor.ingest.docx import load_docx

    return _with_pictures(load_docx(path), settings)


def _load_converted(kind: str) -> Callable[[Path, Settings], Loaded]:
    """The loader of a word-processor ``kind`` python-docx cannot open: LibreOffice makes it a .docx."""
    def loader(path: Path, settings: Settings) -> Loaded:
        from extractor.ingest.docx import load_converted

        return _with_pictures(load_converted(path, kind), settings)

    return loader


def _with_rereader(read: tuple[Document, dict[int, Any]], settings: Settings) -> Loaded:
    """The document, and a re-reader over the cleaned page images its OCR'd cells came from."""
    from extractor.layout.reread import make_rereader

    doc, cleaned = read
    return doc, (make_rereader(cleaned, settings) if cleaned else None)


def _load_pdf(path: Path, settings: Settings) -> Loaded:
    from extractor.ingest.image import triage_pdf
    from extractor.ingest.pdf import open_pdf
    from extractor.layout.paged import build_paged_document

    src = triage_pdf(open_pdf(path), settings)
    return _with_rereader(build_paged_document(src, settings), settings)


def _load_image(path: Path, settings: Settings) -> Loaded:
    from extractor.ingest.image import open_image
    from extractor.layout.paged import build_paged_document

    return _with_rereader(build_paged_document(open_image(path), settings), settings)


LOADERS: dict[str, Callable[[Path, Settings], Loaded]] = {
    "text": _load_text,
    "html": _load_html,
    "mhtml": _load_mhtml,
    "docx": _load_docx,
    "doc": _load_converted("doc"),
    "rtf": _load_converted("rtf"),
    "odt": _load_converted("odt"),
    "pdf": _load_pdf,
    "image": _load_image,
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(path: Path, settings: Settings) -> Loaded:
    kind = sniff(path)
    loader = LOADERS.get(kind)
    if loader is None:
        raise InputFileError(f"{kind} inputs are not supported yet")
    doc, rereader = loader(path, settings)
    return normalise_document(doc), rereader


def _items(problems: list[str], improvements: list[str], settings: Settings) -> tuple[list[Problem], list[Improvement]]:
    if not settings.classify:
        return [Problem(text=t) for t in problems], [Improvement(text=t) for t in improvements]
    from extractor.classify import classify_items

    return classify_items(problems, improvements, settings)


@dataclass(slots=True)
class _Read:
    """A document read through the text and template stages, and every check of its report."""

    doc: Document
    text: TextResult
    tables: TableResult
    checks: list[Check]

    @property
    def balance(self) -> int:
        """How many of the report's checks hold, less how many fail."""
        return sum(1 if check.ok else -1 for check in self.checks)


def _read(doc: Document, rereader: Rereader | None) -> _Read:
    headings = find_headings(doc.rows)
    if not headings and not has_table_anchor(doc.rows):
        raise InputFileError("not an information-disclosure annual report: no section heading or standard table found")
    text = read_text(doc.rows, headings, doc.meta)
    tables = map_tables(doc.rows, headings, year=text.metadata.year, rereader=rereader, faxed=doc.faxed)
    return _Read(doc, text, tables, tables.checks + text_checks(text.stated, tables.tables))


def _steadier(path: Path, first: _Read, settings: Settings) -> _Read:
    """The reading of a fax with pages whose lightness is in doubt under which more of the report's
    rules hold: read again with those pages taken the other way, the second reading is kept only when
    its checks' balance (``_Read.balance``) is higher. The rules are the evidence neither page
    measure gives: on such pages each way read better on some copies, and the better balance picked
    the reading with fewer failing cells on 19 of 22 fax copies, as many on one (data/scan.json
    doubt_per_kpx)."""
    flipped = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"flip_doubtful_light": True})})
    second = _read(*load(path, flipped))
    doubtful = sorted(first.doc.doubtful_light)
    pages = f"page{'s' if len(doubtful) > 1 else ''} {', '.join(str(p) for p in doubtful)}"
    kept = second if second.balance > first.balance else first
    kept.doc.warnings.append(
        f"{pages}: how light the fax left the print is in doubt; read both ways, checks holding less "
        f"failing {first.balance} taken as the page measure says, {second.balance} the other way: kept the "
        f"{'second' if kept is second else 'first'}")
    return kept


def run(path: Path, settings: Settings) -> Report:
    """Extract one report; raises NianbaoError when no record can be produced."""
    from extractor.layout.passes import page_passes_kept

    with page_passes_kept():
        doc, rereader = load(path, settings)
        if is_legacy(doc.rows, doc.meta):
            return _legacy_report(path, doc, settings)
        read = _read(doc, rereader)
        if doc.doubtful_light and not settings.ocr.flip_doubtful_light:
            read = _steadier(path, read, settings)
    text, tables = read.text, read.tables
    metadata = text.metadata.model_copy(
        update={"format": tables.formats.get("t3"), "table_formats": tables.formats}
    )
    problems, improvements = _items(text.problems, text.improvements, settings)
    return Report(
        source=Source(path=str(path), sha256=sha256_of(path), kind=read.doc.kind, pages=read.doc.pages),  # type: ignore[arg-type]
        metadata=metadata,
        sections=text.sections,  # type: ignore[arg-type]
        tables=tables.tables,
        cells=tables.cells,
        checks=read.checks,
        problems=problems,
        improvements=improvements,
        warnings=[*read.doc.warnings, *text.warnings, *tables.warnings],
    )


def _legacy_report(path: Path, doc: Document, settings: Settings) -> Report:
    """A pre-2019 report: never matched against the 2019/2021 template; its own tables kept as printed."""
    text = read_legacy(doc.rows, doc.meta)
    tables = generic_tables(doc.rows, section_at(text.headings))
    if not text.headings and not tables:
        raise InputFileError("not an information-disclosure annual report: no section heading or statistics table found")
    problems, improvements = _items(text.problems, text.improvements, settings)
    return Report(
        source=Source(path=str(path), sha256=sha256_of(path), kind=doc.kind, pages=doc.pages),  # type: ignore[arg-type]
        metadata=text.metadata,
        sections=text.sections,  # type: ignore[arg-type]
        problems=problems,
        improvements=improvements,
        warnings=[*doc.warnings, *text.warnings],
        legacy=Legacy(tables=tables, facts=text.facts),
    )
