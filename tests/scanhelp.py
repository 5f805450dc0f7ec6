"""Shared by the scan tests: synthetic pages drawn with the project's own renderers."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from extractor.bench.synth import FONT_PATH

DPI = 200


def page_of(pdf_path: Path, *markers: str) -> int:
    """Index of the first page of a text PDF whose text layer (whitespace dropped) holds every marker."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        texts = ["".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    finally:
        pdf.close()
    return next(i for i, text in enumerate(texts) if all(m in text for m in markers))


def text_image(lines: list[str], size: int = 40, width: int = 1400) -> np.ndarray:
    """A white page with lines of text in the WenQuanYi font."""
    font = ImageFont.truetype(FONT_PATH, size)
    img = Image.new("L", (width, 120 + len(lines) * size * 2), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((60, 60 + i * size * 2), line, font=font, fill=0)
    return np.asarray(img).copy()


def ruled_table(rows: list[list[str]], col_w: int = 160, row_h: int = 60, merges: tuple = ()) -> np.ndarray:
    """A ruled table image; ``merges`` are (row, col, rowspan, colspan) whose inner rules are erased."""
    font = ImageFont.truetype(FONT_PATH, 30)
    n_r, n_c = len(rows), len(rows[0])
    x0, y0 = 100, 100
    img = Image.new("L", (x0 * 2 + n_c * col_w, y0 * 2 + n_r * row_h), 255)
    draw = ImageDraw.Draw(img)
    covered = {(r + i, c + j) for r, c, rs, cs in merges for i in range(rs) for j in range(cs) if i or j}
    for r in range(n_r):
        for c in range(n_c):
            if (r, c) in covered:
                continue
            rs, cs = next(((m[2], m[3]) for m in merges if m[:2] == (r, c)), (1, 1))
            box = (x0 + c * col_w, y0 + r * row_h, x0 + (c + cs) * col_w, y0 + (r + rs) * row_h)
            draw.rectangle(box, outline=0, width=2)
            text = rows[r][c]
            tw = draw.textlength(text, font=font)
            draw.text(((box[0] + box[2] - tw) / 2, (box[1] + box[3]) / 2 - 16), text, font=font, fill=0)
    return np.asarray(img).copy()


def save_png(arr: np.ndarray, path: Path, dpi: int = DPI) -> Path:
    Image.fromarray(arr).save(path, dpi=(dpi, dpi))
    return path


def rotated(arr: np.ndarray, angle: float) -> np.ndarray:
    h, w = arr.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(arr, rot, (w, h), borderValue=255)


def printed_in(pdf: Path, index: int, bbox, share: float) -> str:
    """The text a PDF page prints in the middle of ``bbox`` (points, top-left origin), whitespace removed:
    ``share`` of the box's width and height is left out on each side, because a degraded copy's boxes
    are off by a few points and their edges may reach into the next cell's text."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[index]
        h = page.get_height()
        dx, dy = (bbox.x1 - bbox.x0) * share, (bbox.y1 - bbox.y0) * share
        text = page.get_textpage().get_text_bounded(bbox.x0 + dx, h - bbox.y1 + dy, bbox.x1 - dx, h - bbox.y0 - dy)
    finally:
        doc.close()
    return "".join(text.split())


def item_label_cells(pdf: Path, index: int, table, dpi: float) -> list:
    """The grid cells of ``table`` (found on a copy of page ``index`` of ``pdf`` at ``dpi``) in which
    the page's numbered item labels ("3.危及…") start: one per label, each found."""
    from extractor.ingest.pdf import open_pdf

    k = dpi / 72
    printed = open_pdf(pdf).pages[index].words
    items = [w for w in printed if w.text[:1].isdigit() and w.text[1:2] == "." and not w.text[2:3].isdigit()]
    assert len(items) >= 15
    cells = [table.cell_at((w.box.x0 + 6) * k, (w.box.y0 + w.box.y1) / 2 * k) for w in items]
    assert None not in cells
    return cells


def office_table2_copy(folder: Path, variant: str, seed: int = 8) -> tuple[np.ndarray, int]:
    """The page holding only table 二 of a LibreOffice-exported 2019 report (narrow columns whose
    headers stack or run vertically), as one degraded copy ``variant``: the page and its dpi."""
    from extractor.bench.degrade import make_copy
    from extractor.bench.office import build_office_corpus

    item = build_office_corpus(folder, 1, seed, "2019")[0]
    doc = pdfium.PdfDocument(str(item.pdf))
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    number = next(n for n, text in enumerate(texts) if "第二十条第（五）项" in text and "收到和处理" not in text)
    copy = make_copy(item.pdf, variant, item.seed)
    return copy.pages[number], copy.dpi
