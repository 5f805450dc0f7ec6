"""Cell accuracy and seconds per report on a generated corpus of every text-bearing kind.

``python -m extractor.bench text --n 20`` writes the corpus to a temporary folder, extracts each
file on one process and compares every template cell with the generator's truth.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractor.api import extract
from extractor.bench.corpus import KINDS, write_corpus
from extractor.errors import NianbaoError
from extractor.record import Report
from extractor.settings import Settings


def truth_cells(truth: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(table.row.col key, value) for every cell of the truth tables."""
    for col, value in truth["t4"].items():
        yield f"t4.{col}", value
    for row, cols in truth["t3"].items():
        for col, value in cols.items():
            yield f"t3.{row}.{col}", value
    for block, rows in truth["t2"].items():
        for row, cols in rows.items():
            for col, value in cols.items():
                yield f"t2.{block}.{row}.{col}", value


def report_value(report: Report, key: str) -> Any:
    parts = key.split(".")
    tables = report.tables
    if parts[0] == "t4":
        return tables.t4.get(parts[1])
    if parts[0] == "t3":
        return tables.t3.get(parts[1], {}).get(parts[2])
    return tables.t2.get(parts[1], {}).get(parts[2], {}).get(parts[3])


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=0.005)


def score(report: Report, truth: dict[str, Any]) -> tuple[int, list[str]]:
    """Number of truth cells and the keys extracted wrong."""
    keys = list(truth_cells(truth))
    return len(keys), [k for k, v in keys if not same(report_value(report, k), v)]


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
