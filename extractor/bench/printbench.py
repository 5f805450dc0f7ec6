"""Printed-page benchmark: generated reports as portal pages in the table styles portals use, printed to
PDF by Chromium (how archivists keep a web page) → extract → compare with the truth.

    python -m extractor.bench prints --seeds 301,302,303
    python -m extractor.bench prints --seeds 301,302,303 --copy scan200

Each style swaps the page's table tag and cell CSS; the print is a text PDF read through camelot's
lattice. ``--copy`` reads the degrader's image copy of each print instead (scan200, fax, photo...:
the paper an archive keeps of a web page), through the image grid. Right, wrong, silent, missing and
suspect as in ``python -m extractor.bench office``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from extractor.bench.officebench import OfficeTally, extract_and_score
from extractor.bench.webcopies import browser, print_page
from extractor.bench.synth import SynthReport, random_report, render_html
from extractor.settings import OcrSettings, Settings

#: name → (table tag, cell CSS): one cell box each (``cellspacing``), with and without padding, at
#: 9 pt, and Chromium's default 2 px spacing (``border=1`` alone)
STYLES: dict[str, tuple[str, str]] = {
    "spacing1-nopad": ('<table border="1" cellspacing="1" cellpadding="0">', ""),
    "spacing1-9pt": ('<table border="1" cellspacing="1">', "td{font-size:9pt}"),
    "spacing1-9pt-nowrap": ('<table border="1" cellspacing="1" cellpadding="0">', "td{font-size:9pt;white-space:nowrap}"),
    "default": ('<table border="1">', ""),
    "default-9pt": ('<table border="1">', "td{font-size:9pt}"),
}


def styled_page(r: SynthReport, table: str, css: str) -> str:
    """``r`` as a portal page whose tables open with ``table`` and whose style sheet is ``css``."""
    html = render_html(r).replace('<table border="1" cellspacing="0">', table)
    return html.replace("<style>td{border:1px solid #000}</style>", f"<style>{css}</style>")


def printed(r: SynthReport, table: str, css: str, out_dir: Path, name: str) -> Path:
    """``styled_page`` written to ``out_dir`` and printed by Chromium; the PDF's path."""
    page = out_dir / f"{name}.html"
    page.write_text(styled_page(r, table, css), encoding="utf-8")
    return print_page(page, out_dir / f"{name}.pdf")


def copied(pdf: Path, variant: str, seed: int) -> tuple[Path, Settings]:
    """The degrader's ``variant`` copy of a print and the settings the scans bench reads such copies by."""
    from extractor.bench.degrade import make_copy, write_copy

    copy = make_copy(pdf, variant, seed)
    path = write_copy(copy, pdf.with_name(f"{pdf.stem}-{variant}"))
    return path, Settings(ocr=OcrSettings(engine="rapidocr", dpi=max(200, copy.dpi)), classify=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench prints", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="301,302,303", help="comma-separated report seeds")
    parser.add_argument("--formats", default="2019,2021")
    parser.add_argument("--styles", default=",".join(STYLES), help="comma-separated: " + "|".join(STYLES))
    parser.add_argument("--copy", default="", help="read this image copy of each print: scan200|scan300|fax|photo|...")
    args = parser.parse_args(argv)
    if browser() is None:
        print("error: no Chromium on PATH to print pages with (scripts/install.sh installs it)", file=sys.stderr)
        return 2
    settings = Settings(classify=False)
    tallies = {style: OfficeTally() for style in args.styles.split(",")}
    with tempfile.TemporaryDirectory(prefix="nianbao-prints-") as tmp:
        for seed in (int(s) for s in args.seeds.split(",")):
            for fmt in args.formats.split(","):
                r = random_report(seed, fmt)  # type: ignore[arg-type]
                for style, tally in tallies.items():
                    name = f"{seed}-{fmt}-{style}"
                    pdf, read_by = printed(r, *STYLES[style], Path(tmp), name), settings
                    if args.copy:
                        pdf, read_by = copied(pdf, args.copy, seed)
                    extract_and_score(pdf, r.truth, read_by, tally, name)
    print("| style | prints | failed | cells | % right | wrong | silent | missing | suspect |")
    print("|---|---|---|---|---|---|---|---|---|")
    for style, t in tallies.items():
        print(f"| {style} | {t.reports} | {t.failed} | {t.cells} | {t.right:.4%} | {t.wrong} | {t.silent} "
              f"| {t.missing} | {t.suspect} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f})")
    for t in tallies.values():
        for line in t.lines:
            print("  ", line)
    return 0 if all(t.silent == 0 and t.failed == 0 for t in tallies.values()) else 1
