"""A folder of mixed inputs for bulk runs: generated reports of every kind plus files that must fail.

``write_mixed(out_dir, n, seed)`` is what the batch tests and ``batchbench`` feed to ``nianbao
extract``: about four in five files are reports (text, HTML, DOCX, text PDF, optionally scanned
PDF), the rest are corrupt, empty, encrypted or not reports at all, spread over sub-folders.
"""

from __future__ import annotations

import random
from pathlib import Path

from extractor.bench.synth import random_report, render_docx, render_html, render_pdf, render_text

REPORT_KINDS = ("text", "html", "docx", "pdf")
BROKEN_KINDS = ("corrupt", "empty", "encrypted", "not_report", "binary")
NOT_REPORT_TEXT = "会议纪要\n今天天气晴朗，大家讨论了食堂菜单和停车位安排。\n下次会议时间另行通知。\n"


def render_report(kind: str, seed: int, path: Path) -> Path:
    r = random_report(seed, "2019" if seed % 3 == 0 else "2021")
    if kind == "text":
        path.write_text(render_text(r), encoding="utf-8")
    elif kind == "html":
        path.write_text(render_html(r), encoding="utf-8")
    elif kind == "docx":
        render_docx(r, path)
    elif kind == "pdf":
        render_pdf(r, path)
    elif kind == "scan":
        _scan(r, path)
    return path


def _scan(r: object, path: Path, dpi: int = 150) -> None:
    """A text PDF rasterised to an image-only PDF: what a scanner would produce."""
    import pypdfium2 as pdfium

    text_pdf = path.with_suffix(".src.pdf")
    render_pdf(r, text_pdf)  # type: ignore[arg-type]
    pdf = pdfium.PdfDocument(str(text_pdf))
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in pdf]
    pdf.close()
    text_pdf.unlink()
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])


def _broken(kind: str, seed: int, path: Path, sample_pdf: Path) -> Path:
    rng = random.Random(seed)
    if kind == "corrupt":
        data = sample_pdf.read_bytes()
        path.write_bytes(data[: rng.randint(len(data) // 4, len(data) // 2)])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "encrypted":
        _encrypted_pdf(path)
    elif kind == "not_report":
        path.write_text(NOT_REPORT_TEXT * rng.randint(1, 3), encoding="utf-8")
    elif kind == "binary":
        path.write_bytes(rng.randbytes(4096))
    return path


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), encrypt="secret")
    canvas.drawString(72, 720, "locked")
    canvas.save()


SUFFIX = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf", "scan": ".pdf",
           "corrupt": ".pdf", "empty": ".pdf", "encrypted": ".pdf", "not_report": ".txt", "binary": ".doc"}


def write_mixed(out_dir: Path, n: int, seed: int = 0, scans: int = 0) -> dict[str, str]:
    """``n`` files under ``out_dir`` (``scans`` of them scanned PDFs); returns {path: kind written}."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    sample = render_report("pdf", seed, out_dir / "_sample.pdf")
    n_broken = max(len(BROKEN_KINDS), n // 5)
    kinds = [BROKEN_KINDS[i % len(BROKEN_KINDS)] for i in range(n_broken)] + ["scan"] * scans
    kinds += [REPORT_KINDS[i % len(REPORT_KINDS)] for i in range(n - len(kinds))]
    rng.shuffle(kinds)
    made: dict[str, str] = {}
    for i, kind in enumerate(kinds):
        folder = out_dir / f"batch{i % 4}"
        folder.mkdir(exist_ok=True)
        path = folder / f"{i:04d}_{kind}{SUFFIX[kind]}"
        if kind in BROKEN_KINDS:
            _broken(kind, seed + i, path, sample)
        else:
            render_report(kind, seed + i, path)
        made[str(path)] = kind
    sample.unlink()
    return made
