"""The hostile corpus: bad and unusual inputs as a new user meets them in an archive.

``build(folder)`` writes every case's inputs under ``folder/<case>/`` and returns the cases; each
says which exit codes are right for it and, for those that must succeed, what the record must
hold. :mod:`extractor.bench.hostilerun` runs them through the real command with limits.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from extractor.bench.office import soffice_export
from extractor.bench.synth import random_report, render_docx, render_html, render_pdf, render_text


@dataclass
class Outcome:
    """What one run of the command did."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    folder: Path


Verify = Callable[[Outcome, dict[str, Outcome]], str | None]


@dataclass
class Case:
    """One hostile input and the behaviour it must get: ``argv`` after ``nianbao``, run in ``folder``."""

    name: str
    group: str
    argv: list[str]
    expect: tuple[int, ...]
    verify: Verify | None = None
    summary: bool = False  # the command prints a summary (batch, load), not one error line
    stdout: str | None = None  # a path to send stdout to instead of a pipe
    umask: int | None = None
    owner: str = ""  # the branch that owns the fix, when it is not this one
    prepare: Callable[[Path, dict[str, Outcome]], None] | None = None
    skip: str = ""
    custom: Callable[[Path], tuple[bool, str]] | None = None
    folder: Path = field(default_factory=Path)


# ---------------------------------------------------------------- record checks


def record(outcome: Outcome) -> dict[str, Any]:
    return json.loads(outcome.stdout)


