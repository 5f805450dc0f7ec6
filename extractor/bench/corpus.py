"""Write a synthetic corpus (every input kind, both formats) with the truth for each file."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extractor.bench.synth import SynthReport, random_report, render_docx, render_html, render_pdf, render_text

KINDS = ("text", "html", "docx", "pdf")
FORMATS = ("2019", "2021")


def write_one(r: SynthReport, kind: str, out_dir: Path) -> Path:
    """Render ``r`` as ``kind`` into ``out_dir``; HTML alternates UTF-8 and GBK-declared pages."""
    stem = out_dir / f"{kind}_{r.fmt}_{r.seed:05d}"
    if kind == "text":
        path = stem.with_suffix(".txt")
        path.write_text(render_text(r), encoding="utf-8")
    elif kind == "html":
        path = stem.with_suffix(".html")
        charset = "gbk" if r.seed % 2 else "utf-8"
        path.write_bytes(render_html(r, charset=charset, flat=r.seed % 7 == 3).encode("gb18030" if charset == "gbk" else charset))
    elif kind == "docx":
        path = render_docx(r, stem.with_suffix(".docx"))
    elif kind == "pdf":
        path = render_pdf(r, stem.with_suffix(".pdf"))
    else:
        raise ValueError(f"unknown corpus kind {kind!r}; expected one of {KINDS}")
    return path


def write_corpus(out_dir: str | Path, n_per_kind: int, kinds: Iterable[str] = KINDS,
                 seed: int = 0) -> list[tuple[Path, SynthReport]]:
    """``n_per_kind`` reports per kind, formats alternating, seeds ``seed``, ``seed+1``, …"""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, SynthReport]] = []
    for kind in kinds:
        for i in range(n_per_kind):
            r = random_report(seed + i, FORMATS[i % 2])
            written.append((write_one(r, kind, out), r))
    return written


def truth_cells(truth: dict[str, Any]) -> dict[str, float | int]:
    """Every truth value keyed ``t2.<block>.<row>.<col>``, ``t3.<row>.<col>``, ``t4.<col>``."""
    cells: dict[str, float | int] = {}
    for block, rows in truth["t2"].items():
        for row, cols in rows.items():
            cells.update({f"t2.{block}.{row}.{col}": v for col, v in cols.items()})
    for row, cols in truth["t3"].items():
        cells.update({f"t3.{row}.{col}": v for col, v in cols.items()})
    cells.update({f"t4.{col}": v for col, v in truth["t4"].items()})
    return cells


def compare_tables(truth: dict[str, Any], tables: dict[str, Any]) -> list[tuple[str, float | int, Any]]:
    """Cells whose extracted value differs from the truth: (key, expected, got); money to the cent."""
    wrong = []
    for key, expected in truth_cells(truth).items():
        node: Any = tables
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None or not math.isclose(float(node), float(expected), abs_tol=0.005):
            wrong.append((key, expected, node))
    return wrong
