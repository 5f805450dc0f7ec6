"""Saved government web pages to a Document: prose lines and table rows in page order.

Pages come in UTF-8 or the GB family (often declared GB2312 but containing GBK/GB18030 glyphs),
carry navigation and script boilerplate, and draw the report tables as ``<table>`` with
rowspan/colspan, as nested layout tables, or flattened into one paragraph per cell.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag, UnicodeDammit

from extractor.errors import InputFileError
from extractor.ingest.cells import join_cell_text
from extractor.ingest.document import Document, Row, Span

METHOD = "html"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_DROP = ("script", "style", "noscript", "nav", "iframe", "form", "select", "button", "template", "svg", "head")
_BLOCK = {"p", "div", "section", "article", "main", "aside", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "address", "hr", "tr", "td", "th",
          "caption", "figure", "figcaption", "body", "html"}
LAYOUT_CELL_CHARS = 400


def decode_html(data: bytes) -> str:
    """Bytes to text: BOM, then the declared charset (GB names read as GB18030), then UTF-8, then a guess."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    candidates = []
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        candidates.append("gb18030" if name in _GB_FAMILY else name)
    candidates += ["utf-8", "gb18030"]
    for name in candidates:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    guess = UnicodeDammit(data, ["utf-8", "gb18030", "big5"]).unicode_markup
    return guess if guess is not None else data.decode("utf-8", errors="replace")


def load_html(path: str | Path) -> Document:
    """Read an HTML page into rows: one row per block-level line, one table row per ``<tr>``."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read ({exc.strerror or exc})") from None
    soup = BeautifulSoup(decode_html(data), "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    walker = _Walker()
    walker.walk(soup.body or soup)
    walker.flush()
    if not walker.rows:
        raise InputFileError("no text found in the HTML page")
    return Document(path=str(p), kind="html", rows=walker.rows)


class _Walker:
    """Depth-first walk that turns block boundaries and ``<br>`` into line breaks."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = join_cell_text("".join(self.buffer))
        self.buffer = []
        if text:
            self.rows.append(Row([Span(text, method=METHOD)]))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "br":
                self.flush()
            elif child.name == "table":
                self.flush()
                self.table(child)
            elif child.name in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table: Tag) -> None:
        """A data table becomes table rows; a layout table (one column, or long cells) is walked as flow."""
        rows = _own_rows(table)
        cells = [_own_cells(tr) for tr in rows]
        if _is_layout(cells):
            for row_cells in cells:
                for cell in row_cells:
                    self.walk(cell)
                    self.flush()
            return
        for row_cells in cells:
            texts = [_cell_text(c) for c in row_cells]
            if any(texts):
                self.rows.append(Row([Span(t, method=METHOD) for t in texts], table=True))
            for cell in row_cells:
                for nested in _own_tables(cell):
                    self.table(nested)


def _own_rows(table: Tag) -> list[Tag]:
    """``<tr>`` elements of this table, not of tables nested in its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _own_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.find_all(["td", "th"], recursive=False)]


def _own_tables(cell: Tag) -> list[Tag]:
    return [t for t in cell.find_all("table") if t.find_parent(["td", "th"]) is cell]


def _is_layout(cells: list[list[Tag]]) -> bool:
    if not cells or max(len(r) for r in cells) <= 1:
        return True
    return any(len(c.get_text()) > LAYOUT_CELL_CHARS for r in cells for c in r)


def _cell_text(cell: Tag) -> str:
    """Cell text without nested tables; blocks and ``<br>`` inside a cell join like wrapped lines."""
    parts: list[str] = []
    for node in cell.descendants:
        if isinstance(node, NavigableString) and type(node) is NavigableString:
            if node.find_parent("table") is cell.find_parent("table"):
                parts.append(str(node))
        elif isinstance(node, Tag) and (node.name == "br" or node.name in _BLOCK):
            parts.append("\n")
    return join_cell_text("".join(parts))
