"""The review app end to end in a real headless Chromium: queue, evidence, keyboard decisions, audit trail."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from extractor.errors import BadArgsError
from extractor.record import Report
from extractor.review.apply import cell_key
from extractor.review.app import build_app
from extractor.review.serve import check_exposure
from extractor.review.session import ReviewSession, reviewed_path
from extractor.template.solve import rederive
from tests.conftest import EXAMPLES, extract_plain
from tests.reviewhelp import scanned_with_damage

CHROMIUM = Path("/usr/bin/chromium")
PDF = EXAMPLES / "synthetic_pdf_2021_00007.pdf"


def _damage(report: Report) -> dict[str, int | float]:
    """Two flagged cells as OCR damage leaves them: a wrong digit (suspect) and a lost cell (missing)."""
    covered = {k for c in report.checks if c.ok and c.severity == "hard" and c.rule != "NONNEG_INT" for k in c.cells}
    picks = [c for c in report.cells if c.table == "t3" and cell_key(c) in covered and c.value and c.bbox][:2]
    truth = {cell_key(c): c.value for c in picks}
    wrong, lost = picks
    wrong.value, wrong.status, wrong.raw = wrong.value + 7, "suspect", str(wrong.value + 7)
    lost.value, lost.status, lost.raw = None, "missing", None
    for cell in (wrong, lost):
        report.tables.t3[cell.row][cell.col] = cell.value
    rederive(report)
    return truth


@pytest.fixture()
def batch(tmp_path: Path) -> tuple[Path, dict[str, int | float]]:
    report = extract_plain(PDF)
    truth = _damage(report)
    results = tmp_path / "results.jsonl"
    results.write_text(report.model_dump_json() + "\n", encoding="utf-8")
    return results, truth


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(session: ReviewSession) -> tuple[str, object]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(build_app(session, "tester"), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _browser():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
    return pw, browser


@pytest.fixture(scope="module")
def scanned_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int | float | None], str]:
    """A generated report whose table page was scanned with one number changed, extracted by OCR."""
    folder = tmp_path_factory.mktemp("scanned")
    truth = extract_plain(PDF)
    damaged, _ = scanned_with_damage(PDF, truth, folder / "damaged.pdf")
    results = folder / "results.jsonl"
    results.write_text(extract_plain(folder / "damaged.pdf").model_dump_json() + "\n", encoding="utf-8")
    return results, {cell_key(c): c.value for c in truth.cells}, damaged


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium from the system packages is not installed")
def test_a_reviewer_clears_every_flagged_cell_of_a_damaged_scan_from_the_keyboard(scanned_batch, tmp_path: Path) -> None:
    results, truth, damaged = scanned_batch
    db = f"sqlite:///{tmp_path / 'reports.db'}"
    session = ReviewSession(results, db)
    flagged = [e.target for e in session.queue]
    assert damaged in flagged
    base, server = _serve(session)
    pw, browser = _browser()
    try:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base + "/")
        assert page.locator("#queue tr[data-index]").count() == len(flagged)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        for _ in flagged:
            key = page.locator("#target").inner_text()
            assert page.evaluate("document.getElementById('crop').naturalWidth") > 100
            if key == damaged:
                assert page.locator("#rules td.bad").count() >= 1
                assert str(truth[key]) in page.locator("#rules td.needed").all_inner_texts()
                page.screenshot(path=str(tmp_path / "suspect.png"))
            shown = page.locator("#value-now").inner_text()
            if shown != str(truth[key]):
                page.keyboard.type(str(truth[key]))
            with page.expect_navigation():
                page.keyboard.press("Enter")
        assert page.url == base + "/?"
        assert page.locator("#pending").inner_text().startswith("0 pending")
    finally:
        browser.close()
        pw.stop()
        server.should_exit = True

    reviewed = Report.model_validate_json(reviewed_path(results).read_text(encoding="utf-8").splitlines()[0])
    cells = {cell_key(c): c for c in reviewed.cells}
    assert all(cells[k].value == truth[k] and cells[k].status == "reviewed" for k in flagged)
    assert cells[damaged].verified
    assert all(c.ok for c in reviewed.checks if c.severity == "hard")
    record = tmp_path / "reviewed.json"
    record.write_text(reviewed.model_dump_json(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "extractor", "validate", str(record)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    row, col = damaged.split(".")[1:]
    with sqlite3.connect(tmp_path / "reports.db") as con:
        assert con.execute("SELECT value, status, verified FROM cells WHERE tbl='t3' AND row_id=? AND col_id=?",
                           (row, col)).fetchone() == (truth[damaged], "reviewed", 1)
    again = ReviewSession(results)
    assert {e.target for e in again.queue if (e.sha256, e.target) in again.decided()} == set(flagged)
    index = flagged.index(damaged)
    assert "decided: correct" in TestClient(build_app(again)).get(f"/e/{index}").text


def test_decisions_export_and_replay_onto_a_fresh_extraction(batch, tmp_path: Path) -> None:
    results, truth = batch
    session = ReviewSession(results)
    client = TestClient(build_app(session, "ana"))
    for index, value in enumerate(truth.values()):
        assert client.post(f"/e/{index}", data={"action": "correct", "value": str(value)}, follow_redirects=False).status_code == 303
    csv_path = tmp_path / "decisions.csv"
    run = [sys.executable, "-m", "extractor", "review", str(results), "--export-decisions", str(csv_path)]
    assert subprocess.run(run, capture_output=True).returncode == 0
    fresh = tmp_path / "fresh" / "results.jsonl"
    fresh.parent.mkdir()
    fresh.write_text(extract_plain(PDF).model_dump_json() + "\n", encoding="utf-8")  # a new extraction of the same file
    done = subprocess.run([sys.executable, "-m", "extractor", "review", str(fresh), "--apply", str(csv_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 of 2 decisions apply" in done.stderr
    replayed = Report.model_validate_json(reviewed_path(fresh).read_text(encoding="utf-8"))
    cells = {cell_key(c): c for c in replayed.cells}
    assert {k: cells[k].value for k in truth} == truth
    assert json.loads(csv_path.read_text(encoding="utf-8").splitlines()[1].split(",")[-1]) in truth.values()


def test_a_correction_that_is_not_a_number_is_refused_and_nothing_is_recorded(batch) -> None:
    results, _ = batch
    session = ReviewSession(results)
    client = TestClient(build_app(session))
    reply = client.post("/e/0", data={"action": "correct", "value": "12a"}, follow_redirects=False)
    assert "error=" in reply.headers["location"]
    assert session.decisions == [] and not session.log.exists()


def test_nothing_listens_beyond_loopback_without_a_token(batch) -> None:
    check_exposure("127.0.0.1", None)
    with pytest.raises(BadArgsError):
        check_exposure("0.0.0.0", None)
    results, _ = batch
    client = TestClient(build_app(ReviewSession(results), token="s3cret"))
    assert client.get("/").status_code == 403
    assert client.get("/?token=s3cret").status_code == 200
    assert client.get("/").status_code == 200  # the cookie set by the first visit


def test_an_unsure_section5_label_is_queued_and_relabelled(tmp_path: Path) -> None:
    from extractor.record import Category

    report = extract_plain(EXAMPLES / "002_39b0fcea5e7e8854.txt")
    assert report.problems
    for item in [*report.problems, *report.improvements]:
        item.categories = [Category(label="timeliness", score=0.9)]
    report.problems[0].categories = [Category(label="timeliness", score=0.3)]
    results = tmp_path / "results.jsonl"
    results.write_text(report.model_dump_json() + "\n", encoding="utf-8")
    session = ReviewSession(results)
    assert [(e.target, e.reason) for e in session.queue] == [("problems.0", "unsure label")]
    client = TestClient(build_app(session))
    page = client.get("/e/0").text
    assert report.problems[0].text in page and "timeliness 0.30" in page and 'value="staffing"' in page
    client.post("/e/0", data={"action": "labels", "labels": ["staffing", "awareness_training"]})
    reviewed = Report.model_validate_json(reviewed_path(results).read_text(encoding="utf-8"))
    assert [(c.label, c.score) for c in reviewed.problems[0].categories] == [("staffing", 1.0), ("awareness_training", 1.0)]
    refused = client.post("/e/0", data={"action": "labels", "labels": ["no_such_label"]}, follow_redirects=False)
    assert "unknown+labels" in refused.headers["location"]


def test_review_from_the_database_alone(batch, tmp_path: Path) -> None:
    from extractor.output.db import load

    results, truth = batch
    db = f"sqlite:///{tmp_path / 'reports.db'}"
    load(results, db)
    session = ReviewSession(tmp_path / "review", db, from_db=True)
    assert [e.target for e in session.queue] == list(truth)
    client = TestClient(build_app(session, "ana"))
    for index, value in enumerate(truth.values()):
        client.post(f"/e/{index}", data={"action": "correct", "value": str(value)})
    assert (tmp_path / "review.decisions.jsonl").is_file()
    with sqlite3.connect(tmp_path / "reports.db") as con:
        for key, value in truth.items():
            row, col = key.split(".")[1:]
            assert con.execute("SELECT value, status FROM cells WHERE tbl='t3' AND row_id=? AND col_id=?",
                               (row, col)).fetchone() == (value, "reviewed")
    again = ReviewSession(tmp_path / "review", db, from_db=True)
    assert again.queue == [] and len(again.decisions) == len(truth)
