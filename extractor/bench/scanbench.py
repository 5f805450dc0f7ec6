"""Scan benchmark: seeded synthetic reports → degraded scans → extract → compare with the truth.

    python -m extractor.bench scans --engine rapidocr --n 20 --dpi 200

Numeric-cell accuracy counts every truth value; a *silent* error is a wrong value whose cell
says "read" or "corrected" while no failing check names it.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extractor.bench.scans import scan_pages, write_scan
from extractor.bench.synth import random_report, render_pdf
from extractor.record import Report
from extractor.settings import OcrSettings, Settings


@dataclass
class Tally:
    engine: str
    dpi: int
    reports: int = 0
    pages: int = 0
    cells: int = 0
    wrong: int = 0
    silent: int = 0
    flagged: int = 0
    corrected: int = 0
    suspect_right: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    failures: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["accuracy"] = 1 - self.wrong / self.cells if self.cells else 0.0
        d["wall_per_page"] = self.wall / self.pages if self.pages else 0.0
        d["cpu_per_page"] = self.cpu / self.pages if self.pages else 0.0
        return d


def _leaves(tree: Any, prefix: str) -> dict[str, Any]:
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(_leaves(value, f"{prefix}.{key}"))
        return out
    return {prefix: tree}


def score(report: Report, truth: dict[str, Any], tally: Tally) -> None:
    """Add one report's cell counts to ``tally``."""
    got = _leaves(report.tables.model_dump(), "")
    status = {".".join(p for p in (c.table, c.row, c.col) if p): c.status for c in report.cells}
    failing = {cell for check in report.checks if not check.ok for cell in check.cells}
    for key, want in _leaves(truth, "").items():
        tally.cells += 1
        cid = key.lstrip(".")
        said = status.get(cid, "missing")
        if got.get(key) == want:
            tally.corrected += said == "corrected"
            tally.suspect_right += said == "suspect"
            continue
        tally.wrong += 1
        silent = said in ("read", "corrected") and cid not in failing
        tally.silent += silent
        tally.flagged += not silent
        tally.failures.append(f"{Path(report.source.path).name}:{cid} want {want} got {got.get(key)} "
                              f"({'silent' if silent else said})")


def run_one(seed: int, fmt: str, dpi: int, engine: str, level: float, work: Path, tally: Tally,
            container: str = "pdf") -> None:
    from extractor.api import extract

    r = random_report(seed, fmt)  # type: ignore[arg-type]
    clean = render_pdf(r, work / f"{fmt}-{seed}.pdf")
    pages = scan_pages(clean, dpi, seed, level)
    scan = write_scan(pages, work / f"{fmt}-{seed}-scan.{container}", dpi)
    settings = Settings(ocr=OcrSettings(engine=engine, dpi=dpi), classify=False)  # type: ignore[arg-type]
    wall, cpu = time.perf_counter(), time.process_time()
    report = extract(scan, settings)
    tally.wall += time.perf_counter() - wall
    tally.cpu += time.process_time() - cpu
    tally.reports += 1
    tally.pages += len(pages)
    score(report, r.truth, tally)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench scans", description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="rapidocr", help="rapidocr | tesseract | auto (comma-separated for several)")
    parser.add_argument("--n", type=int, default=20, help="reports per format")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--level", type=float, default=1.0, help="degradation level (0 clean .. 1 worst)")
    parser.add_argument("--formats", default="2019,2021")
    parser.add_argument("--seed0", type=int, default=0)
    parser.add_argument("--container", default="pdf", choices=["pdf", "tiff"], help="image-only PDF or multi-page TIFF")
    parser.add_argument("--json", type=Path, help="write the tallies here")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="nianbao-scans-") as tmp:
        for engine in args.engine.split(","):
            tally = Tally(engine=engine, dpi=args.dpi)
            for fmt in args.formats.split(","):
                for seed in range(args.seed0, args.seed0 + args.n):
                    run_one(seed, fmt, args.dpi, engine, args.level, Path(tmp), tally, args.container)
                    print(json.dumps({k: v for k, v in tally.row().items() if k != "failures"}), flush=True)
            results.append(tally.row())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    for row in results:
        print(f"{row['engine']}: {row['reports']} reports, {row['pages']} pages, accuracy {row['accuracy']:.4%}, "
              f"wrong {row['wrong']}, silent {row['silent']}, corrected {row['corrected']}, "
              f"suspect-but-right {row['suspect_right']}, {row['wall_per_page']:.1f} s/page wall, "
              f"{row['cpu_per_page']:.1f} s/page CPU (load {load:.1f})")
        for failure in row["failures"]:
            print("  ", failure)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["silent"] == 0 for r in results) else 1
