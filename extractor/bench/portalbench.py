"""Metadata, format, section-五 items and table cells on portal gold pages: ``python -m extractor.bench.portalbench DIR``.

DIR holds the pages and ``gold.json`` (tests/fixtures/portal: modelled pages, items as counts;
tests/fixtures/realpages: real archived pages, items as verbatim snippets with their kind). One line
per page, then the share right per field, items found and kind right, legacy key figures
(real pages) and table cells.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from extractor.api import extract
from extractor.errors import NianbaoError
from extractor.record import Report
from extractor.settings import Settings

FIELDS = ("agency", "year", "published", "published_source", "format")


@dataclass
class Tally:
    """Running totals over the pages."""

    pages: int = 0
    item_pages: int = 0
    count_right: int = 0
    gold_items: int = 0
    found: int = 0
    kind_right: int = 0
    gold_cells: int = 0
    cells_right: int = 0
    cells_wrong_read: int = 0
    gold_facts: int = 0
    facts_right: int = 0
    facts_wrong: int = 0


def _flat(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def item_matches(report: Report, expected: dict) -> tuple[int, int]:
    """(found, kind right) for the gold snippets: each extracted item counts for the first snippet it holds."""
    extracted = [(_flat(p.text), "problems") for p in report.problems]
    extracted += [(_flat(i.text), "improvements") for i in report.improvements]
    gold = [(_flat(s), kind) for kind in ("problems", "improvements") for s in expected[kind]]
    used: set[int] = set()
    found = kind_right = 0
    for snippet, kind in gold:
        hit = next((i for i, (text, _) in enumerate(extracted) if snippet in text and i not in used), None)
        if hit is None:
            continue
        used.add(hit)
        found += 1
        kind_right += extracted[hit][1] == kind
    return found, kind_right


def cell_marks(report: Report, expected: dict[str, float]) -> tuple[int, int]:
    """(right, wrong but status read or inferred) over the gold cells ("t4/review_total" or "t3/row/col": value)."""
    cells = {"/".join(p for p in (c.table, c.row, c.col) if p): c for c in report.cells}
    right = wrong = 0
    for key, value in expected.items():
        cell = cells.get(key)
        if cell is not None and cell.value == value:
            right += 1
        elif cell is not None and cell.value is not None and cell.status in ("read", "inferred"):
            wrong += 1
    return right, wrong


def _page(report: Report, expected: dict, tally: Tally) -> str:
    """The page's marks (✗ where a field is wrong), items found and cells; adds to the tally."""
    meta = report.metadata.model_dump()
    marks = [f"{f}={meta[f]}{'' if meta[f] == expected[f] else ' ✗'}" for f in FIELDS]
    counts = (len(report.problems), len(report.improvements))
    if expected.get("holdout"):
        marks.append(f"items={counts} (held out)")
    elif isinstance(expected["problems"], int):
        tally.item_pages += 1
        tally.count_right += counts == (expected["problems"], expected["improvements"])
        marks.append(f"items={counts}")
    else:
        found, kind = item_matches(report, expected)
        tally.item_pages += 1
        tally.gold_items += len(expected["problems"]) + len(expected["improvements"])
        tally.found += found
        tally.kind_right += kind
        marks.append(f"items={counts} found {found}/{len(expected['problems']) + len(expected['improvements'])}")
    if "facts" in expected:
        read = {f.key: f.value for f in (report.legacy.facts if report.legacy else [])}
        right = sum(read.get(k) == v for k, v in expected["facts"].items())
        wrong = sum(expected["facts"].get(k) != v for k, v in read.items())
        tally.gold_facts += len(expected["facts"])
        tally.facts_right += right
        tally.facts_wrong += wrong
        marks.append(f"facts {right}/{len(expected['facts'])} wrong {wrong}")
    if "table_cells" in expected:
        right, wrong = cell_marks(report, expected["table_cells"])
        tally.gold_cells += len(expected["table_cells"])
        tally.cells_right += right
        tally.cells_wrong_read += wrong
        marks.append(f"cells {right}/{len(expected['table_cells'])} wrong-read {wrong}")
    return "\t".join(marks)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m extractor.bench.portalbench DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))["pages"]
    right = dict.fromkeys(FIELDS, 0)
    tally = Tally()
    for name, expected in sorted(gold.items()):
        start = time.perf_counter()
        tally.pages += 1
        try:
            report = extract(root / name, Settings(classify=False))
        except NianbaoError as exc:
            print(f"{name}\terror: {exc}")
            continue
        for field in FIELDS:
            right[field] += report.metadata.model_dump()[field] == expected[field]
        print(f"{name}\t{time.perf_counter() - start:.2f}s\t" + _page(report, expected, tally))
    line = "right: " + ", ".join(f"{f} {v}/{tally.pages}" for f, v in right.items())
    if tally.gold_items:
        line += (f", items found {tally.found}/{tally.gold_items} ({tally.found / tally.gold_items:.1%}),"
                 f" kind right {tally.kind_right}/{tally.found or 1} ({tally.kind_right / (tally.found or 1):.1%})"
                 f" on {tally.item_pages} pages")
    else:
        line += f", items {tally.count_right}/{tally.item_pages}"
    if tally.gold_facts:
        line += f", legacy key figures {tally.facts_right}/{tally.gold_facts}, wrong {tally.facts_wrong}"
    if tally.gold_cells:
        line += f", cells {tally.cells_right}/{tally.gold_cells}, wrong cells read {tally.cells_wrong_read}"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
