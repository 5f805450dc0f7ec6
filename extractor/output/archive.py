"""Rows a report adds for research across a corpus: normalised agency, indicators, legacy figures and tables.

Written with the report's other rows at load time (``db._child_rows``), and filled in for reports
loaded before migration 2 by :func:`refresh_derived`, from the cells already in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from extractor.output.agencies import agency_key
from extractor.output.indicators import cell_values, indicators
from extractor.output.levels import government_level
from extractor.record import Report

DERIVED = ("report_agency", "indicators", "legacy_facts", "legacy_cells")


def archive_rows(report: Report) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) for the tables of migration 2, without report_id (the loader adds it)."""
    agency = report.metadata.agency
    yield "report_agency", [{"agency_key": agency_key(agency), "level": government_level(agency)}]
    yield "indicators", indicators(cell_values(report))
    legacy = report.legacy
    yield "legacy_facts", [
        {"idx": i, "fact_key": f.key, "label": f.label, "value": f.value, "unit": f.unit, "section": f.section, "sentence": f.sentence}
        for i, f in enumerate(legacy.facts if legacy else [])
    ]
    yield "legacy_cells", [
        {"tbl_idx": t, "row_idx": r, "col_idx": c, "title": table.title, "section": table.section, "row_label": row.label,
         "col_label": table.columns[c] if c < len(table.columns) else "", "value": value, "raw": row.raw[c], "unit": row.unit or table.units[c]}
        for t, table in enumerate(legacy.tables if legacy else [])
        for r, row in enumerate(table.rows)
        for c, value in enumerate(row.values)
    ]


def refresh_derived(conn: Connection) -> int:
    """Agency keys and indicators for reports that have none yet (loaded before migration 2); returns how many."""
    missing = conn.execute(text(
        "SELECT id, agency FROM reports WHERE id NOT IN (SELECT report_id FROM report_agency) ORDER BY id")).all()
    for report_id, agency in missing:
        values: dict[str, Any] = {}
        for tbl, row_id, col_id, value in conn.execute(
                text("SELECT tbl, row_id, col_id, value FROM cells WHERE report_id = :r"), {"r": report_id}):
            values[f"t4.{col_id}" if tbl == "t4" else f"{tbl}.{row_id}.{col_id}"] = value
        for key, value in conn.execute(text("SELECT fact_key, value FROM legacy_facts WHERE report_id = :r"), {"r": report_id}):
            values[f"fact.{key}"] = value
        conn.execute(text("INSERT INTO report_agency (report_id, agency_key, level) VALUES (:r, :k, :l)"),
                     {"r": report_id, "k": agency_key(agency), "l": government_level(agency)})
        rows = indicators(values)
        if rows:
            conn.execute(text(
                "INSERT INTO indicators (report_id, indicator, label, value, numerator, denominator, unit, formula)"
                " VALUES (:report_id, :indicator, :label, :value, :numerator, :denominator, :unit, :formula)"),
                [{"report_id": report_id, **row} for row in rows])
    return len(missing)
