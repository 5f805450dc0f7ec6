"""Saved government web pages to a Document: the article's prose lines and table rows in page order.

Pages come in UTF-8 or the GB family (often declared GB2312 but containing GBK/GB18030 glyphs),
and a portal page wraps its article in navigation, header buttons, sidebars and footers. The
article is the element holding most of the page's non-link text (text density, thresholds in
``extractor/data/portal.json``); what the page states about it (``<meta>`` ArticleTitle, PubDate,
ContentSource, the 来源/发布时间 line beside the title) goes to ``Document.meta``. Report tables come
as ``<table>`` with rowspan/colspan, as nested layout tables, or flattened into one paragraph per
cell; a report pasted into ``<pre>`` keeps its lines. Every walk is iterative, so deeply nested
markup cannot exhaust the stack.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.message
import email.policy
import re
import urllib.parse
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag, UnicodeDammit

from extractor.errors import InputFileError
from extractor.ingest.cells import join_cell_text
from extractor.ingest import pictures
from extractor.ingest.document import Document, Picture, Row, Span
from extractor.resources import load_json

METHOD = "html"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_DROP = ("script", "style", "noscript", "nav", "iframe", "form", "select", "button", "template", "svg", "head")
_BLOCK = {"p", "div", "section", "article", "main", "aside", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "address", "hr", "tr", "td", "th",
          "caption", "figure", "figcaption", "body", "html"}
_LEAF_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "a", "caption"}
_REPORT_TITLE = re.compile(r"(?:19|20)\d{2}\s*年.*报告")
_TITLE_SEPARATOR = re.compile(r"\s*(?:_|\||－|—|--|-\s)\s*")
LAYOUT_CELL_CHARS = 400


@cache
def _portal() -> dict:
    return load_json("portal.json")


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: BOM, then ``charset`` (what a MIME part says), then the page's declared charset
    (GB names read as GB18030), then UTF-8, then a guess."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    declared = _META_CHARSET.search(data[:8192])
    names = [charset.lower()] if charset else []
    names += [declared.group(1).decode("ascii", "ignore").lower()] if declared else []
    candidates = ["gb18030" if name in _GB_FAMILY else name for name in names]
    candidates += ["utf-8", "gb18030"]
    for name in candidates:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    guess = UnicodeDammit(data, ["utf-8", "gb18030", "big5"]).unicode_markup
    return guess if guess is not None else data.decode("utf-8", errors="replace")


def load_html(path: str | Path) -> Document:
    """Read the article of an HTML page into rows: one row per block-level line, one table row per ``<tr>``."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read ({exc.strerror or exc})") from None
    try:
        return _document(str(p), BeautifulSoup(decode_html(data), "lxml"), _beside(p.parent))
    except RecursionError:
        raise InputFileError("the page's markup is nested too deeply to read") from None


