"""The real-report benchmark's material: truths of the shape the scorer reads, and missing files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.bench.realdocs import FIXTURES, load_docs, main

COLS = ["natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service", "legal_other", "total"]
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))


T4 = {f"{group}_{col}" for group in ("review", "lit_direct", "lit_after_review")
      for col in ("maintain", "correct", "other", "pending", "total")}


@pytest.mark.parametrize("name", [r["name"] for r in MANIFEST["reports"]])
def test_each_truth_holds_three_tables_whose_rows_add_up(name: str) -> None:
    """A slip in reading a value off the page shows as a row or column of table 三 that does not add up
    (a cell the page prints blank has no truth and adds nothing; a column printed blank in every
    result row, as 上海 2019's 总计, is not summed)."""
    truth = json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))
    assert set(truth) == {"t2", "t3", "t4"} and set(truth["t4"]) <= T4 and truth["t4"]
    t3 = truth["t3"]
    assert all(set(row) <= set(COLS) for row in t3.values())
    assert all(row["total"] == sum(row.get(c, 0) for c in COLS[:-1]) for row in t3.values() if "total" in row)
    results = [k for k in t3 if k not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    for col in COLS:
        if col in t3["total_processed"] and any(col in t3[k] for k in results):
            assert t3["total_processed"][col] == sum(t3[k].get(col, 0) for k in results)
        if col in t3["carried_forward"]:
            balance = t3["new_received"].get(col, 0) + t3["carried_over"].get(col, 0)
            assert balance == t3["total_processed"].get(col, 0) + t3["carried_forward"][col]


def test_missing_files_are_one_line_each_and_nothing_to_score_exits_2(tmp_path: Path, capsys) -> None:
    """Reports downloaded into DIR are missing from an empty one (a page kept in this repository is not)."""
    downloaded = [r["name"] for r in MANIFEST["reports"] if "file" not in r]
    docs, missing = load_docs(tmp_path)
    assert {d.name for d in docs} == {r["name"] for r in MANIFEST["reports"]} - set(downloaded)
    assert len(missing) == len(downloaded) and all(d.page for d in docs)
    assert main(["--dir", str(tmp_path), "--only", ",".join(downloaded)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == len(missing) + 1 and all(line.startswith("realdocs: ") for line in err)
    assert main(["--dir", str(tmp_path), "--variant", "xerox"]) == 2
