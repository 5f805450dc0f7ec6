"""The synthetic corpus: deterministic, rule-consistent truth in the record's table shape, and text e2e."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.bench.corpus import compare_tables, truth_cells, write_corpus
from extractor.bench.synth import random_report, render_text
from extractor.resources import load_json

SEEDS = range(40)
_TERM = re.compile(r"([+-]?)\s*(t[34][\w.\[\]]*)")


def _value(term: str, truth: dict, col: str | None, row: str | None) -> int:
    """One equation term such as ``t3.granted[c]``, ``t3[r].total`` or ``t4.review_total``."""
    term = term.replace("[c]", f".{col}").replace("[r]", f".{row}")
    node = truth
    for part in term.split("."):
        node = node[part]
    return node


def _side(expr: str, truth: dict, col: str | None, row: str | None) -> int:
    total = 0
    for sign, term in _TERM.findall(expr):
        total += -_value(term, truth, col, row) if sign == "-" else _value(term, truth, col, row)
    return total


def _hard_rules(fmt: str) -> list[dict]:
    rules = load_json("template.json")["formats"][fmt]["rules"]
    return [r for r in rules if r["severity"] == "hard" and "==" in r["equation"]]


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_truth_satisfies_every_hard_rule(fmt: str) -> None:
    rules = _hard_rules(fmt)
    assert {r["id"] for r in rules} >= {"T3_BALANCE", "T3_ROW_TOTAL", "T3_RESULTS_SUM", "T4_REVIEW_SUM"}
    for seed in SEEDS:
        truth = random_report(seed, fmt).truth
        for rule in rules:
            lhs, rhs = rule["equation"].split("==")
            scopes = rule.get("for_each", {})
            for col in scopes.get("column", [None]):
                for row in scopes.get("row", [None]):
                    assert _side(lhs, truth, col, row) == _side(rhs, truth, col, row), (seed, rule["id"], col, row)


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_truth_has_the_record_shape_and_value_types(fmt: str) -> None:
    spec = load_json("template.json")["formats"][fmt]["tables"]
    for seed in SEEDS:
        truth = random_report(seed, fmt).truth
        assert set(truth["t3"]) == {r["id"] for r in spec["t3"]["rows"] if r["data"]}
        assert all(set(cols) == {c["id"] for c in spec["t3"]["columns"]} for cols in truth["t3"].values())
        assert list(truth["t4"]) == [c["id"] for c in spec["t4"]["columns"]]
        for block in spec["t2"]["blocks"]:
            for row in block["rows"]:
                got = truth["t2"][block["id"]][row["id"]]
                for col in block["columns"]:
                    value = got[col["id"]]
                    if col["type"] == "money":
                        assert isinstance(value, float) and value >= 0
                    elif col["type"] == "signed_int":
                        assert isinstance(value, int)
                    else:
                        assert isinstance(value, int) and value >= 0
        assert all(isinstance(v, int) and v >= 0 for k, v in truth_cells(truth).items() if k[:2] in ("t3", "t4"))


def test_values_look_real_many_zeros_some_big_some_negative_changes() -> None:
    values = [v for seed in range(200) for k, v in truth_cells(random_report(seed, "2019").truth).items()]
    changes = [v for seed in range(200) for k, v in truth_cells(random_report(seed, "2019").truth).items()
               if k.endswith(".change")]
    assert values.count(0) > len(values) / 2
    assert max(values) > 100
    assert min(changes) < 0


def test_same_seed_same_report_and_formats_differ() -> None:
    assert random_report(11, "2021") == random_report(11, "2021")
    assert random_report(11, "2021") != random_report(12, "2021")
    assert "other_no_fee" in random_report(3, "2021").truth["t3"]
    assert "other" in random_report(3, "2019").truth["t3"]


def test_section_five_lists_each_problem_and_improvement_as_numbered_items() -> None:
    for seed in range(20):
        r = random_report(seed, "2021")
        s5 = r.sections["s5"]["text"]
        for i, item in enumerate(r.problems):
            assert f"{'一二三四五六七八'[i]}是{item}" in s5
        for item in r.improvements:
            assert item in s5
        text = render_text(r)
        assert r.agency in text and "五、" in text


def test_text_rendering_extracts_to_the_truth(tmp_path: Path) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    for path, r in write_corpus(tmp_path, 6, ("text",), seed=500):
        report = extract(path, Settings(classify=False))
        assert compare_tables(r.truth, report.tables.model_dump()) == [], path.name
        assert report.metadata.format == r.fmt


def test_page_split_of_the_t3_grid_keeps_every_label_once() -> None:
    from extractor.bench.pdfrender import split_grid
    from extractor.bench.synth import physical, table_grids

    grid = table_grids(random_report(8, "2021"))["s3"][0]
    for at, repeat in ((1, True), (2, False), (10, True), (10, False)):
        upper, lower = split_grid(grid, at, repeat)
        for part in (upper, lower):
            assert all(cell is not None for line in physical(part) for cell, _ in line)  # spans still tile the grid
        texts = [c.text for g in (upper, lower) for row in g.rows[(g.header_rows if g is lower else 0):] for c in row]
        assert texts.count("三、本年度办理结果") == 1
        assert len(lower.rows) == len(grid.rows) - at + (grid.header_rows if repeat and at >= 3 else 0)


def test_write_corpus_writes_each_kind_with_its_truth(tmp_path: Path) -> None:
    written = write_corpus(tmp_path, 2, ("text", "html", "docx"), seed=9)
    assert [p.suffix for p, _ in written] == [".txt", ".txt", ".html", ".html", ".docx", ".docx"]
    assert [r.fmt for _, r in written[:2]] == ["2019", "2021"]
    assert all(p.stat().st_size > 1000 for p, _ in written)
