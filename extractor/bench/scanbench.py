"""Scan benchmark: seeded reports → degraded image copies → extract → compare with the truth.

    python -m extractor.bench scans --engine rapidocr --n 20 --dpi 200
    python -m extractor.bench scans --source office --variant photo --n 20

``--source synth`` draws reports with our own PDF renderer (the old benchmark, ``--dpi``/``--level``
scans); ``--source office`` writes them as Word files exported by LibreOffice (extractor.bench.office)
and ``--variant`` picks the copy made of them (extractor.bench.degrade). Every truth value is one
cell: *right* (value equal), *missing* (no value), else *wrong*; a *silent* error is a wrong value
whose cell says "read", "corrected" or "inferred" while no failing check names it; *suspect* counts cells the
record itself marks suspect.
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

from extractor.bench.degrade import VARIANTS
from extractor.bench.scans import scan_pages, write_scan
from extractor.bench.synth import random_report, render_pdf
from extractor.record import Report
from extractor.settings import OcrSettings, Settings


@dataclass
class Tally:
    engine: str
    dpi: int
    variant: str = "scan"
    reports: int = 0
    pages: int = 0
    cells: int = 0
    wrong: int = 0
    missing: int = 0
    suspect: int = 0
    silent: int = 0
    flagged: int = 0
    corrected: int = 0
    suspect_right: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    failures: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        d = asdict(self)
        d["right"] = 1 - (self.wrong + self.missing) / self.cells if self.cells else 0.0
        d["accuracy"] = d["right"]
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
        tally.suspect += said == "suspect"
        if got.get(key) == want:
            tally.corrected += said == "corrected"
            tally.suspect_right += said == "suspect"
            continue
        if got.get(key) is None:
            tally.missing += 1
            tally.failures.append(f"{Path(report.source.path).name}:{cid} want {want} got None ({said})")
            continue
        tally.wrong += 1
        silent = said in ("read", "corrected", "inferred") and cid not in failing
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


def run_office(item: Any, variant: str, engine: str, work: Path, tally: Tally) -> None:
    """One office-corpus report through one degraded copy."""
    from extractor.api import extract
    from extractor.bench.degrade import make_copy, write_copy

    copy = make_copy(item.pdf, variant, item.seed, item.report.agency)
    scan = write_copy(copy, work / f"{item.pdf.stem}-{variant}")
    settings = Settings(ocr=OcrSettings(engine=engine, dpi=max(200, copy.dpi)), classify=False)  # type: ignore[arg-type]
    wall, cpu = time.perf_counter(), time.process_time()
    report = extract(scan, settings)
    tally.wall += time.perf_counter() - wall
    tally.cpu += time.process_time() - cpu
    tally.reports += 1
    tally.pages += len(copy.pages)
    score(report, item.truth, tally)


def _summary(row: dict[str, Any], load: float) -> str:
    n = row["cells"] or 1
    return (f"{row['engine']} {row['variant']}: {row['reports']} reports, {row['pages']} pages, {row['cells']} cells: "
            f"right {row['right']:.2%}, wrong {row['wrong'] / n:.2%} ({row['wrong']}), silent {row['silent']}, "
            f"missing {row['missing'] / n:.2%} ({row['missing']}), suspect {row['suspect']} "
            f"(of them right {row['suspect_right']}), corrected {row['corrected']}, "
            f"{row['wall_per_page']:.1f} s/page wall, {row['cpu_per_page']:.1f} s/page CPU (load {load:.1f})")


def report(results: list[dict[str, Any]], json_path: Path | None) -> int:
    """Print each tally's summary and failures, write them as JSON if asked; exit 1 on any silent error
    (a wrong value nothing flagged), the defect a benchmark run must never pass over."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    for row in results:
        print(_summary(row, load))
        for failure in row["failures"]:
            print("  ", failure)
    if json_path:
        json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["silent"] == 0 for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench scans", description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="rapidocr", help="rapidocr | tesseract | auto (comma-separated for several)")
    parser.add_argument("--n", type=int, default=20, help="reports per format")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--level", type=float, default=1.0, help="degradation level (0 clean .. 1 worst)")
    parser.add_argument("--formats", default="2019,2021")
    parser.add_argument("--seed0", type=int, default=0)
    parser.add_argument("--container", default="pdf", choices=["pdf", "tiff"], help="image-only PDF or multi-page TIFF")
    parser.add_argument("--source", default="synth", choices=["synth", "office"],
                        help="synth: our renderer; office: Word files exported by LibreOffice (2019/2021 alternating)")
    parser.add_argument("--variant", default="scan200", help="office source: " + "|".join(VARIANTS))
    parser.add_argument("--json", type=Path, help="write the tallies here")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="nianbao-scans-") as tmp:
        if args.source == "office":
            from extractor.bench.office import build_office_corpus

            items = build_office_corpus(Path(tmp), args.n, args.seed0, "both")
            for engine in args.engine.split(","):
                for variant in args.variant.split(","):
                    tally = Tally(engine=engine, dpi=0, variant=variant)
                    for item in items:
                        run_office(item, variant, engine, Path(tmp), tally)
                        print(json.dumps({k: v for k, v in tally.row().items() if k != "failures"}), flush=True)
                    results.append(tally.row())
        for engine in args.engine.split(",") if args.source == "synth" else []:
            tally = Tally(engine=engine, dpi=args.dpi)
            for fmt in args.formats.split(","):
                for seed in range(args.seed0, args.seed0 + args.n):
                    run_one(seed, fmt, args.dpi, engine, args.level, Path(tmp), tally, args.container)
                    print(json.dumps({k: v for k, v in tally.row().items() if k != "failures"}), flush=True)
            results.append(tally.row())
    return report(results, args.json)
