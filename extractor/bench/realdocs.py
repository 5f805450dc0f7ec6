"""Real reports, as published and as image copies: ``python -m extractor.bench realdocs --dir DIR``.

    python -m extractor.bench realdocs --dir ~/.cache/nianbao/realdocs --variant as-is,scan200,fax

Every other scan/fax figure comes from reports our own generator drew; here the layout, fonts, column
widths and labels are an agency's. The reports and their truth are listed in
tests/fixtures/realdocs/manifest.json (scripts/fetch-realdocs.sh downloads them into DIR; a report
whose page is in this repository is read from there). ``as-is`` reads the published file (a PDF or a
portal page); ``printed`` is a page printed to PDF by Chromium, as a reader saves it; ``saved`` a page
saved by Chromium as one file (MHTML, "save page as, single file"), as web archives keep it; every other
variant is the copy our degrader makes of the PDF (of the printed page for a portal page)
(extractor.bench.degrade.make_copy, the scans benchmark's own), scored by the scans benchmark's own
``score`` into one ``Tally`` per variant. A file missing from DIR is one line on stderr and skipped;
the exit is 2 when nothing could be scored, 1 when a variant has a silent error, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.bench.degrade import VARIANTS
from extractor.bench.scanbench import Tally, report, score
from extractor.bench.webcopies import print_page, save_mhtml
from extractor.settings import OcrSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "realdocs"
AS_IS = "as-is"
PRINTED = "printed"
#: a portal page saved by Chromium as one file (MHTML)
SAVED = "saved"


@dataclass(frozen=True, slots=True)
class RealDoc:
    """One real report: where its file is (a PDF or a portal page), its truth and the agency that
    issued it (for the seal)."""

    name: str
    path: Path
    truth: dict[str, Any]
    agency: str

    @property
    def page(self) -> bool:
        """A portal page (HTML), read as served and printed to PDF for the image copies."""
        return self.path.suffix.lower() in (".html", ".htm")


def load_docs(directory: Path, fixtures: Path = FIXTURES) -> tuple[list[RealDoc], list[str]]:
    """The manifest's reports whose file is in ``directory`` (or, for a ``file`` entry, in this
    repository), and one line per report that is not."""
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))
    docs, missing = [], []
    for entry in manifest["reports"]:
        path = ROOT / entry["file"] if "file" in entry else directory / f"{entry['name']}.{entry.get('format', 'pdf')}"
        if not path.is_file():
            how = (f"run scripts/fetch-realdocs.sh {directory}" if entry.get("repo")
                   else f"not downloadable: {entry['source']}")
            missing.append(f"realdocs: {entry['name']}: no {path} ({how})")
            continue
        truth = json.loads((fixtures / f"{entry['name']}.truth.json").read_text(encoding="utf-8"))
        agency = entry["title"].split("20")[0]
        docs.append(RealDoc(entry["name"], path, truth, agency))
    return docs, missing


def _read(doc: RealDoc, variant: str, seed: int, engine: str, work: Path) -> tuple[Path, Settings, int]:
    """The file to extract for ``variant``, the settings to read it with and its page count."""
    import pypdfium2 as pdfium

    text = Settings(ocr=OcrSettings(engine=engine), classify=False)  # type: ignore[arg-type]
    if variant == AS_IS:
        return doc.path, text, 1 if doc.page else len(pdfium.PdfDocument(str(doc.path)))
    if variant == SAVED:
        return save_mhtml(doc.path, work / f"{doc.name}-{SAVED}.mhtml"), text, 1
    pdf = print_page(doc.path, work / f"{doc.name}-{PRINTED}.pdf") if doc.page else doc.path
    if variant == PRINTED:
        return pdf, text, len(pdfium.PdfDocument(str(pdf)))
    from extractor.bench.degrade import make_copy, write_copy

    copy = make_copy(pdf, variant, seed, doc.agency)
    path = write_copy(copy, work / f"{doc.name}-{variant}")
    settings = Settings(ocr=OcrSettings(engine=engine, dpi=max(200, copy.dpi)), classify=False)  # type: ignore[arg-type]
    return path, settings, len(copy.pages)


def run_one(doc: RealDoc, variant: str, seed: int, engine: str, work: Path, tally: Tally) -> None:
    """Extract one report in one variant and add its cells to ``tally``."""
    from extractor.api import extract

    path, settings, pages = _read(doc, variant, seed, engine, work)
    wall, cpu = time.perf_counter(), time.process_time()
    report = extract(path, settings)
    tally.wall += time.perf_counter() - wall
    tally.cpu += time.process_time() - cpu
    tally.reports += 1
    tally.pages += pages
    before = len(tally.failures)
    score(report, doc.truth, tally)
    for i in range(before, len(tally.failures)):
        tally.failures[i] = f"{doc.name}/{variant}: {tally.failures[i].split(':', 1)[1].lstrip()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench realdocs", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="folder the real reports were fetched into")
    parser.add_argument("--variant", default=AS_IS,
                        help=f"comma-separated: {AS_IS}|{PRINTED}|{SAVED}|" + "|".join(VARIANTS))
    parser.add_argument("--engine", default="rapidocr", help="OCR engine for the image copies")
    parser.add_argument("--seed", type=int, default=0, help="degrader seed (report i uses seed + i)")
    parser.add_argument("--only", default="", help="comma-separated report names (default: all in the manifest)")
    parser.add_argument("--json", type=Path, help="write the tallies here")
    args = parser.parse_args(argv)
    variants = [v for v in args.variant.split(",") if v]
    unknown = [v for v in variants if v not in (AS_IS, PRINTED, SAVED) and v not in VARIANTS]
    if unknown:
        print(f"realdocs: unknown variant {', '.join(unknown)}; one of {AS_IS}, {PRINTED}, {SAVED}, "
              f"{', '.join(VARIANTS)}", file=sys.stderr)
        return 2
    docs, missing = load_docs(args.dir)
    if args.only:
        docs = [d for d in docs if d.name in args.only.split(",")]
    for line in missing:
        print(line, file=sys.stderr)
    if not docs:
        print(f"realdocs: no report to score in {args.dir}", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="nianbao-realdocs-") as tmp:
        for variant in variants:
            tally = Tally(engine=args.engine if variant not in (AS_IS, PRINTED, SAVED) else "text", dpi=0,
                          variant=variant)
            for i, doc in enumerate(docs):
                if variant in (PRINTED, SAVED) and not doc.page:
                    continue
                try:
                    run_one(doc, variant, args.seed + i, args.engine, Path(tmp), tally)
                except RuntimeError as exc:
                    print(f"realdocs: {doc.name}/{variant}: {exc}", file=sys.stderr)
                    continue
                print(json.dumps({k: v for k, v in tally.row().items() if k != "failures"}), flush=True)
            results.append(tally.row())
    return report(results, args.json)
