"""A scanned copy of a generated report with one table page damaged, as review tests and the demo need."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from extractor.record import Cell, Report
from extractor.review.apply import cell_key

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DPI = 200


def _covered(report: Report) -> set[str]:
    return {k for c in report.checks if c.ok and c.severity == "hard" and c.rule != "NONNEG_INT" for k in c.cells}


def damage_target(report: Report) -> Cell:
    """A t3 cell that rules cover, holding a number of one or two digits."""
    covered = _covered(report)
    return next(c for c in report.cells if c.table == "t3" and cell_key(c) in covered and c.bbox
                and isinstance(c.value, int) and 1 <= c.value < 90)


def scanned_with_damage(pdf: Path, report: Report, out: Path) -> tuple[str, int]:
    """``pdf`` with the page of the damaged cell replaced by a 200-dpi scan whose digits were changed.

    Returns the damaged cell's id and the value now printed there.
    """
    cell = damage_target(report)
    printed = cell.value + 5
    doc = pdfium.PdfDocument(pdf)
    k = DPI / 72.0
    image = doc[cell.page - 1].render(scale=k).to_pil().convert("L")
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = (v * k for v in cell.bbox)
    draw.rectangle((x0 + 4, y0 + 4, x1 - 4, y1 - 4), fill=255)
    font = ImageFont.truetype(FONT, int((y1 - y0) * 0.55))
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), str(printed), fill=0, font=font, anchor="mm")
    scan_page = out.with_suffix(".page.pdf")
    image.save(scan_page, resolution=DPI)
    merged = pdfium.PdfDocument.new()
    scanned = pdfium.PdfDocument(scan_page)
    for number in range(1, len(doc) + 1):
        source, index = (scanned, 0) if number == cell.page else (doc, number - 1)
        merged.import_pages(source, [index])
    merged.save(out)
    for d in (merged, scanned, doc):
        d.close()
    scan_page.unlink()
    return cell_key(cell), printed