def _core(rec: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on how the bytes were encoded: metadata, tables, cell values, checks.

    Where the date was read (``published_source``) may differ when a case moves it, not the date."""
    meta = {k: v for k, v in rec["metadata"].items() if k not in ("contacts", "published_source")}
    cells = sorted((c["table"], c["row"], c["col"], json.dumps(c["value"]), c["status"]) for c in rec["cells"])
    checks = sorted((c["rule"], json.dumps(c.get("cells")), c["ok"]) for c in rec["checks"])
    return {"metadata": meta, "tables": rec["tables"], "cells": cells, "checks": checks,
            "sections": sorted(rec["sections"])}


def same_as(reference: str) -> Verify:
    """The record equals the reference case's record in everything but its source."""

    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        ref = done.get(reference)
        if ref is None or ref.code != 0:
            return f"reference {reference} did not succeed"
        mine, theirs = _core(record(outcome)), _core(record(ref))
        for key in theirs:
            if mine[key] != theirs[key]:
                return f"{key} differs from {reference}"
        return None

    return check


def has_tables(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
    rec = record(outcome)
    read = sum(1 for c in rec["cells"] if c["status"] == "read" and c["value"] is not None)
    return None if read >= 20 and len(rec["sections"]) >= 5 else f"only {read} cells read, sections {sorted(rec['sections'])}"


def published_like(reference: str) -> Verify:
    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        ref = done.get(reference)
        want = record(ref)["metadata"].get("published") if ref and ref.code == 0 else None
        got = record(outcome)["metadata"].get("published")
        if want is None:
            return f"reference {reference} has no publication date"
        return None if got == want else f"published {got!r}, expected {want!r}"

    return check


def both(*checks: Verify) -> Verify:
    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        return next((p for c in checks if (p := c(outcome, done))), None)

    return check


def not_in_stdout(text: str) -> Verify:
    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        return f"output contains {text!r}" if text in outcome.stdout else None

    return check


def file_mode(path: str, mode: int) -> Verify:
    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        got = (outcome.folder / path).stat().st_mode & 0o777
        return None if got == mode else f"{path} has mode {got:o}, expected {mode:o}"

    return check


def absent(path: str) -> Verify:
    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        return f"{path} was created" if os.path.lexists(outcome.folder / path) else None

    return check


def stderr_has(text: str) -> Verify:
    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        return None if text in outcome.stderr else f"stderr lacks {text!r}"

    return check


def jsonl_lines(path: str, total: int, errors: dict[str, str]) -> Verify:
    """A batch wrote one line per input; the named inputs are error records with those codes."""

    def check(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
        lines = [json.loads(line) for line in (outcome.folder / path).read_text(encoding="utf-8").splitlines()]
        if len(lines) != total:
            return f"{len(lines)} lines for {total} inputs"
        by_name = {Path(line["source"]["path"]).name: line for line in lines}
        for name, code in errors.items():
            got = by_name.get(name, {}).get("error", {}).get("code")
            if got != code:
                return f"{name}: error {got!r}, expected {code!r}"
        good = [line for line in lines if "error" not in line]
        return None if len(good) == total - len(errors) else f"{len(good)} records, expected {total - len(errors)}"

    return check


# ---------------------------------------------------------------- input makers


def _report(seed: int = 7, fmt: str = "2021") -> Any:
    return random_report(seed, fmt)  # type: ignore[arg-type]


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def signed_at_end(text: str) -> str:
    """The report with its 发布日期 line moved to the end as a signature date (2024年1月13日)."""
    found = re.search(r"发布日期：(\d{4})-(\d{2})-(\d{2})\n+", text)
    if not found:
        return text
    year, month, day = (int(g) for g in found.groups())
    return text.replace(found.group(0), "") + f"{year}年{month}月{day}日\n"


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _pdf_bytes(objects: list[bytes]) -> bytes:
    """A minimal PDF from numbered object bodies (1 = catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _zeros_deflated(size: int) -> bytes:
    packer = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    parts.append(packer.compress(bytes(size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return b"".join(parts)


def image_pdf(width: int, height: int) -> bytes:
    """One A4 page covered by a blank greyscale image of ``width``×``height`` px (Flate: tiny file)."""
    data = _zeros_deflated(width * height)
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(data))
             + data + b"\nendstream")
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    return _pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        image,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ])


def blank_pages_pdf(pages: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return _pdf_bytes(objects)


def cyclic_pdf() -> bytes:
    """A page tree whose node lists itself among its kids."""
    return _pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


def docx_with(base: Path, target: Path, replace: dict[str, bytes] | None = None, add_zeros: dict[str, int] | None = None,
              extra_members: int = 0) -> Path:
    """A copy of a .docx with parts replaced, huge zero-filled parts added, or many tiny parts."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, (replace or {}).get(item.filename, src.read(item.filename)))
        chunk = bytes(1 << 20)
        for name, size in (add_zeros or {}).items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with out.open(info, "w", force_zip64=True) as handle:
                for _ in range(size >> 20):
                    handle.write(chunk)
        for i in range(extra_members):
            out.writestr(f"customXml/extra{i}.xml", "<a/>")
    return target


def _document_xml(body: str, doctype: str = "") -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
            f"<w:document {ns}><w:body>{body}</w:body></w:document>").encode("utf-8")


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tiff_with_huge_second_frame(path: Path) -> Path:
    from PIL import Image

    first = Image.new("1", (1240, 1754), 1)
    huge = Image.new("1", (25000, 25000), 1)
    first.save(path, format="TIFF", compression="group4", save_all=True, append_images=[huge])
    return path


def png_bytes(width: int, height: int, mode: str = "L") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, (width, height), {"L": 255, "1": 1, "RGB": (255, 255, 255)}[mode]).save(buffer, format="PNG")
    return buffer.getvalue()


def qpdf(src: Path, target: Path, *args: str) -> Path | None:
    """``qpdf --encrypt ARGS``; None when qpdf is not installed (the case is then skipped)."""
    if shutil.which("qpdf") is None:
        return None
    subprocess.run(["qpdf", "--allow-weak-crypto", "--encrypt", *args, "--", str(src), str(target)], check=True, capture_output=True)
    return target


# ---------------------------------------------------------------- the corpus

NOT_REPORT = "会议纪要\n今天天气晴朗，大家讨论了食堂菜单和停车位安排。\n下次会议时间另行通知。\n"
SECTION_FIVE = ("五、存在的主要问题及改进情况\n（一）存在的问题。一是信息公开的及时性有待提高，部分栏目更新不够及时。"
                "二是政策解读形式较为单一，图解、视频解读较少。\n（二）改进措施。下一步，我们将加强业务培训，"
                "丰富政策解读形式，及时更新栏目内容。\n")


def named(name: str, build: Callable[[Path], Case]) -> Callable[[Path], Case]:
    """Tag a case builder with its case's name, so a subset can be built without making the rest."""
    build.case_name = name  # type: ignore[attr-defined]
    return build


def _one(name: str, group: str, make: Callable[[Path], Path | None], expect: tuple[int, ...], *extra: str,
         **options: Any) -> Callable[[Path], Case]:
    """A case that extracts one input made by ``make`` in the case folder."""

    def build(folder: Path) -> Case:
        made = make(folder)
        if made is None:
            return Case(name, group, [], expect, skip="qpdf not installed", **options)
        return Case(name, group, ["extract", "--no-classify", str(made.relative_to(folder)), *extra], expect, **options)

    return named(name, build)


def _text(name: str, text: str | bytes) -> Callable[[Path], Path]:
    return lambda folder: _write(folder / name, text)


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


def _link(name: str, target: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        os.symlink(target, folder / name)
        return folder / name

    return make


def _copy(kind: str, seed: int = 7) -> Callable[[Path], Path]:
    return lambda folder: render_any(kind, folder / f"report.{ {'text': 'txt'}.get(kind, kind)}", seed)


def render_any(kind: str, path: Path, seed: int = 7) -> Path:
    r = _report(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "text":
        return _write(path, render_text(r))
    if kind == "html":
        return _write(path, render_html(r))
    if kind == "docx":
        return render_docx(r, path)
    return render_pdf(r, path)


def _derived(kind: str, transform: Callable[[Path, Path], Path | None], name: str) -> Callable[[Path], Path | None]:
    """An input made from a good report of ``kind`` (written beside it as ``base.*``)."""

    def make(folder: Path) -> Path | None:
        base = render_any(kind, folder / "base" / f"base.{ {'text': 'txt'}.get(kind, kind)}")
        return transform(base, folder / name)

    return make


def _truncate(base: Path, target: Path) -> Path:
    data = base.read_bytes()
    return _write(target, data[: len(data) // 2])


def _encoded(encoding: str, bom: bytes = b"", transform: Callable[[str], str] = lambda t: t) -> Callable[[Path, Path], Path]:
    return lambda base, target: _write(target, bom + transform(base.read_text(encoding="utf-8")).encode(encoding))


def _one_line_numbers(n: int) -> str:
    text = render_text(_report())
    head = text.split("三、", 1)[0]
    return head + "三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量 " + " ".join(str(i % 97) for i in range(n)) + "\n"


def _pre_html(base: Path, target: Path) -> Path:
    from html import escape

    return _write(target, f"<html><head><meta charset='utf-8'></head><body><pre>{escape(base.read_text(encoding='utf-8'))}</pre></body></html>")


def _nested_html(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "政府信息公开工作年度报告" + "</div>" * depth + "</body></html>"


def _docx_xxe(base: Path, target: Path) -> Path:
    doctype = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return docx_with(base, target, {"word/document.xml": _document_xml(_para("&x;") + _para("一、总体情况"), doctype)})


def _docx_laughs(base: Path, target: Path) -> Path:
    entities = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return docx_with(base, target, {"word/document.xml": _document_xml(_para("&a9;"), f"<!DOCTYPE w:document [{entities}]>")})


def _docx_big_xml(base: Path, target: Path) -> Path:
    body = _para("一、总体情况" + "本机关依法公开政府信息。" * 40) * 20_000
    return docx_with(base, target, {"word/document.xml": _document_xml(body)})


def _docx_bad_xml(base: Path, target: Path) -> Path:
    return docx_with(base, target, {"word/document.xml": b"<w:document><w:body><w:p>"})


def _docx_picture_bomb(base: Path, target: Path) -> Path:
    """The report with a picture pasted after its first paragraph whose PNG header declares 60 000 ×
    60 000 px: it must be refused by its size, never decoded, and the rest of the file read."""
    from docx import Document as open_docx

    small = io.BytesIO()
    Image.new("L", (600, 300), 255).save(small, format="PNG")
    doc = open_docx(str(base))
    paragraph = doc.add_paragraph()
    paragraph.add_run().add_picture(io.BytesIO(small.getvalue()))
    doc.paragraphs[0]._p.addnext(paragraph._p)
    doc.save(str(target))
    header = small.getvalue()[:16] + struct.pack(">II", 60_000, 60_000) + small.getvalue()[24:]
    with zipfile.ZipFile(target) as made:
        media = next(n for n in made.namelist() if n.startswith("word/media/"))
    return docx_with(target, target.with_name("bomb-" + target.name), {media: header})


def _docx_encrypted(folder: Path) -> Path:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return _write(folder / "locked.docx", head + "EncryptedPackage".encode("utf-16-le") + bytes(2048))


def _zip_not_docx(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/readme.txt", "not a report")
    return _write(folder / "archive.docx", buffer.getvalue())


def _saved_as(kind: str) -> Callable[[Path, Path], Path]:
    """The good .docx saved by LibreOffice as ``kind`` (doc, rtf, odt), as archives keep older reports."""

    def make(base: Path, target: Path) -> Path:
        (made,) = soffice_export([base], base.parent, kind)
        return Path(shutil.copyfile(made, target))

    return make


def _scrambled(saved: Callable[[Path, Path], Path]) -> Callable[[Path, Path], Path]:
    """A saved file whose bytes after the container's first sector are noise (a damaged disk's copy)."""

    def make(base: Path, target: Path) -> Path:
        data = bytearray(saved(base, target).read_bytes())
        noise = random.Random(5).randbytes(min(len(data), 40_000) - 512)
        data[512:512 + len(noise)] = noise
        return _write(target, bytes(data))

    return make


def _saved_page(base: Path, target: Path) -> Path:
    """The good page saved by headless Chromium as one file (MHTML)."""
    from extractor.bench.webcopies import save_mhtml

    return save_mhtml(base, target)


#: a single-file page whose only part is a picture
_MHTML_NO_PAGE = ("MIME-Version: 1.0\nContent-Type: multipart/related; type=\"text/html\"; boundary=\"b\"\n\n"
                  "--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n")


def _odt_bomb(base: Path, target: Path) -> Path:
    """A good .odt with a 3 GB picture of zeros added (a few MB on disk)."""
    saved = _saved_as("odt")(base, target.with_name("plain.odt"))
    return docx_with(saved, target, add_zeros={"Pictures/big.png": 3 << 30})


def _aes(args: list[str]) -> Callable[[Path, Path], Path | None]:
    return lambda base, target: qpdf(base, target, *args)


def _junk_after_eof(base: Path, target: Path) -> Path:
    return _write(target, b"\x00" * 200 + base.read_bytes() + os.urandom(5000))


def _broken_xref(base: Path, target: Path) -> Path:
    data = base.read_bytes()
    cut = data.rfind(b"xref")
    return _write(target, data[:cut] + b"xref\n0 999\ngarbage\n" + data[cut + 40 :])


def _batch_folder(folder: Path) -> Path:
    inputs = folder / "in"
    render_any("text", inputs / "good.txt")
    os.mkfifo(inputs / "pipe.txt")
    os.symlink("loop.txt", inputs / "loop.txt")
    os.symlink("nowhere.txt", inputs / "dangling.txt")
    os.symlink("/dev/zero", inputs / "zero.txt")
    _write(inputs / "empty.txt", b"")
    _write(inputs / "junk.txt", os.urandom(4096))
    return inputs


def _unreadable_batch(folder: Path) -> Case:
    """A file and a folder nobody may read, beside a good report (meaningless as root: skipped)."""
    inputs = folder / "in"
    render_any("text", inputs / "good.txt")
    _write(inputs / "secret.txt", "机密").chmod(0)
    (inputs / "locked").mkdir()
    (inputs / "locked").chmod(0)
    skip = "running as root, which reads every file" if os.geteuid() == 0 else ""
    return Case("batch-unreadable-entries", "batch", ["extract", "in", "--out", "r.jsonl", "--jobs", "1", "--no-classify"], (10,),
                summary=True, skip=skip, verify=jsonl_lines("r.jsonl", 3, {"secret.txt": "input_file", "locked": "input_file"}))


BATCH_ERRORS = {"pipe.txt": "input_file", "loop.txt": "input_file", "dangling.txt": "input_file",
                "zero.txt": "input_file", "empty.txt": "input_file", "junk.txt": "input_file"}


def _load_prepare(folder: Path, done: dict[str, Outcome]) -> None:
    lines = [json.dumps(record(done[name]), ensure_ascii=False).encode("utf-8") for name in ("text-utf8", "text-gbk")]
    _write(folder / "results.jsonl", lines[0] + b"\n" + b'{"bad": "\xff\xfe"}\n' + lines[1] + b"\n")


def _classify_prepare(encoding: str) -> Callable[[Path, dict[str, Outcome]], None]:
    return lambda folder, done: _write(folder / "five.txt", SECTION_FIVE.encode(encoding))


def _classify_same(outcome: Outcome, done: dict[str, Outcome]) -> str | None:
    ref = done.get("classify-utf8")
    if ref is None or ref.code != 0:
        return "reference classify-utf8 did not succeed"
    mine, theirs = json.loads(outcome.stdout), json.loads(ref.stdout)
    if not mine["problems"]:
        return "no problems found"
    same = [p["text"] for p in mine["problems"]] == [p["text"] for p in theirs["problems"]]
    return None if same else "items differ from the UTF-8 text's"


CASES: list[Callable[[Path], Case]] = [
    # text dumps: encodings and shapes
    _one("text-utf8", "text", _copy("text"), (0,), verify=has_tables),
    _one("text-utf8-bom", "text", _derived("text", _encoded("utf-8", b"\xef\xbb\xbf"), "bom.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-gbk", "text", _derived("text", _encoded("gbk"), "gbk.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-gb18030", "text", _derived("text", _encoded("gb18030"), "gb18030.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-utf16le-bom", "text", _derived("text", _encoded("utf-16-le", b"\xff\xfe"), "utf16le.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-utf16be-bom", "text", _derived("text", _encoded("utf-16-be", b"\xfe\xff"), "utf16be.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-crlf", "text", _derived("text", _encoded("utf-8", transform=lambda t: t.replace("\n", "\r\n")), "crlf.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-cr-only", "text", _derived("text", _encoded("utf-8", transform=lambda t: t.replace("\n", "\r")), "cr.txt"), (0,), verify=same_as("text-utf8")),
    _one("text-full-width-digits", "text", _derived("text", _encoded("utf-8", transform=lambda t: signed_at_end(t).translate(FULL_WIDTH)), "fw.txt"), (0,),
         verify=both(published_like("text-utf8"), same_as("text-utf8"))),
    _one("text-no-extension", "text", _derived("text", _encoded("utf-8"), "report"), (0,), verify=same_as("text-utf8")),
    _one("text-chinese-name-spaces", "text", _derived("text", _encoded("utf-8"), "2021年 年度报告 (终稿).txt"), (0,), verify=same_as("text-utf8")),
    _one("text-markdown", "text", _derived("text", _encoded("utf-8"), "report.md"), (0,), verify=same_as("text-utf8")),
    _one("text-one-line", "text", _derived("text", _encoded("utf-8", transform=lambda t: t.replace("\n", " ")), "oneline.txt"), (0, 3), owner="c-template"),
    _one("text-224kb-one-line", "text", _derived("text", _encoded("utf-8", transform=lambda t: (t.replace("\n", " ") * 60)[:75_000]), "long.txt"), (0, 3), owner="c-template"),
    _one("text-80-numbers-one-line", "text", _text("numbers.txt", _one_line_numbers(80)), (0, 3), owner="c-template"),
    _one("text-5mb-prose", "text", _text("big.txt", ("本机关依法依规公开政府信息，做好政策解读工作。\n" * 110_000)), (3,)),
    _one("text-nul-in-middle", "text", _derived("text", _encoded("utf-8", transform=lambda t: t[:5000] + "\x00" + t[5000:]), "nul.txt"), (0, 3)),
    _one("text-binary-junk", "text", _text("junk.txt", os.urandom(65536)), (3,)),
    _one("text-latin1", "text", _text("latin.txt", ("Résumé annuel de l'agence, données à vérifier. " * 50).encode("latin-1")), (3,)),
    _one("text-empty", "text", _text("empty.txt", b""), (3,)),
    _one("text-whitespace", "text", _text("blank.txt", " \n\t\r\n" * 100), (3,)),
    _one("text-not-a-report", "text", _text("minutes.txt", NOT_REPORT), (3,)),
    _one("text-that-is-html", "text", _derived("html", lambda b, t: _write(t, b.read_bytes()), "page.txt"), (0,), verify=has_tables),
    # web pages
    _one("html-utf8", "html", _copy("html"), (0,), verify=has_tables),
    _one("html-gbk", "html", _derived("html", _encoded("gbk", transform=lambda t: t.replace("charset=utf-8", "charset=gbk")), "gbk.html"), (0,),
         verify=same_as("html-utf8")),
    _one("html-truncated", "html", _derived("html", _truncate, "half.html"), (0, 3)),
    _one("html-pre", "html", _derived("text", _pre_html, "pre.html"), (0,), verify=has_tables, owner="e-archive"),
    _one("html-nested-100k", "html", _text("deep.html", _nested_html(100_000)), (3,), owner="e-archive"),
    _one("mhtml", "html", _derived("html", _saved_page, "page.mhtml"), (0,), verify=same_as("html-utf8")),
    _one("mhtml-truncated", "html", _derived("html", lambda b, t: _truncate(_saved_page(b, t), t), "half.mhtml"), (0, 3)),
    _one("mhtml-no-page", "html", _text("pictures.mht", _MHTML_NO_PAGE), (3,)),
    # Word
    _one("docx", "docx", _copy("docx"), (0,), verify=has_tables),
    _one("docx-truncated", "docx", _derived("docx", _truncate, "half.docx"), (3,)),
    _one("docx-bad-xml", "docx", _derived("docx", _docx_bad_xml, "badxml.docx"), (3,)),
    _one("docx-zip-bomb-3gb", "docx", _derived("docx", lambda b, t: docx_with(b, t, add_zeros={"word/media/image1.png": 3 << 30}), "bomb.docx"), (3,)),
    _one("docx-60mb-xml", "docx", _derived("docx", _docx_big_xml, "bigxml.docx"), (3,)),
    _one("docx-20000-parts", "docx", _derived("docx", lambda b, t: docx_with(b, t, extra_members=20_000), "parts.docx"), (3,)),
    _one("docx-xxe", "docx", _derived("docx", _docx_xxe, "xxe.docx"), (0, 3), verify=not_in_stdout("root:")),
    _one("docx-billion-laughs", "docx", _derived("docx", _docx_laughs, "laughs.docx"), (3,)),
    _one("docx-encrypted", "docx", _docx_encrypted, (4,)),
    _one("docx-picture-bomb", "docx", _derived("docx", _docx_picture_bomb, "picture.docx"), (0,), verify=has_tables),
    _one("docx-legacy-doc", "docx", _text("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)), (3,)),
    _one("docx-zip-not-word", "docx", _zip_not_docx, (3,)),
    # word-processor files LibreOffice converts (.doc, RTF, .odt)
    _one("doc", "doc", _derived("docx", _saved_as("doc"), "report.doc"), (0,), verify=same_as("docx")),
    _one("doc-truncated", "doc", _derived("docx", lambda b, t: _truncate(_saved_as("doc")(b, t), t), "half.doc"), (3,)),
    _one("doc-scrambled", "doc", _derived("docx", _scrambled(_saved_as("doc")), "noise.doc"), (3,)),
    _one("rtf", "doc", _derived("docx", _saved_as("rtf"), "report.rtf"), (0,), verify=same_as("docx")),
    _one("rtf-truncated", "doc", _derived("docx", lambda b, t: _truncate(_saved_as("rtf")(b, t), t), "half.rtf"), (0, 3)),
    _one("odt", "doc", _derived("docx", _saved_as("odt"), "report.odt"), (0,), verify=same_as("docx")),
    _one("odt-zip-bomb-3gb", "doc", _derived("docx", _odt_bomb, "bomb.odt"), (3,)),
    # PDF
    _one("pdf", "pdf", _copy("pdf"), (0,), verify=has_tables),
    _one("pdf-aes256-empty-password", "pdf", _derived("pdf", _aes(["", "owner", "256", "--print=none", "--modify=none"]), "aes256.pdf"), (0,),
         verify=same_as("pdf")),
    _one("pdf-aes128-empty-password", "pdf", _derived("pdf", _aes(["", "owner", "128", "--use-aes=y", "--print=none"]), "aes128.pdf"), (0,),
         verify=same_as("pdf")),
    _one("pdf-rc4-empty-password", "pdf", _derived("pdf", _aes(["", "owner", "128", "--use-aes=n", "--print=none"]), "rc4.pdf"), (0,),
         verify=same_as("pdf")),
    _one("pdf-user-password", "pdf", _derived("pdf", _aes(["secret", "owner", "256"]), "locked.pdf"), (4,)),
    _one("pdf-truncated", "pdf", _derived("pdf", _truncate, "half.pdf"), (0, 3)),
    _one("pdf-header-only", "pdf", _text("header.pdf", b"%PDF-1.7\n"), (3,)),
    _one("pdf-junk-around", "pdf", _derived("pdf", _junk_after_eof, "junk.pdf"), (0,), verify=same_as("pdf")),
    _one("pdf-broken-xref", "pdf", _derived("pdf", _broken_xref, "xref.pdf"), (0, 3)),
    _one("pdf-named-txt", "pdf", _derived("pdf", lambda b, t: _write(t, b.read_bytes()), "report.txt"), (0,), verify=same_as("pdf")),
    _one("pdf-image-25000px", "pdf", _text("huge.pdf", image_pdf(25000, 25000)), (3,)),
    _one("pdf-image-12000px", "pdf", _text("big.pdf", image_pdf(12000, 12000)), (3,)),
    _one("pdf-image-at-pixel-limit", "pdf", _text("limit.pdf", image_pdf(14000, 14000)), (3,)),
    _one("pdf-1000-blank-pages", "pdf", _text("blank.pdf", blank_pages_pdf(1000)), (3,)),
    _one("pdf-cyclic-page-tree", "pdf", _text("cycle.pdf", cyclic_pdf()), (3,)),
    # images
    _one("png-truncated", "image", _text("half.png", png_bytes(1240, 1754)[:300]), (3,)),
    _one("png-header-only", "image", _text("head.png", b"\x89PNG\r\n\x1a\n"), (3,)),
    _one("png-tiny", "image", _text("tiny.png", png_bytes(20, 20)), (3,)),
    _one("png-blank-a4", "image", _text("blank.png", png_bytes(1654, 2339)), (3,)),
    _one("png-30000px-bomb", "image", _text("bomb.png", png_bytes(30000, 30000, "1")), (3,)),
    _one("png-rgb-at-pixel-limit", "image", _text("limit.png", png_bytes(14000, 14000, "RGB")), (3,)),
    _one("png-rgb-100mpx", "image", _text("big.png", png_bytes(10000, 10000, "RGB")), (3,)),
    _one("png-a4-400dpi", "image", _text("a4.png", png_bytes(3307, 4677, "RGB")), (3,)),
    _one("tiff-huge-second-frame", "image", lambda f: tiff_with_huge_second_frame(f / "scan.tif"), (3,)),
    _one("tiff-corrupt", "image", _text("bad.tif", b"II*\x00" + os.urandom(3000)), (3,)),
    _one("jpeg-truncated", "image", _text("half.jpg", b"\xff\xd8\xff\xe0" + os.urandom(2000)), (3,)),
    _one("gif-junk", "image", _text("junk.gif", b"GIF89a" + os.urandom(500)), (3,)),
    # the file system
    _one("fifo", "files", _fifo, (3,)),
    _one("dev-zero-link", "files", _link("zero.txt", "/dev/zero"), (3,)),
    _one("symlink-loop", "files", _link("loop.txt", "loop.txt"), (3,)),
    _one("dangling-symlink", "files", _link("gone.txt", "nowhere.txt"), (3,)),
    named("dev-zero", lambda folder: Case("dev-zero", "files", ["extract", "/dev/zero"], (3,))),
    named("missing-file", lambda folder: Case("missing-file", "files", ["extract", "no-such-report.pdf"], (3,))),
    named("folder-without-out", lambda folder: Case("folder-without-out", "files", ["extract", str(_batch_folder(folder).relative_to(folder))], (2,))),
    # output destinations and arguments
    named("out-dir-is-a-file", lambda folder: Case("out-dir-is-a-file", "output", ["extract", str(render_any("text", folder / "r.txt").name), "--out-dir", _write(folder / "notes.txt", "mine").name], (5,))),
    named("out-dir-under-proc", lambda folder: Case("out-dir-under-proc", "output", ["extract", render_any("text", folder / "r.txt").name, "--out-dir", "/proc/nianbao"], (5,))),
    named("out-dir-read-only", lambda folder: Case("out-dir-read-only", "output", ["extract", render_any("text", folder / "r.txt").name, "--out-dir", "/sys/kernel"], (5,))),
    named("stdout-dev-full", lambda folder: Case("stdout-dev-full", "output", ["extract", render_any("text", folder / "r.txt").name], (5,), stdout="/dev/full")),
    named("out-onto-user-text", lambda folder: Case("out-onto-user-text", "output", ["extract", render_any("text", folder / "r.txt").name, "--out", _write(folder / "diary.txt", "第一行\n第二行 no newline").name], (5,))),
    named("out-onto-user-pdf", lambda folder: Case("out-onto-user-pdf", "output", ["extract", render_any("text", folder / "r.txt").name, "--out", render_any("pdf", folder / "mine.pdf").name], (5,))),
    named("out-and-out-dir", lambda folder: Case("out-and-out-dir", "output", ["extract", render_any("text", folder / "r.txt").name, "--out", "a.jsonl", "--out-dir", "o"], (2,), verify=absent("a.jsonl"))),
    named("timeout-negative", lambda folder: Case("timeout-negative", "output", ["extract", render_any("text", folder / "r.txt").name, "--timeout", "-1"], (2,))),
    named("timeout-nan", lambda folder: Case("timeout-nan", "output", ["extract", render_any("text", folder / "r.txt").name, "--out", "r.jsonl", "--timeout", "nan"], (2,), verify=absent("r.jsonl"))),
    named("ocr-engine-bogus", lambda folder: Case("ocr-engine-bogus", "output", ["extract", render_any("text", folder / "r.txt").name, "--ocr-engine", "bogus"], (2,))),
    named("timeout-single-file", lambda folder: Case("timeout-single-file", "output", ["extract", render_any("pdf", folder / "r.pdf").name, "--timeout", "0.2"], (7,))),
    named("umask-027", lambda folder: Case("umask-027", "output", ["extract", render_any("text", folder / "r.txt").name, "--out-dir", "out"], (0,), umask=0o027, verify=file_mode("out/r.json", 0o640))),
    named("umask-002", lambda folder: Case("umask-002", "output", ["extract", render_any("text", folder / "r.txt").name, "--out", "r.jsonl"], (0,), umask=0o002, summary=True, verify=file_mode("r.jsonl", 0o664))),
    # batches, databases, classify
    named("batch-hostile-folder", lambda folder: Case("batch-hostile-folder", "batch", ["extract", str(_batch_folder(folder).relative_to(folder)), "--out", "r.jsonl", "--jobs", "1", "--no-classify"], (10,),
                        summary=True, verify=jsonl_lines("r.jsonl", 7, BATCH_ERRORS))),
    named("batch-unreadable-entries", _unreadable_batch),
    named("load-non-utf8-line", lambda folder: Case("load-non-utf8-line", "db", ["load", "results.jsonl", "--db", "sqlite:///r.db"], (0,), summary=True, prepare=_load_prepare,
                        verify=both(stderr_has("inserted 2"), stderr_has("results.jsonl:2:")))),
    named("export-mistyped-sqlite", lambda folder: Case("export-mistyped-sqlite", "db", ["export", "--db", "sqlite:///typo.db", "--format", "csv", "out"], (3,), verify=both(absent("typo.db"), absent("out")))),
    named("classify-utf8", lambda folder: Case("classify-utf8", "classify", ["classify", "five.txt"], (0,), prepare=_classify_prepare("utf-8"))),
    named("classify-gbk", lambda folder: Case("classify-gbk", "classify", ["classify", "five.txt"], (0,), prepare=_classify_prepare("gbk"), verify=_classify_same)),
]


def build(folder: Path, only: set[str] | None = None) -> list[Case]:
    """Write every case's inputs under ``folder/<n>/`` and return the cases (``only``: by name)."""
    cases = []
    for number, make in enumerate(CASES):
        if only and make.case_name not in only:  # type: ignore[attr-defined]
            continue
        case_dir = folder / f"{number:03d}"
        case_dir.mkdir(parents=True, exist_ok=True)
        case = make(case_dir)
        case.folder = case_dir
        cases.append(case)
    return cases
