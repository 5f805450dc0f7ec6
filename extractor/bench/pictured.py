"""Word files whose tables a clerk pasted as pictures, and the PDF Word's "save as" makes of them.

Each table of an office corpus report is laid out alone by LibreOffice (the report's own page,
fonts and widths), drawn at a screenshot's resolution and cut to its ink; the report's Word file
then shows those pictures where the table stood: one per page part of a table the page broke, or
(seed's choice) one tall picture of the whole table, scaled into the page as Word scales a paste.
The data is our generator's, the layout LibreOffice's, the pictures pixels: what the extractor
reads is what an agency's file holds, a text layer everywhere but in the tables.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from extractor.bench.office import soffice_export

SCREEN_DPI = (110, 140, 180)  # a screenshot at 100-160 % zoom, or a picture exported from Excel
TALL_PAGE_CM = 200.0  # a page no table fills: the table laid out whole, for one tall picture
INK_GREY = 200  # darker than this is ink when cutting a picture to its content
MARGIN_PX = 6
JPEG_QUALITY = 85


@dataclass(frozen=True, slots=True)
class Pasting:
    """How one report's tables were pasted: at what resolution, whole or by page part, as PNG or JPEG."""

    dpi: int
    whole: bool
    jpeg: bool

    @classmethod
    def random(cls, seed: int) -> Pasting:
        rng = random.Random(f"pictured-{seed}")
        return cls(rng.choice(SCREEN_DPI), rng.random() < 0.5, rng.random() < 0.3)


def _body_without_tables(doc: Any, keep: Any) -> None:
    """Everything of the body but ``keep`` (and the section properties) removed, and the footer's page
    number dropped: the page then shows the table alone."""
    body = doc.element.body
    for child in list(body.iterchildren()):
        if child is not keep and not child.tag.endswith("}sectPr"):
            body.remove(child)
    for section in doc.sections:
        for paragraph in section.footer.paragraphs:
            paragraph._p.getparent().remove(paragraph._p)


def _alone(docx: Path, out_dir: Path, whole: bool) -> list[Path]:
    """One Word file per table of ``docx``, holding that table alone (a tall page when ``whole``)."""
    from docx import Document as open_docx
    from docx.shared import Cm

    count = len(open_docx(str(docx)).tables)
    made = []
    for index in range(count):
        doc = open_docx(str(docx))
        _body_without_tables(doc, doc.tables[index]._tbl)
        if whole:
            doc.sections[0].page_height = Cm(TALL_PAGE_CM)
        path = out_dir / f"{docx.stem}-table{index + 1}.docx"
        doc.save(str(path))
        made.append(path)
    return made


def _cut(page: np.ndarray) -> np.ndarray | None:
    """The page cut to its ink with a small margin; None for a page with none."""
    ink = page.min(axis=2) < INK_GREY if page.ndim == 3 else page < INK_GREY
    ys, xs = np.nonzero(ink)
    if not len(ys):
        return None
    top, bottom = max(0, ys.min() - MARGIN_PX), min(page.shape[0], ys.max() + MARGIN_PX + 1)
    left, right = max(0, xs.min() - MARGIN_PX), min(page.shape[1], xs.max() + MARGIN_PX + 1)
    return page[top:bottom, left:right]


def _screenshots(pdf: Path, pasting: Pasting, stem: str) -> list[Path]:
    """Each page of a table laid out alone, drawn at the pasting's resolution and cut to its ink."""
    shots = []
    for number, page in enumerate(pdfium.PdfDocument(str(pdf)), start=1):
        cut = _cut(page.render(scale=pasting.dpi / 72).to_numpy())
        if cut is None:
            continue
        path = pdf.parent / f"{stem}-p{number}.{'jpg' if pasting.jpeg else 'png'}"
        picture = Image.fromarray(cut).convert("RGB")
        if pasting.jpeg:
            picture.save(path, quality=JPEG_QUALITY)
        else:
            picture.save(path)
        shots.append(path)
    return shots


def _paste(docx: Path, shots: list[list[Path]], dpi: int, out: Path) -> Path:
    """``docx`` with each table replaced by paragraphs holding its pictures, each at its own size (a
    paste at 100 %), shrunk into the text width and height as Word shrinks one."""
    from docx import Document as open_docx
    from docx.shared import Emu

    doc = open_docx(str(docx))
    section = doc.sections[0]
    room_w = section.page_width - section.left_margin - section.right_margin
    room_h = section.page_height - section.top_margin - section.bottom_margin - Emu(914400 // 2)
    for table, pictures in zip(list(doc.tables), shots):
        for picture in pictures:
            with Image.open(picture) as img:
                width, height = (Emu(int(v / dpi * 914400)) for v in img.size)
            scale = min(1.0, room_w / width, room_h / height)
            paragraph = doc.add_paragraph()
            paragraph.add_run().add_picture(str(picture), width=Emu(int(width * scale)), height=Emu(int(height * scale)))
            table._tbl.addprevious(paragraph._p)
        table._tbl.getparent().remove(table._tbl)
    doc.save(str(out))
    return out


def pictured(docx_files: list[Path], seeds: list[int], out_dir: Path) -> list[tuple[Path, Pasting]]:
    """Each Word file with its tables pasted as pictures (``Pasting.random(seed)``), written to
    ``out_dir`` as ``<stem>-pictured.docx``; two LibreOffice runs for the whole set."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pastings = [Pasting.random(seed) for seed in seeds]
    alone = [_alone(docx, out_dir, pasting.whole) for docx, pasting in zip(docx_files, pastings)]
    pdfs = soffice_export([p for tables in alone for p in tables], out_dir)
    made, at = [], 0
    for docx, pasting, tables in zip(docx_files, pastings, alone):
        shots = [_screenshots(pdf, pasting, pdf.stem) for pdf in pdfs[at:at + len(tables)]]
        at += len(tables)
        made.append((_paste(docx, shots, pasting.dpi, out_dir / f"{docx.stem}-pictured.docx"), pasting))
    return made
