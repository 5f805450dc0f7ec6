"""Training is reproducible and the CLI writes the extract-shaped structure for text input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.classify.train import train
from extractor.cli import app

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_training_twice_gives_identical_metrics(tmp_path: Path) -> None:
    rows = (ROOT / "annotations" / "items.jsonl").read_text(encoding="utf-8").splitlines()
    subset = tmp_path / "items.jsonl"
    subset.write_text("\n".join(rows[::3]) + "\n", encoding="utf-8")
    first, second = train(subset), train(subset)
    assert first.meta == second.meta
    assert first.report == second.report
    assert first.meta["metrics"]["test"]["micro"]["f1"] > first.meta["metrics"]["cue_baseline_test"]["micro"]["f1"]


def test_classify_command_on_section_text(tmp_path: Path) -> None:
    section = tmp_path / "s5.txt"
    section.write_text(
        "五、存在的主要问题及改进情况\n主要问题有：一是政策解读信息较少；二是信息发布不够及时。\n"
        "针对上述问题，一是加大政策解读力度；二是督促及时发布信息。\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(section), str(empty), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "s5.json").read_text(encoding="utf-8"))
    assert data["problems"] and data["improvements"]
    assert all(p["categories"] for p in data["problems"])
    assert all("addresses" in i for i in data["improvements"])
    assert json.loads((tmp_path / "out" / "empty.json").read_text(encoding="utf-8"))["problems"] == []
