"""Office-PDF benchmark: Word reports exported by LibreOffice → extract → compare with the truth.

    python -m extractor.bench office --n 20 --fmt both

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
from extractor.bench.office import CorpusItem, build_office_corpus
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


def run(items: list[CorpusItem], tally: OfficeTally) -> None:
    from extractor.api import extract

    settings = Settings(classify=False)
    extract(items[0].pdf, settings)  # warm caches outside the timing
    for item in items:
        extract_and_score(item.pdf, item.truth, settings, tally, item.pdf.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench office", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="reports per format")
    parser.add_argument("--fmt", default="both", choices=["2019", "2021", "both"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    args = parser.parse_args(argv)
    formats = ["2019", "2021"] if args.fmt == "both" else [args.fmt]
    print("| format | reports | failed | cells | % right | wrong | silent | missing | suspect | s/report |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    tallies: list[OfficeTally] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        for fmt in formats:
            out = (args.keep or Path(tmp)) / fmt
            items = build_office_corpus(out, args.n, args.seed, fmt)
            tally = OfficeTally()
            run(items, tally)
            tallies.append(tally)
            per = tally.seconds / max(tally.reports + tally.failed, 1)
            print(f"| {fmt} | {tally.reports} | {tally.failed} | {tally.cells} | {tally.right:.4%} | {tally.wrong} "
                  f"| {tally.silent} | {tally.missing} | {tally.suspect} | {per:.2f} |", flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f})")
    for tally in tallies:
        for line in tally.lines:
            print("  ", line)
    return 0 if all(t.silent == 0 and t.failed == 0 for t in tallies) else 1
