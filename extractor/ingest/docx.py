"""Word (.docx) reports to a Document, paragraphs and tables in body order.

The body XML is walked directly (not ``Document.paragraphs``/``tables``) so each table stays where
it sits between paragraphs, and merged cells come out once per row: a ``gridSpan`` region is one
cell, a ``vMerge`` continuation is "" (python-docx's ``row.cells`` would repeat the text). Pictures
in the body's paragraphs (a table pasted as a screenshot) are kept where they stand, for OCR.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import EncryptedInputError, InputFileError
from extractor.ingest import pictures
from extractor.ingest.cells import join_cell_text
from extractor.ingest.document import Document, Row, Span
from extractor.ingest.limits import MAX_ZIP_MEMBER, MAX_ZIP_MEMBERS, MAX_ZIP_TOTAL, MAX_ZIP_XML_MEMBER

METHOD = "docx"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"


def check_container(path: Path) -> None:
    """Refuse what python-docx cannot open with one clear line: encrypted, legacy .doc, not a zip."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if head == _OLE2_MAGIC:
                fh.seek(0)
                if _ENCRYPTED_STREAM in fh.read():
                    raise EncryptedInputError("the Word document is password-protected")
                raise InputFileError("a legacy Word .doc (OLE2) file, not a .docx (load_converted reads it)")
    except OSError as exc:
        raise InputFileError(f"cannot read ({exc.strerror or exc})") from None
    if not zipfile.is_zipfile(path):
        raise InputFileError("not a .docx file (not a zip container)")
    check_zip_sizes(path)


def check_zip_sizes(path: Path) -> None:
    """Refuse a zip bomb before python-docx inflates every part into memory: sizes from the directory.

    zipfile stops inflating a member at its declared size, so declared sizes bound what is read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputFileError(f"corrupt zip container ({exc})") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputFileError(f"the .docx holds {len(members)} parts (limit {MAX_ZIP_MEMBERS})")
    for member in members:
        xml = member.filename.endswith((".xml", ".rels"))
        limit = MAX_ZIP_XML_MEMBER if xml else MAX_ZIP_MEMBER
        if member.file_size > limit:
            raise InputFileError(f"part {member.filename} inflates to {member.file_size >> 20} MB (limit {limit >> 20} MB)")
    total = sum(m.file_size for m in members)
    if total > MAX_ZIP_TOTAL:
        raise InputFileError(f"the .docx inflates to {total >> 20} MB (limit {MAX_ZIP_TOTAL >> 20} MB)")


def load_docx(path: str | Path) -> Document:
    """Body paragraphs as prose rows (soft breaks split lines), tables as table rows, in order."""
    p = Path(path)
    check_container(p)
    from docx import Document as open_docx

    try:
        opened = open_docx(str(p))
    except Exception as exc:  # python-docx surfaces zip, XML and part errors with many types
        raise InputFileError(f"not a readable .docx ({type(exc).__name__}: {exc})") from None
    walked = _Body(opened.part)
    walked.walk(opened.element.body)
    kept, warnings = pictures.select(walked.pictures, "are linked to files outside the Word file")
    return Document(path=str(p), kind="docx", rows=walked.rows, warnings=warnings, pictures=kept)


def load_converted(path: str | Path, kind: str) -> Document:
    """A word-processor file python-docx cannot open (``kind`` doc, rtf or odt, as sniffed), read as
    the .docx LibreOffice makes of it (``ingest.soffice``); the record keeps the original's path and
    kind, and a warning says it was converted (layout details a conversion can lose are LibreOffice's)."""
    from extractor.ingest.soffice import KIND_NAMES, as_docx

    if kind == "odt":  # a zip: refuse a bomb before LibreOffice inflates it
        check_zip_sizes(Path(path))
    with as_docx(Path(path), kind) as made:
        doc = load_docx(made)
    doc.path, doc.kind = str(path), kind
    doc.warnings.append(f"converted from {KIND_NAMES[kind]} to .docx by LibreOffice before reading")
    return doc


@dataclass
class _Body:
    """The walk of a body: its rows, and its pictures (the row each stands before, its part's name, its
    bytes; None when the picture is only linked) for ``pictures.select``."""

    part: Any
    rows: list[Row] = field(default_factory=list)
    pictures: list[tuple[int, str, bytes | None]] = field(default_factory=list)

    def walk(self, container: Any) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child)
            elif tag == f"{W}tbl":
                _table(child, self.rows)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                self.walk(child)

    def paragraph(self, p: Any) -> None:
        """A paragraph's lines as prose rows, and its pictures where they stand among its text (a
        screenshot of a table pasted on a line of its own, or after its caption in one paragraph)."""
        for piece in _paragraph_pieces(p):
            if isinstance(piece, str):
                self.rows.extend(Row([Span(t, method=METHOD)]) for t in map(join_cell_text, piece.split("\n")) if t)
            else:
                self.pictures.append((len(self.rows), *self.picture(piece)))

    def picture(self, ref: Any) -> tuple[str, bytes | None]:
        """The name and bytes of the picture a ``a:blip`` or ``v:imagedata`` shows (None: linked, not held)."""
        rid = ref.get(f"{R}embed") or ref.get(f"{R}id") or ""
        part = self.part.related_parts.get(rid) if rid else None
        if part is None:
            return ref.get(f"{R}link") or rid or "?", None
        return str(part.partname), part.blob


def _paragraph_pieces(p: Any) -> list[Any]:
    """A paragraph's visible text, cut where a picture stands: strings (runs, hyperlinks, tabs and
    breaks; deleted revisions excluded) and the picture elements between them."""
    pieces: list[Any] = [""]
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", _BLIP, _IMAGEDATA):
        if node.tag in (_BLIP, _IMAGEDATA):
            pieces += [node, ""]
        elif node.tag == f"{W}t":
            pieces[-1] += node.text or ""
        else:
            pieces[-1] += " " if node.tag == f"{W}tab" else "\n"
    return [piece for piece in pieces if not isinstance(piece, str) or piece]


def _paragraph_text(p: Any) -> str:
    """Visible text of a paragraph (its pictures left out)."""
    return "".join(piece for piece in _paragraph_pieces(p) if isinstance(piece, str))


def _cells(tr: Any) -> list[Any]:
    """``w:tc`` of a row, including those wrapped in content controls."""
    out = []
    for child in tr.iterchildren():
        if child.tag == f"{W}tc":
            out.append(child)
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            out.extend(c for c in child.iter(f"{W}tc") if _row_of(c) is tr)
    return out


def _row_of(tc: Any) -> Any:
    node = tc.getparent()
    while node is not None and node.tag != f"{W}tr":
        node = node.getparent()
    return node


def _is_continuation(tc: Any) -> bool:
    v_merge = tc.find(f"{W}tcPr/{W}vMerge")
    return v_merge is not None and v_merge.get(f"{W}val", "continue") == "continue"


def _cell_text(tc: Any) -> str:
    lines = [_paragraph_text(p) for p in tc.iterchildren(f"{W}p")]
    return join_cell_text("\n".join(lines))


def _table(tbl: Any, rows: list[Row]) -> None:
    """One table row per ``w:tr``; nested tables follow the row that holds them."""
    for tr in tbl.iterchildren(f"{W}tr"):
        cells = _cells(tr)
        texts = ["" if _is_continuation(tc) else _cell_text(tc) for tc in cells]
        if any(texts):
            rows.append(Row([Span(t, method=METHOD) for t in texts], table=True))
        for tc in cells:
            for nested in tc.iterchildren(f"{W}tbl"):
                _table(nested, rows)
