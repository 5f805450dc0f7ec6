"""What an input is, by its bytes first and its name second; refusals are one clear line."""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractor.errors import EncryptedInputError, InputFileError

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8", b"RIFF")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")
_HTML_MARKERS = ("<html", "<!doctype html", "<table", "<body", "<div", "<p>")


def decode_text(data: bytes) -> str | None:
    """The text of ``data`` when it is text in a usual Chinese-web encoding, else None."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
        return text if controls <= len(text[:4096]) * 0.01 else None
    return None


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"corrupt zip container: {exc}") from exc
    if "word/document.xml" in names:
        return "docx"
    raise InputFileError("a zip archive that is not a Word document (.docx)")


def sniff(path: Path) -> str:
    """One of text, html, docx, pdf, image; raises InputFileError for anything else."""
    if not path.exists():
        raise InputFileError("no such file")
    if path.is_dir():
        raise InputFileError("is a directory (give files, or use --out for a batch)")
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror}") from exc
    if not head.strip():
        raise InputFileError("empty file")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE2):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in head:
            raise EncryptedInputError("password-protected Office document")
        raise InputFileError("legacy Word .doc is not supported; save it as .docx")
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    text = decode_text(head)
    if text is None:
        raise InputFileError(f"unsupported input ({path.suffix or 'no extension'}, binary content)")
    lowered = text[:4096].lower()
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or any(m in lowered for m in _HTML_MARKERS):
        return "html"
    return "text"
