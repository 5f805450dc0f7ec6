"""Office-PDF benchmark: Word reports exported by LibreOffice → extract → compare with the truth.

    python -m extractor.bench office --n 20 --fmt both
    python -m extractor.bench office --n 20 --fmt both --as doc,rtf,odt

``--as`` picks what is extracted: the exported PDF (default), the .docx itself, or the .docx saved
by LibreOffice as Word 97-2003 (.doc), RTF or OpenDocument text, as archives hold older reports.

A *silent* error is a wrong value whose cell says "read", "corrected" or "inferred" while no failing hard
check names it: the defect a user cannot see. *missing* and *suspect* count cells with that
status, right or wrong (a flagged cell is not an error the user is left alone with).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from extractor.bench.corpus import compare_tables, truth_cells
from extractor.bench.office import CorpusItem, build_office_corpus, soffice_export
from extractor.bench.pictured import pictured
from extractor.errors import NianbaoError
from extractor.record import Report
from extractor.settings import Settings


@dataclass
class OfficeTally:
    reports: int = 0
    failed: int = 0
    cells: int = 0
    wrong: int = 0
    silent: int = 0
    missing: int = 0
    suspect: int = 0
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)

    @property
    def right(self) -> float:
        return 1 - self.wrong / self.cells if self.cells else 0.0


def score(report: Report, truth: dict, tally: OfficeTally, name: str) -> None:
    """Add one report's cells to ``tally``; every wrong cell gets a line naming its status."""
    status = {".".join(p for p in (c.table, c.row, c.col) if p): c.status for c in report.cells}
    failing = {cid for check in report.checks if not check.ok and check.severity == "hard" for cid in check.cells}
    keys = list(truth_cells(truth))
    tally.cells += len(keys)
    tally.missing += sum(status.get(k, "missing") == "missing" for k in keys)
    tally.suspect += sum(status.get(k) == "suspect" for k in keys)
    for key, want, got in compare_tables(truth, report.tables.model_dump()):
        said = status.get(key, "missing")
        silent = said in ("read", "corrected", "inferred") and key not in failing
        tally.wrong += 1
        tally.silent += silent
        tally.lines.append(f"{name}: {key} want {want} got {got} ({'SILENT ' if silent else ''}{said})")


def extract_and_score(pdf: Path, truth: dict, settings: Settings, tally: OfficeTally, name: str) -> None:
    """Extract ``pdf`` (timed) and add its cells to ``tally``; a file the extractor refuses counts as failed."""
    from extractor.api import extract

    started = time.perf_counter()
    try:
        report = extract(pdf, settings)
    except NianbaoError as exc:
        tally.failed += 1
        tally.lines.append(f"{name}: FAILED {exc}")
        return
    finally:
        tally.seconds += time.perf_counter() - started
    tally.reports += 1
    score(report, truth, tally, name)


#: what ``--as`` may name: the corpus's own files, the .docx saved by LibreOffice in another format, or
#: the .docx with its tables pasted as pictures (``bench.pictured``) and that saved as PDF
SAVED_AS = ("pdf", "docx", "doc", "rtf", "odt", "pictured-docx", "pictured-pdf")


def saved_as(items: list[CorpusItem], kind: str) -> list[Path]:
    """The file of each item to extract: its PDF or .docx, or its .docx saved as ``kind`` beside it."""
    if kind in ("pdf", "docx"):
        return [getattr(item, kind) for item in items]
    if kind.startswith("pictured-"):
        folder = items[0].docx.parent / "pictured"
        made = [docx for docx, _ in pictured([item.docx for item in items], [item.seed for item in items], folder)]
        return made if kind == "pictured-docx" else soffice_export(made, folder, "pdf")
    return soffice_export([item.docx for item in items], items[0].docx.parent, kind)


def run(items: list[CorpusItem], tally: OfficeTally, kind: str = "pdf") -> None:
    from extractor.api import extract

    settings = Settings(classify=False)
    files = saved_as(items, kind)
    extract(files[0], settings)  # warm caches outside the timing
    for item, path in zip(items, files):
        extract_and_score(path, item.truth, settings, tally, path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench office", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="reports per format")
    parser.add_argument("--fmt", default="both", choices=["2019", "2021", "both"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    parser.add_argument("--as", dest="kinds", default="pdf",
                        help="what to extract, comma-separated: " + ", ".join(SAVED_AS))
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    if unknown := [k for k in kinds if k not in SAVED_AS]:
        parser.error(f"--as: unknown {', '.join(unknown)} (one of {', '.join(SAVED_AS)})")
    formats = ["2019", "2021"] if args.fmt == "both" else [args.fmt]
    print("| as | format | reports | failed | cells | % right | wrong | silent | missing | suspect | s/report |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    tallies: list[OfficeTally] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        for fmt in formats:
            out = (args.keep or Path(tmp)) / fmt
            items = build_office_corpus(out, args.n, args.seed, fmt)
            for kind in kinds:
                tally = OfficeTally()
                run(items, tally, kind)
                tallies.append(tally)
                per = tally.seconds / max(tally.reports + tally.failed, 1)
                print(f"| {kind} | {fmt} | {tally.reports} | {tally.failed} | {tally.cells} | {tally.right:.4%} "
                      f"| {tally.wrong} | {tally.silent} | {tally.missing} | {tally.suspect} | {per:.2f} |", flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f})")
    for tally in tallies:
        for line in tally.lines:
            print("  ", line)
    return 0 if all(t.silent == 0 and t.failed == 0 for t in tallies) else 1
