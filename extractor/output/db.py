"""Results files into a normalised SQL database (SQLite or PostgreSQL), and tables out for pandas and R.

Loading is idempotent on ``source.sha256``: an unchanged record is left alone; a changed one, or a
new sha256 for a path already loaded (the file was re-extracted), replaces the old rows in the same
transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from extractor.errors import BadArgsError, InputFileError, OutputAccessError
from extractor.ingest.sniff import regular_file
from extractor.output.archive import archive_rows, refresh_derived
from extractor.output.levels import government_level
from extractor.output.migrate import migrate
from extractor.record import Report

TABLES = (
    "reports",
    "sections",
    "cells",
    "checks",
    "problems",
    "improvements",
    "improvement_addresses",
    "item_categories",
    "warnings",
    "report_agency",
    "indicators",
    "legacy_facts",
    "legacy_cells",
    "failures",
)
CHILD_TABLES = TABLES[1:-1]
_ORDER = {
    "reports": "id",
    "sections": "report_id, section",
    "improvement_addresses": "report_id, improvement_idx, problem_idx",
    "item_categories": "report_id, item_kind, item_idx, label",
    "failures": "sha256",
    "report_agency": "report_id",
    "indicators": "report_id, indicator",
    "legacy_cells": "report_id, tbl_idx, row_idx, col_idx",
}
CHUNK = 100


@dataclass
class LoadSummary:
    lines: int = 0
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    failures: int = 0
    invalid: list[str] = field(default_factory=list)

    def lines_text(self) -> list[str]:
        out = [
            f"lines read: {self.lines}; reports inserted {self.inserted}, replaced {self.replaced}, "
            f"unchanged {self.unchanged}; error records {self.failures}"
        ]
        out += [f"skipped: {reason}" for reason in self.invalid]
        return out


def engine_for(url: str) -> Engine:
    """An engine for ``sqlite:///file.db`` or ``postgresql://…`` (driven by psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BadArgsError(f"not a database URL: {url!r} (try sqlite:///reports.db)") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() != "postgresql":
        raise BadArgsError(f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql://")
    return create_engine(parsed)


def _sqlite_engine(url: Any) -> Engine:
    """pysqlite leaves DDL outside transactions; take over BEGIN so a migration is all-or-nothing."""
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def connect_db(url: str) -> Engine:
    """An engine on a migrated database; connection trouble is one clear OutputAccessError."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            migrate(conn)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise OutputAccessError(f"cannot open database {_safe(url)}: {_first_line(exc)}") from exc
    return engine


def load(jsonl_path: Path, url: str, chunk: int = CHUNK) -> LoadSummary:
    """Load a results file; running it again changes nothing."""
    summary = LoadSummary()
    latest = _latest_by_sha(jsonl_path, summary)
    engine = connect_db(url)
    try:
        for batch in _chunks(list(latest.values()), chunk):
            with engine.begin() as conn:
                for record in batch:
                    _load_one(conn, record, summary)
    except SQLAlchemyError as exc:
        raise OutputAccessError(f"loading into {_safe(url)} failed: {_first_line(exc)}") from exc
    finally:
        engine.dispose()
    return summary


def _latest_by_sha(path: Path, summary: LoadSummary) -> dict[str, dict[str, Any]]:
    """The last line for each sha256 and each path (a resumed or retried batch may hold several)."""
    latest: dict[str, dict[str, Any]] = {}
    regular_file(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            summary.lines += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                summary.invalid.append(f"{path}:{number}: not UTF-8 (byte {exc.start}); line skipped")
                continue
            try:
                record = json.loads(line)
                sha = record["source"]["sha256"]
            except (ValueError, KeyError, TypeError):
                summary.invalid.append(f"{path}:{number}: not a nianbao record")
                continue
            if not sha:
                summary.invalid.append(f"{path}:{number}: error record without sha256 ({record['source'].get('path')})")
                continue
            latest.pop(sha, None)
            latest[sha] = record
    return _last_per_path(latest)


def _last_per_path(latest: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A path extracted twice (the file changed in between) keeps only its later record."""
    seen: set[str] = set()
    kept: dict[str, dict[str, Any]] = {}
    for sha, record in reversed(latest.items()):
        path = record["source"].get("path")
        if path not in seen:
            seen.add(path)
            kept[sha] = record
    return dict(reversed(kept.items()))


def _chunks(items: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_one(conn: Connection, record: dict[str, Any], summary: LoadSummary) -> None:
    if "error" in record:
        summary.failures += 1
        _load_failure(conn, record)
        return
    try:
        report = Report.model_validate(record)
    except ValidationError as exc:
        summary.invalid.append(f"{record['source'].get('path')}: invalid record ({exc.error_count()} errors)")
        return
    digest = _content_hash(record)
    sha, path = report.source.sha256, report.source.path
    row = conn.execute(text("SELECT id, content_hash FROM reports WHERE sha256 = :s"), {"s": sha}).first()
    if row is not None and row.content_hash == digest:
        summary.unchanged += 1
        return
    stale = [r.id for r in conn.execute(text("SELECT id FROM reports WHERE sha256 = :s OR path = :p"), {"s": sha, "p": path})]
    for report_id in stale:
        _delete_report(conn, report_id)
    conn.execute(text("DELETE FROM failures WHERE sha256 = :s OR path = :p"), {"s": sha, "p": path})
    _insert_report(conn, report, digest)
    if stale:
        summary.replaced += 1
    else:
        summary.inserted += 1


def _load_failure(conn: Connection, record: dict[str, Any]) -> None:
    """An error record is kept unless the same bytes already have a report (a good result wins)."""
    sha = record["source"]["sha256"]
    if conn.execute(text("SELECT 1 FROM reports WHERE sha256 = :s"), {"s": sha}).first():
        return
    params = {"s": sha, "p": record["source"]["path"], "c": record["error"]["code"], "m": record["error"]["message"]}
    old = conn.execute(text("SELECT path, code, message FROM failures WHERE sha256 = :s"), params).first()
    if old is not None and tuple(old) == (params["p"], params["c"], params["m"]):
        return
    conn.execute(text("DELETE FROM failures WHERE sha256 = :s"), params)
    conn.execute(text("INSERT INTO failures (sha256, path, code, message) VALUES (:s, :p, :c, :m)"), params)


def _content_hash(record: dict[str, Any]) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _delete_report(conn: Connection, report_id: int) -> None:
    for table in (*CHILD_TABLES, "records"):
        conn.execute(text(f"DELETE FROM {table} WHERE report_id = :id"), {"id": report_id})
    conn.execute(text("DELETE FROM reports WHERE id = :id"), {"id": report_id})


def _insert_report(conn: Connection, report: Report, digest: str) -> None:
    meta = report.metadata
    report_id = conn.execute(
        text(
            "INSERT INTO reports (sha256, content_hash, path, kind, pages, agency, level, year, format, published,"
            " schema_version, n_warnings) VALUES (:sha256, :content_hash, :path, :kind, :pages, :agency, :level,"
            " :year, :format, :published, :schema_version, :n_warnings) RETURNING id"
        ),
        {
            "sha256": report.source.sha256,
            "content_hash": digest,
            "path": report.source.path,
            "kind": report.source.kind,
            "pages": report.source.pages,
            "agency": meta.agency,
            "level": government_level(meta.agency),
            "year": meta.year,
            "format": meta.format,
            "published": meta.published,
            "schema_version": report.schema_version,
            "n_warnings": len(report.warnings),
        },
    ).scalar_one()
    conn.execute(text("INSERT INTO records (report_id, record) VALUES (:id, :record)"),
                 {"id": report_id, "record": report.model_dump_json()})
    for table, rows in _child_rows(report):
        if rows:
            columns = list(rows[0])
            conn.execute(
                text(f"INSERT INTO {table} (report_id, {', '.join(columns)}) VALUES (:report_id, {', '.join(':' + c for c in columns)})"),
                [{"report_id": report_id, **row} for row in rows],
            )


def _child_rows(report: Report) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    """Every list in the record, flattened to long-form rows (one per section, cell, check, item, label)."""
    yield "sections", [{"section": sid, "title": s.title, "text": s.text} for sid, s in report.sections.items()]
    yield "cells", [_cell_row(i, c) for i, c in enumerate(report.cells)]
    yield "checks", [
        {"idx": i, "rule": c.rule, "scope": c.scope, "ok": c.ok, "expected": c.expected, "actual": c.actual, "severity": c.severity}
        for i, c in enumerate(report.checks)
    ]
    yield "problems", [{"idx": i, "text": p.text} for i, p in enumerate(report.problems)]
    yield "improvements", [{"idx": i, "text": m.text} for i, m in enumerate(report.improvements)]
    yield "improvement_addresses", [
        {"improvement_idx": i, "problem_idx": p} for i, m in enumerate(report.improvements) for p in sorted(set(m.addresses))
    ]
    yield "item_categories", [
        {"item_kind": kind, "item_idx": i, "label": label, "score": score}
        for kind, items in (("problem", report.problems), ("improvement", report.improvements))
        for i, item in enumerate(items)
        for label, score in _best_scores(item.categories).items()
    ]
    yield "warnings", [{"idx": i, "text": w} for i, w in enumerate(report.warnings)]
    yield from archive_rows(report)


def _best_scores(categories: Iterable[Any]) -> dict[str, float]:
    best: dict[str, float] = {}
    for category in categories:
        best[category.label] = max(category.score, best.get(category.label, category.score))
    return best


def _cell_row(idx: int, cell: Any) -> dict[str, Any]:
    x0, y0, x1, y1 = cell.bbox if cell.bbox and len(cell.bbox) == 4 else (None, None, None, None)
    return {
        "idx": idx,
        "tbl": cell.table,
        "row_id": cell.row,
        "col_id": cell.col,
        "value": cell.value,
        "raw": cell.raw,
        "page": cell.page,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "method": cell.method,
        "engine": cell.engine,
        "confidence": cell.confidence,
        "status": cell.status,
        "verified": cell.verified,
    }


def stored_records(url: str) -> list[Report]:
    """Every report's record as loaded, oldest first (reports loaded before version 4 have none)."""
    _existing_sqlite(url)
    engine = connect_db(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT record FROM records ORDER BY report_id")).scalars().all()
    except SQLAlchemyError as exc:
        raise OutputAccessError(f"reading {_safe(url)} failed: {_first_line(exc)}") from exc
    finally:
        engine.dispose()
    return [Report.model_validate_json(row) for row in rows]


def row_counts(url: str) -> dict[str, int]:
    """Rows per table: what a load added, and what SQLite and PostgreSQL loads must agree on."""
    engine = connect_db(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()


def export(url: str, fmt: str, out_dir: Path) -> list[Path]:
    """One file per table (``reports.parquet``, ``cells.csv``, …) or one workbook (``nianbao.xlsx``, a sheet
    per table), with the year-on-year changes (``indicator_changes``) and the cross-year findings
    (``corpus_checks``) beside them, for pandas, R or a spreadsheet."""
    import pandas as pd

    from extractor.output.corpus_checks import FINDING_COLUMNS, corpus_checks, findings_rows
    from extractor.output.spreadsheet import FORMATS, write_export

    if fmt not in FORMATS:
        raise BadArgsError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    _existing_sqlite(url)
    engine = connect_db(url)
    try:
        with engine.begin() as conn:
            refresh_derived(conn)
        with engine.connect() as conn:
            frames = {
                table: pd.read_sql_query(text(f"SELECT * FROM {table} ORDER BY {_ORDER.get(table, 'report_id, idx')}"), conn)
                for table in TABLES
            }
            frames["indicator_changes"] = pd.read_sql_query(
                text("SELECT * FROM indicator_changes ORDER BY agency_key, year, indicator, report_id, previous_report_id"), conn)
            frames["corpus_checks"] = pd.DataFrame(findings_rows(corpus_checks(conn)), columns=FINDING_COLUMNS)
        return write_export(frames, fmt, out_dir)
    except OSError as exc:
        raise OutputAccessError(f"cannot write in {out_dir}: {exc.strerror}") from exc
    finally:
        engine.dispose()


def _existing_sqlite(url: str) -> None:
    """Exporting reads a database: a mistyped SQLite path is an error, not a new empty database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).is_file():
            raise InputFileError(f"no SQLite database at {parsed.database} (load results first: nianbao load)")


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
