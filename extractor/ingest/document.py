"""The currency passed between stages: a document as rows of spans in reading order.

Every input kind (text dump, HTML, DOCX, text PDF, scan) is reduced to the same shape, so the
template and text stages never know where a value came from except through its provenance.
A *row* is one line of prose (one span) or one table row (one span per cell, "" for a blank cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.geometry import Box


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text as read, with where and how it was read."""

    text: str
    page: int | None = None
    bbox: Box | None = None
    method: str = "text"
    engine: str | None = None
    confidence: float = 1.0
    repairs: tuple[str, ...] = ()  # how layout or mapping had to mend or doubt the text: ``ingest.marks``


@dataclass(slots=True)
class Row:
    """One line of prose (``table`` False) or one table row whose cells are ``spans``."""

    spans: list[Span]
    table: bool = False

    @property
    def text(self) -> str:
        return "\t".join(s.text for s in self.spans)

    @property
    def page(self) -> int | None:
        return next((s.page for s in self.spans if s.page is not None), None)


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture a web page's article shows between its rows (portals often print the report's tables
    as images): the pipeline reads it as a scanned page and puts its rows where it stands."""

    at: int  # the index of the row it stands before
    name: str  # its source as the page names it
    data: bytes


@dataclass(slots=True)
class Document:
    """What ingest hands on: rows in reading order plus what the source said about itself."""

    path: str
    kind: str
    rows: list[Row] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # what a web page states about its article (title, published, source)
    #: pages whose image was bilevel (a fax): their readings never stand alone (``correct.audit_faxed``)
    faxed: set[int] = field(default_factory=set)
    #: fax pages whose lightness was in doubt (``imageops.lightness``): the pipeline reads them both ways
    doubtful_light: set[int] = field(default_factory=set)
    #: a web page's pictures among its rows, still to be read (``Picture``)
    pictures: list[Picture] = field(default_factory=list)

    def text(self) -> str:
        """The plain text, table cells joined by tabs, one row a line."""
        return "\n".join(r.text for r in self.rows)


def text_row(text: str, **provenance: object) -> Row:
    return Row([Span(text, **provenance)])  # type: ignore[arg-type]


def table_row(cells: list[str], **provenance: object) -> Row:
    return Row([Span(c, **provenance) for c in cells], table=True)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Word:
    """A word or text line located on a page (text layer or OCR), box in PDF points."""

    text: str
    box: Box
    method: str = "pdf-text"
    engine: str | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class Page:
    """One page of a paged source; ``image`` is a rendered or scanned array when needed (grey, or RGB when coloured)."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    image: object | None = None
    dpi: float | None = None
    ocr: bool = False
    image_cover: float = 0.0  # share of the page area under images; tells scans from sparse text pages
    #: drawn by software straight to pixels (a web page's picture of a table): no fax however crisp
    #: its strokes, its text may be set against the rules (table cells with no padding), and it is
    #: upright (its author saw it so)
    rendered: bool = False
    #: pictures on a page with a text layer that may be tables printed as images (``ingest.pictures``),
    #: in points from the top left: OCR reads them, the text layer the rest of the page
    picture_boxes: list[Box] = field(default_factory=list)
    picture_dpi: float = 0.0  # the largest one's resolution as drawn on the page (pixels per inch of it)
    picture_side_px: int = 0  # the largest one's shorter side in pixels
    #: the resolution layout is to take ``image`` at when not its true one (``dpi``): a text page's
    #: pictures are read at the size the picture path reads a picture file at, not at the size they
    #: were shrunk to on the page (``ingest.image.triage_pdf``)
    read_dpi: float | None = None


@dataclass(slots=True)
class PagedSource:
    """A PDF or image before layout: pages of located words; layout turns it into a Document."""

    path: str
    kind: str
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
