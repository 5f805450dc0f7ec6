"""The real-report benchmark's material: truths of the shape the scorer reads, and missing files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.bench.realdocs import FIXTURES, load_docs, main

COLS = ["natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service", "legal_other", "total"]
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [r["name"] for r in MANIFEST["reports"]])
def test_each_truth_holds_three_tables_whose_rows_add_up(name: str) -> None:
    """A slip in reading a value off the page shows as a row or column of table 三 that does not add up."""
    truth = json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))
    assert set(truth) == {"t2", "t3", "t4"} and len(truth["t4"]) == 15
    t3 = truth["t3"]
    assert all(list(row) == COLS and row["total"] == sum(row[c] for c in COLS[:-1]) for row in t3.values())
    results = [k for k in t3 if k not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    for col in COLS:
        assert t3["total_processed"][col] == sum(t3[k][col] for k in results)
        assert t3["new_received"][col] + t3["carried_over"][col] == t3["total_processed"][col] + t3["carried_forward"][col]


def test_missing_files_are_one_line_each_and_nothing_to_score_exits_2(tmp_path: Path, capsys) -> None:
    docs, missing = load_docs(tmp_path)
    assert docs == [] and len(missing) == len(MANIFEST["reports"])
    assert main(["--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == len(MANIFEST["reports"]) + 1 and all(line.startswith("realdocs: ") for line in err)
    assert main(["--dir", str(tmp_path), "--variant", "xerox"]) == 2