def load_mhtml(path: str | Path) -> Document:
    """A page saved as one file (MHTML: a browser's "single file" save, IE's .mht): its first HTML
    part, the page itself (the rest are its pictures and styles), read as ``load_html`` reads a page."""
    p = Path(path)
    try:
        message = email.message_from_binary_file(p.open("rb"), policy=email.policy.compat32)
    except OSError as exc:
        raise InputFileError(f"cannot read ({exc.strerror or exc})") from None
    part = next((m for m in message.walk() if m.get_content_type() == "text/html"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    if not isinstance(payload, bytes) or not payload.strip():
        raise InputFileError("an MHTML file with no HTML page in it")
    try:
        doc = _document(str(p), BeautifulSoup(decode_html(payload, part.get_content_charset()), "lxml"),
                        _parts(message, part))
    except RecursionError:
        raise InputFileError("the page's markup is nested too deeply to read") from None
    doc.kind = "mhtml"
    return doc


def _parts(message: email.message.Message, page: email.message.Message) -> Fetch:
    """Pictures an MHTML file holds, by the address the page names them with (made absolute against
    the page's own Content-Location) or by ``cid:`` Content-ID."""
    base = str(page.get("Content-Location", ""))
    held: dict[str, email.message.Message] = {}
    for part in message.walk():
        if part.get_content_maintype() == "image":
            for key in (part.get("Content-Location"), f"cid:{str(part.get('Content-ID', '')).strip('<>')}"):
                if key:
                    held.setdefault(str(key).strip(), part)

    def fetch(name: str) -> bytes | None:
        part = held.get(name) or held.get(urllib.parse.urljoin(base, name))
        data = part.get_payload(decode=True) if part is not None else None
        return data if isinstance(data, bytes) else None

    return fetch


def _document(path: str, soup: BeautifulSoup, fetch: Fetch) -> Document:
    meta = page_meta(soup)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    body = soup.body or soup
    if _depth(body) > _portal()["max_depth"]:
        rows = _plain_rows(body)
        if not rows:
            raise InputFileError("no text found in the HTML page")
        warning = f"markup nested deeper than {_portal()['max_depth']} elements: read as plain text, tables not kept"
        return Document(path=path, kind="html", rows=rows, meta=meta, warnings=[warning])
    article = find_article(body)
    walked = _walked(article)
    rows = walked.rows
    if not rows:
        raise InputFileError("no text found in the HTML page")
    if article is not body:
        outside = [r.text for r in _rows(body) if not r.table]
        inside = {r.text for r in rows}
        outside = [t for t in outside if t not in inside]
        info = [t for t in outside if len(t) <= 120 and _is_info_line(t)]
        if info:
            meta["info"] = " ".join(info)
        meta.setdefault("title", next((t for t in outside if _REPORT_TITLE.search(t) and len(t) <= 80), ""))
    if not meta.get("title"):
        meta.pop("title", None)
    title = meta.get("title")
    found = walked.pictures
    if title and not any(_flat(title) in _flat(r.text) for r in rows[:8]):
        rows.insert(0, Row([Span(title, method=METHOD)]))
        found = [(at + 1, img) for at, img in found]
    kept, warnings = _pictures(found, fetch)
    return Document(path=path, kind="html", rows=rows, meta=meta, warnings=warnings, pictures=kept)


def _depth(root: Tag) -> int:
    """How deep elements nest under ``root`` (iteratively: hostile pages nest thousands deep)."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.children if isinstance(child, Tag))
    return deepest


def _plain_rows(root: Tag) -> list[Row]:
    """The page's text, one row per line, for markup too deep to walk as structure."""
    lines = (join_cell_text(line) for line in root.get_text("\n").splitlines())
    return [Row([Span(line, method=METHOD)]) for line in lines if line]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_info_line(text: str) -> bool:
    return any(re.search(rf"{label}\s*[:：]", text) for label in _portal()["info_labels"])


def page_meta(soup: BeautifulSoup) -> dict[str, str]:
    """Title, publication date and publisher as the page's ``<meta>`` tags (then ``<title>``) state them."""
    found: dict[str, str] = {}
    tags = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = str(tag.get("content") or "").strip()
        if name and content and name not in tags:
            tags[name] = content
    for field, names in _portal()["meta"].items():
        value = next((tags[n.lower()] for n in names if tags.get(n.lower())), None)
        if value:
            found[field] = join_cell_text(value)
    if "title" not in found and soup.title and soup.title.string:
        head = _TITLE_SEPARATOR.split(join_cell_text(str(soup.title.string)))[0]
        if _REPORT_TITLE.search(head):
            found["title"] = head
    return found


def _content_lengths(root: Tag) -> dict[int, tuple[int, int]]:
    """id(tag) → (text chars, link text chars) for every element under ``root``, in one bottom-up pass."""
    order = [root, *(d for d in root.descendants if isinstance(d, Tag))]
    sizes: dict[int, tuple[int, int]] = {}
    for tag in reversed(order):
        text = links = 0
        for child in tag.children:
            if isinstance(child, Tag):
                t, l = sizes.get(id(child), (0, 0))
                text, links = text + t, links + l
            elif type(child) is NavigableString:
                text += len(_flat(str(child)))
        sizes[id(tag)] = (text, text if tag.name == "a" else links)
    return sizes


def find_article(body: Tag) -> Tag:
    """The smallest element that still holds most of the page's non-link text: the article container.

    From ``<body>`` down, step into the child holding ``descend_share`` of the current element's
    non-link text; navigation, header buttons and related-link sidebars are mostly links and never
    win. A data table is not entered (its rows are the article's, not a container).
    """
    sizes = _content_lengths(body)
    share, max_links = _portal()["descend_share"], _portal()["max_link_density"]

    def content(tag: Tag) -> int:
        text, links = sizes.get(id(tag), (0, 0))
        return 0 if text and links / text > max_links else text - links

    node = body
    while True:
        children = [c for c in node.children if isinstance(c, Tag)]
        if not children:
            return node
        best = max(children, key=content)
        if content(best) < share * content(node) or content(best) == 0 or best.name in _LEAF_BLOCKS:
            return node
        if _is_data_table(best, content) or any(_holds_data_table(c, content) for c in children if c is not best):
            return node
        node = best


def _is_data_table(tag: Tag, content: Callable[[Tag], int]) -> bool:
    return tag.name == "table" and content(tag) > 0 and not _is_layout([_own_cells(tr) for tr in _own_rows(tag)])


def _holds_data_table(tag: Tag, content: Callable[[Tag], int]) -> bool:
    return _is_data_table(tag, content) or any(_is_data_table(t, content) for t in tag.find_all("table"))


def _walked(root: Tag) -> _Walker:
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return walker


def _rows(root: Tag) -> list[Row]:
    return _walked(root).rows


#: a picture's bytes by its source as the page names it; None when the saved page does not hold it
Fetch = Callable[[str], "bytes | None"]


def _pictures(found: list[tuple[int, Tag]], fetch: Fetch) -> tuple[list[Picture], list[str]]:
    """The article's pictures worth reading as tables (``ingest.pictures``), fetched from the saved page
    only; an ``<img>`` whose declared size is an icon's is not fetched."""
    candidates = []
    for at, img in found:
        name = str(img.get("src") or img.get("data-src") or "").strip()
        if name and not _declared_small(img):
            candidates.append((at, name, _inline(name) if name.startswith("data:") else fetch(name)))
    return pictures.select(candidates, "in the article are not in the saved page")


def _declared_small(img: Tag) -> bool:
    """An ``<img>`` whose width or height attribute (pixels) is below a table's (an icon, a logo)."""
    sizes = []
    for attribute, least in (("width", pictures.limits()["min_width"]), ("height", pictures.limits()["min_height"])):
        value = re.fullmatch(r"\s*(\d+)\s*(?:px)?\s*", str(img.get(attribute) or ""))
        sizes.append(value is not None and int(value.group(1)) < least)
    return any(sizes)


def _inline(name: str) -> bytes | None:
    """The bytes of a ``data:`` address (base64 or percent-encoded)."""
    head, _, body = name.partition(",")
    try:
        return base64.b64decode(body) if head.endswith(";base64") else urllib.parse.unquote_to_bytes(body)
    except (ValueError, binascii.Error):
        return None


def _beside(folder: Path) -> Fetch:
    """Pictures a page saved "complete" keeps in files beside it (``page_files/…``), never outside
    its folder; web addresses are not fetched."""
    root = folder.resolve()

    def fetch(name: str) -> bytes | None:
        parsed = urllib.parse.urlsplit(name)
        if parsed.scheme or parsed.netloc or not parsed.path:
            return None
        path = (root / urllib.parse.unquote(parsed.path)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    return fetch


class _Walker:
    """Depth-first walk (explicit stack) that turns block boundaries and ``<br>`` into line breaks."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.buffer: list[str] = []
        self.pictures: list[tuple[int, Tag]] = []  # (index of the row it stands before, its <img>)

    def flush(self) -> None:
        text = join_cell_text("".join(self.buffer))
        self.buffer = []
        if text:
            self.rows.append(Row([Span(text, method=METHOD)]))

    def walk(self, root: Tag) -> None:
        stack: list[tuple[Iterator, bool]] = [(iter(root.children), False)]
        while stack:
            children, is_block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if is_block:
                    self.flush()
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self.buffer.append(str(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                self.flush()
            elif child.name == "img":
                self.flush()
                self.pictures.append((len(self.rows), child))
            elif child.name == "pre":
                self.flush()
                self.preformatted(child)
            elif child.name == "table":
                self.flush()
                self.table(child)
            else:
                if child.name in _BLOCK:
                    self.flush()
                stack.append((iter(child.children), child.name in _BLOCK))

    def preformatted(self, pre: Tag) -> None:
        """A report pasted as plain text: each line a row, tab-separated lines table rows."""
        for line in pre.get_text().splitlines():
            if "\t" in line.strip():
                self.rows.append(Row([Span(c.strip(), method=METHOD) for c in line.strip().split("\t")], table=True))
            elif line.strip():
                self.rows.append(Row([Span(line.strip(), method=METHOD)]))

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
