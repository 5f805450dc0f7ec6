"""Cell accuracy and seconds per report on a generated corpus of every text-bearing kind.

``python -m extractor.bench text --n 20`` writes the corpus to a temporary folder, extracts each
file on one process and compares every template cell with the generator's truth.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from extractor.api import extract
from extractor.bench.corpus import KINDS, compare_tables, truth_cells, write_corpus
from extractor.errors import NianbaoError
from extractor.record import Report
from extractor.settings import Settings


def score(report: Report, truth: dict[str, Any]) -> tuple[int, list[str]]:
    """Number of truth cells and the keys extracted wrong."""
    wrong = compare_tables(truth, report.tables.model_dump())
    return len(truth_cells(truth)), [key for key, _, _ in wrong]


def run(n: int, kinds: list[str], seed: int) -> list[dict[str, Any]]:
    rows = []
    settings = Settings(classify=False)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        corpus = write_corpus(Path(tmp), n, kinds, seed)
        extract(corpus[0][0], settings)  # warm caches (jieba, spaCy, camelot imports) outside the timing
        for kind in kinds:
            files = [(p, r) for p, r in corpus if p.name.startswith(kind)]
            cells = wrong = failed = 0
            examples: list[str] = []
            started = time.perf_counter()
            for path, synth in files:
                try:
                    report = extract(path, settings)
                except NianbaoError as exc:
                    failed += 1
                    examples.append(f"{path.name}: {exc}")
                    continue
                total, bad = score(report, synth.truth)
                cells, wrong = cells + total, wrong + len(bad)
                examples.extend(f"{path.name}: {k}" for k in bad[:3])
            seconds = (time.perf_counter() - started) / max(len(files), 1)
            rows.append({"kind": kind, "reports": len(files), "failed": failed, "cells": cells,
                         "accuracy": 1 - wrong / cells if cells else 0.0, "s_per_report": seconds,
                         "examples": examples[:8]})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench text")
    parser.add_argument("--n", type=int, default=20, help="reports per kind (formats alternate)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args(argv)
    results = run(args.n, args.kinds.split(","), args.seed)
    print("| kind | reports | failed | cells | cell accuracy | s/report |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['kind']} | {r['reports']} | {r['failed']} | {r['cells']} | {r['accuracy']:.4%} | {r['s_per_report']:.3f} |")
    for r in results:
        for line in r["examples"]:
            print(f"  wrong: {line}")
    return 0
