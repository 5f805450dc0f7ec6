"""Portal pages saved as one file (MHTML), as browsers save them and web archives keep them.

Two real portal pages are saved by a real headless Chromium ("save page as, single file": the page
loaded, then serialised as quoted-printable HTML with its resources), and one is written the way
Internet Explorer wrote its .mht files (declared GB2312, quoted-printable). Each must read exactly as
the page itself does.
"""

from __future__ import annotations

import quopri
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from pathlib import Path

import pytest

from extractor.bench.webcopies import save_mhtml
from extractor.errors import InputFileError
from extractor.ingest.sniff import sniff
from extractor.record import Report
from tests.conftest import extract_plain

PAGES = Path(__file__).parent / "fixtures" / "realpages"
REAL = ("sy-fgj-2023.html", "pt-zone-2024.html")


def _same_reading(copy: Report, page: Report) -> None:
    assert copy.tables == page.tables and copy.cells == page.cells and copy.checks == page.checks
    assert copy.metadata == page.metadata and copy.sections == page.sections
    assert [p.text for p in copy.problems] == [p.text for p in page.problems]
    assert copy.warnings == page.warnings


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_a_page_chromium_saved_reads_as_the_page(name: str, tmp_path: Path) -> None:
    saved = save_mhtml(PAGES / name, tmp_path / "page.mhtml")
    assert saved.read_bytes().startswith(b"From: <Saved by Blink>")
    assert sniff(saved) == "mhtml"
    copy, page = extract_plain(saved), extract_plain(PAGES / name)
    assert copy.source.kind == "mhtml" and page.source.kind == "html"
    assert sum(c.value is not None for c in copy.cells) >= 50
    _same_reading(copy, page)


_IE_BOUNDARY = "----=_NextPart_000_0000_01D0C3A4.6B2A5E50"


def _ie_mht(html: str, path: Path) -> Path:
    """The page as IE's "web archive, single file" wrote it: GB2312 declared, quoted-printable, CRLF lines,
    a picture beside it."""
    page = html.replace("charset=utf-8", "charset=gb2312").replace('charset="utf-8"', 'charset="gb2312"')
    head = ("From: <Saved by Windows Internet Explorer 8>\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{_IE_BOUNDARY}"\r\n'
            "X-MimeOLE: Produced By Microsoft MimeOLE V6.1.7601.17514\r\n\r\n"
            "This is a multi-part message in MIME format.\r\n\r\n"
            f"--{_IE_BOUNDARY}\r\nContent-Type: text/html;\r\n\tcharset=\"gb2312\"\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "Content-Location: http://www.example.gov.cn/art/2024/report.html\r\n\r\n").encode("ascii")
    body = quopri.encodestring(page.encode("gb18030")).replace(b"\n", b"\r\n")
    picture = (f"\r\n--{_IE_BOUNDARY}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
               f"Content-Location: http://www.example.gov.cn/logo.png\r\n\r\niVBORw0KGgo=\r\n\r\n--{_IE_BOUNDARY}--\r\n")
    path.write_bytes(head + body + picture.encode("ascii"))
    return path


def test_an_ie_mht_in_gb2312_reads_as_the_page(tmp_path: Path) -> None:
    page = PAGES / REAL[0]
    mht = _ie_mht(page.read_text(encoding="utf-8"), tmp_path / "report.mht")
    raw = mht.read_bytes()
    assert b"quoted-printable" in raw and "公开".encode("utf-8") not in raw  # no UTF-8 left to fall back on
    copy = extract_plain(mht)
    assert copy.source.kind == "mhtml"
    _same_reading(copy, extract_plain(page))


def test_a_single_file_page_without_html_is_refused(tmp_path: Path) -> None:
    message = MIMEMultipart("related", type="text/html")
    message.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(16), "png"))
    path = tmp_path / "pictures.mhtml"
    path.write_bytes(message.as_bytes())
    with pytest.raises(InputFileError, match="no HTML page"):
        extract_plain(path)
