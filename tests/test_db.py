"""Results files into real SQLite and PostgreSQL: same rows in both, idempotent loads, replacement, export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from bulk_helpers import dumps, fresh_database, server_url
from sqlalchemy import text

from extractor.batch import read_records, run_batch
from extractor.bench.synth import random_report, render_text
from extractor.output.db import TABLES, engine_for, export, load, row_counts

BULK_DOC = Path(__file__).resolve().parents[1] / "docs" / "BULK.md"
EXAMPLES = Path(__file__).resolve().parents[1] / "extractor" / "data" / "examples"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results file from a real batch: generated text reports of both formats plus a broken file."""
    folder = tmp_path_factory.mktemp("db") / "in"
    folder.mkdir()
    for seed in range(6):
        report = random_report(seed, "2019" if seed % 2 else "2021")
        (folder / f"r{seed}.txt").write_text(render_text(report), encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    out = folder.parent / "results.jsonl"
    run_batch([folder], out, jobs=2)
    return out


def _reports(path: Path) -> int:
    return sum("error" not in r for r in read_records(path))


def _check_load_is_idempotent(results: Path, url: str) -> dict[str, int]:
    first = load(results, url)
    counts = row_counts(url)
    second = load(results, url)
    assert first.inserted == _reports(results) == counts["reports"]
    assert second.inserted == second.replaced == 0 and second.unchanged == first.inserted
    assert row_counts(url) == counts
    assert counts["failures"] == 1
    return counts


def test_sqlite_load_is_idempotent(results: Path, tmp_path: Path) -> None:
    counts = _check_load_is_idempotent(results, f"sqlite:///{tmp_path / 'r.db'}")
    assert counts["cells"] > 0 and counts["sections"] > 0 and counts["checks"] > 0


@pytest.mark.postgres
def test_postgresql_holds_the_same_rows_as_sqlite(results: Path, tmp_path: Path) -> None:
    sqlite_counts = _check_load_is_idempotent(results, f"sqlite:///{tmp_path / 'r.db'}")
    with fresh_database(server_url()) as pg:
        assert _check_load_is_idempotent(results, pg) == sqlite_counts


def _changed_copy(results: Path, tmp_path: Path) -> tuple[Path, dict]:
    record = next(r for r in read_records(results) if "error" not in r)
    changed = {**record, "warnings": [*record["warnings"], "re-extracted"]}
    path = tmp_path / "again.jsonl"
    path.write_text(dumps(changed), encoding="utf-8")
    return path, changed


def _check_replacement(results: Path, url: str, tmp_path: Path) -> None:
    load(results, url)
    before = row_counts(url)
    again, changed = _changed_copy(results, tmp_path)
    summary = load(again, url)
    assert summary.replaced == 1
    after = row_counts(url)
    assert after["warnings"] == before["warnings"] + 1 and after["reports"] == before["reports"]
    new_sha = {**changed, "source": {**changed["source"], "sha256": "f" * 64}}
    again.write_text(dumps(new_sha), encoding="utf-8")
    assert load(again, url).replaced == 1
    engine = engine_for(url)
    with engine.connect() as conn:
        shas = conn.execute(text("SELECT sha256 FROM reports WHERE path = :p"), {"p": changed["source"]["path"]}).scalars().all()
    engine.dispose()
    assert shas == ["f" * 64]
    assert row_counts(url)["reports"] == before["reports"]


def test_re_extracted_report_replaces_its_rows_sqlite(results: Path, tmp_path: Path) -> None:
    if not _reports(results):
        pytest.fail("the batch produced no report to re-extract")
    _check_replacement(results, f"sqlite:///{tmp_path / 'r.db'}", tmp_path)


@pytest.mark.postgres
def test_re_extracted_report_replaces_its_rows_postgresql(results: Path, tmp_path: Path) -> None:
    if not _reports(results):
        pytest.fail("the batch produced no report to re-extract")
    with fresh_database(server_url()) as pg:
        _check_replacement(results, pg, tmp_path)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table(results: Path, tmp_path: Path, fmt: str) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    load(results, url)
    counts = row_counts(url)
    files = export(url, fmt, tmp_path / "out")
    assert sorted(f.stem for f in files) == sorted([*TABLES, "corpus_checks", "indicator_changes"])
    for path in files:
        frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
        if path.stem in TABLES:
            assert len(frame) == counts[path.stem]
    reports = pd.read_parquet(tmp_path / "out" / "reports.parquet") if fmt == "parquet" else None
    if reports is not None and len(reports):
        assert set(reports["sha256"]) == {r["source"]["sha256"] for r in read_records(results) if "error" not in r}


def _readme_query() -> str:
    match = re.search(r"```sql\n(.*?)```", BULK_DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/BULK.md must hold the 2022 categories query"
    return match[1]


def _check_query(url: str, records: list[dict]) -> None:
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(text(_readme_query())).all()
    engine.dispose()
    reports: dict[str, set[str]] = {}
    items: dict[str, int] = {}
    for record in records:
        if "error" in record or record["metadata"].get("year") != 2022:
            continue
        for item in record["problems"] + record["improvements"]:
            for label in {c["label"] for c in item["categories"]}:
                reports.setdefault(label, set()).add(record["source"]["sha256"])
                items[label] = items.get(label, 0) + 1
    assert {row[0]: (row[1], row[2]) for row in rows} == {k: (len(v), items[k]) for k, v in reports.items()}
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True)


def test_readme_query_counts_2022_categories(tmp_path: Path) -> None:
    """The documented query against records whose 2022 categories are known (real records, year set)."""
    records = [_record_2022(i) for i in range(3)]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(dumps(r) for r in records), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'r.db'}"
    load(path, url)
    _check_query(url, records)
    try:
        server = server_url()
    except pytest.skip.Exception:
        return
    with fresh_database(server) as pg:
        load(path, pg)
        _check_query(pg, records)


