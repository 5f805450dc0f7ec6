"""What an input is, by its bytes first and its name second; refusals are one clear line."""

from __future__ import annotations

import codecs
import errno
import os
import stat
import zipfile
from pathlib import Path

from extractor.errors import EncryptedInputError, InputFileError

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8", b"RIFF")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: encodings Chinese agencies publish text in; charset-normalizer chooses among them when UTF-8 fails
_CJK_ENCODINGS = ["gb18030", "big5", "utf_16_le", "utf_16_be"]
#: stream names as an OLE2 directory stores them (UTF-16LE)
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
#: how much of an OLE2 file is searched for its directory's stream names (its directory may sit at the end)
_MAX_OLE2_SCAN = 64 << 20
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_HTML_MARKERS = ("<html", "<!doctype html", "<table", "<body", "<div", "<p>")
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def decode_text(data: bytes, partial: bool = False) -> str | None:
    """The text of ``data`` in whatever encoding it was saved in (BOM, UTF-8, else the best CJK guess).

    The one decoder for every command that reads text, so ``extract`` and ``classify`` agree.
    ``partial``: ``data`` is the head of a file and may end inside a character. None for binary data.
    """
    text = _decode(data, partial)
    if text is None:
        return None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return text if controls <= len(text[:4096]) * 0.01 else None


def _decode(data: bytes, partial: bool) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data, final=not partial)
    if b"\x00" in data[:4096]:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=not partial)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CJK_ENCODINGS).best()
    if best is None:
        return None
    return codecs.getincrementaldecoder(best.encoding)(errors="replace").decode(data, final=not partial)


def regular_file(path: Path) -> os.stat_result:
    """Refuse, before opening it, anything a read could block on or never finish: pipes, devices, loops."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputFileError("a symbolic link loop") from None
        if exc.errno == errno.ENOENT:
            raise InputFileError("no such file") from None
        raise InputFileError(f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError("is a directory (give files, or use --out for a batch)")
    for test, name in _KINDS:
        if test(info.st_mode):
            raise InputFileError(f"not a regular file ({name})")
    return info


def read_text_file(path: Path) -> str:
    """The decoded text of a text file; one clear error for anything that is not text."""
    regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror}") from None
    text = decode_text(data)
    if text is None:
        raise InputFileError("not a text file (binary content or an unknown encoding)")
    return text


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"corrupt zip container: {exc}") from exc
    if "word/document.xml" in names:
        return "docx"
    if "mimetype" in names and _member_head(path, "mimetype") == _ODT_MIMETYPE:
        return "odt"
    raise InputFileError("a zip archive that is neither a Word (.docx) nor an OpenDocument text (.odt) file")


def _member_head(path: Path, name: str) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name) as member:
            return member.read(len(_ODT_MIMETYPE) + 1).strip()
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise InputFileError(f"corrupt zip container: {exc}") from exc


def _ole2_kind(path: Path, head: bytes) -> str:
    """A Word 97-2003 file (WPS saves its .wps in that format too) is "doc"; a password-protected one,
    or another Office file in the same container (a spreadsheet, slides), is refused by name."""
    if _ENCRYPTED_PACKAGE in head:
        raise EncryptedInputError("password-protected Office document")
    try:
        with path.open("rb") as handle:
            names = handle.read(_MAX_OLE2_SCAN)
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror}") from exc
    if _ENCRYPTED_PACKAGE in names:
        raise EncryptedInputError("password-protected Office document")
    if _WORD_STREAM in names:
        return "doc"
    raise InputFileError("an Office 97-2003 file with no Word document in it (a spreadsheet, slides, or a damaged file)")


def sniff(path: Path) -> str:
    """One of text, html, mhtml, docx, doc, rtf, odt, pdf, image; raises InputFileError for anything else."""
    regular_file(path)
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
        return _ole2_kind(path, head)
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    text = decode_text(head, partial=True)
    if text is None:
        raise InputFileError(f"unsupported input ({path.suffix or 'no extension'}, binary content)")
    lowered = text[:4096].lower()
    if "mime-version:" in lowered and "multipart/related" in lowered:
        return "mhtml"
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or any(m in lowered for m in _HTML_MARKERS):
        return "html"
    return "text"