def _record_2022(i: int) -> dict:
    from extractor.record import Category, Improvement, Metadata, Problem, Report, Source

    labels = ["timeliness", "staffing", "new_media", "timeliness"]
    report = Report(
        source=Source(path=f"r{i}.txt", sha256=f"{i:064d}", kind="text"),
        metadata=Metadata(agency="某某市某某局", year=2022 if i < 2 else 2021),
        problems=[Problem(text=f"问题{j}", categories=[Category(label=labels[(i + j) % 4], score=0.9)]) for j in range(3)],
        improvements=[Improvement(text="改进", categories=[Category(label="timeliness", score=0.8)], addresses=[0])],
    )
    return json.loads(report.model_dump_json())


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("钦州市工业和信息化局", "municipal"),
        ("钦州市市场监督管理局", "municipal"),
        ("广西壮族自治区北部湾经济区规划建设管理办公室", "provincial"),
        ("西安市雁塔区民政局", "county"),
        ("陕西省西咸新区底张街道办事处", "township"),
        ("上海市人民政府办公厅", "provincial"),
        ("国家统计局", "national"),
        ("某某会议纪要", None),
    ],
)
def test_level_of_government_from_agency_name(agency: str, level: str | None) -> None:
    from extractor.output.levels import government_level

    assert government_level(agency) == level


def _hostile_record(tmp_path: Path) -> Path:
    """A real extraction whose agency, a section and an item begin with spreadsheet formula characters."""
    from extractor.api import extract
    from extractor.settings import Settings

    example = next(EXAMPLES.glob("002_*.txt"))
    report = extract(example, Settings(classify=False))
    report.metadata.agency = '=HYPERLINK("http://evil.invalid","钦州")'
    report.sections["s6"].text = "+1+2"
    report.problems[0].text = "@SUM(A1:A9)"
    report.improvements[0].text = "-2+3"
    path = tmp_path / "hostile.jsonl"
    path.write_text(report.model_dump_json() + "\n", encoding="utf-8")
    return path


def test_csv_and_excel_exports_neutralise_formulas(tmp_path: Path) -> None:
    import openpyxl

    url = f"sqlite:///{tmp_path / 'h.db'}"
    load(_hostile_record(tmp_path), url)
    export(url, "csv", tmp_path / "csv")
    reports = pd.read_csv(tmp_path / "csv" / "reports.csv")
    assert reports["agency"][0] == "'" + '=HYPERLINK("http://evil.invalid","钦州")'
    assert pd.read_csv(tmp_path / "csv" / "problems.csv")["text"][0] == "'@SUM(A1:A9)"
    assert pd.read_csv(tmp_path / "csv" / "improvements.csv")["text"][0] == "'-2+3"
    [book] = export(url, "xlsx", tmp_path / "xlsx")
    workbook = openpyxl.load_workbook(book)
    assert {"reports", "cells", "checks", "indicators", "indicator_changes", "problems", "improvements", "corpus_checks"} <= set(workbook.sheetnames)
    sheet = workbook["reports"]
    header = [c.value for c in sheet[1]]
    agency = sheet.cell(row=2, column=header.index("agency") + 1)
    assert agency.data_type == "s" and agency.value.startswith("'=")
    sections = workbook["sections"]
    texts = [row[3] for row in sections.iter_rows(min_row=2, values_only=True)]
    assert "'+1+2" in texts and not any(isinstance(t, str) and t.startswith("=") for t in texts)
    values = [row for row in workbook["cells"].iter_rows(min_row=2, values_only=True)]
    assert len(values) == len(pd.read_csv(tmp_path / "csv" / "cells.csv"))
    indicators = {row[1]: row[3] for row in workbook["indicators"].iter_rows(min_row=2, values_only=True)}
    assert "applications_total" in indicators


def test_export_fills_indicators_for_reports_loaded_before_migration_2(tmp_path: Path) -> None:
    """A database loaded before migration 2 gets its agency keys and indicators on export, from its cells."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    load(_hostile_record(tmp_path), url)
    engine = engine_for(url)
    with engine.begin() as conn:
        expected = conn.execute(text("SELECT indicator, value FROM indicators ORDER BY indicator")).all()
        conn.execute(text("DELETE FROM indicators"))
        conn.execute(text("DELETE FROM report_agency"))
    engine.dispose()
    export(url, "csv", tmp_path / "out")
    frame = pd.read_csv(tmp_path / "out" / "indicators.csv").sort_values("indicator")
    got = [(name, None if pd.isna(value) else value) for name, value in zip(frame["indicator"], frame["value"])]
    assert got == [(name, value) for name, value in expected]
    assert len(expected) >= 5
