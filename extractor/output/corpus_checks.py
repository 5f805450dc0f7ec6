"""Checks across one agency's reports in a database: carries between years, duplicates, copied sections.

- T3_CROSS_YEAR_CARRY: 表三 结转下年度继续办理 of year N = 上年结转 of year N+1, per column;
- T2_2021_IN_FORCE_CARRY: 现行有效件数 of N + 本年制发 − 本年废止 (N+1) = 现行有效件数 of N+1 (2021 format);
- T2_2019_ITEM_CARRY: 上一年项目数量 of N+1 = 上一年项目数量 + 本年增/减 of N (2019 format, 第二十条 5/6/8);
- DUPLICATE_REPORT: the same agency and year loaded from two different files;
- COPIED_SECTION: a prose section repeating most of its sentences from an earlier year's same section
  (table rows and section 六's fixed notes left out; thresholds in corpus_checks.json).
Each finding names both reports (id, path, year) and both cells. Agencies are grouped by
:func:`extractor.output.agencies.agency_key`; the rules' columns and rows come from template.json.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from extractor.errors import BadArgsError, OutputAccessError
from extractor.output.agencies import agency_key
from extractor.output.archive import refresh_derived
from extractor.output.levels import government_level
from extractor.resources import load_json

_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]")  # a sentence ends with its stop: captions and cells are not prose


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    agency: str
    level: str | None
    year_a: int
    report_a: int
    path_a: str
    cell_a: str | None
    year_b: int
    report_b: int
    path_b: str
    cell_b: str | None
    expected: float | None
    actual: float | None
    detail: str

    def line(self) -> str:
        """One line for the terminal: the rule, both reports and cells, what was expected and found."""
        where_a = f"{self.year_a} #{self.report_a} {self.cell_a or ''}".strip()
        where_b = f"{self.year_b} #{self.report_b} {self.cell_b or ''}".strip()
        return f"{self.check}\t{self.agency}\t{where_a}\t{where_b}\t{self.detail}"


FINDING_COLUMNS = [f.name for f in fields(Finding)]


@dataclass(slots=True)
class _Report:
    id: int
    path: str
    year: int
    cells: dict[str, float | None]
    sections: dict[str, str]


@cache
def _rule_targets() -> tuple[list[str], list[str], list[str]]:
    """Columns of T3_CROSS_YEAR_CARRY, rows of T2_2021_IN_FORCE_CARRY, block rows of T2_2019_ITEM_CARRY."""
    formats = load_json("template.json")["formats"]
    rules = {r["id"]: r for r in formats["2021"]["rules"]} | {r["id"]: r for r in formats["2019"]["rules"]}
    return (rules["T3_CROSS_YEAR_CARRY"]["for_each"]["column"], rules["T2_2021_IN_FORCE_CARRY"]["for_each"]["row"],
            rules["T2_2019_ITEM_CARRY"]["for_each"]["block_row"])


def _corpus(conn: Connection, former_names: dict[str, str] | None) -> dict[str, list[_Report]]:
    """Reports with a year, grouped by normalised agency, with the cells and sections the checks read."""
    reports: dict[int, _Report] = {}
    groups: dict[str, list[_Report]] = defaultdict(list)
    for rid, path, agency, year in conn.execute(text("SELECT id, path, agency, year FROM reports ORDER BY year, id")):
        key = agency_key(agency, former_names)
        if key is None or year is None:
            continue
        reports[rid] = _Report(rid, path, year, {}, {})
        groups[key].append(reports[rid])
    cells = conn.execute(text(
        "SELECT report_id, tbl, row_id, col_id, value FROM cells WHERE (tbl = 't3' AND row_id IN ('carried_forward', 'carried_over'))"
        " OR tbl = 't2'"))
    for rid, tbl, row_id, col_id, value in cells:
        if rid in reports:
            reports[rid].cells[f"{tbl}.{row_id}.{col_id}"] = value
    for rid, section, body in conn.execute(text("SELECT report_id, section, text FROM sections")):
        if rid in reports:
            reports[rid].sections[section] = body
    return groups


def _finding(check: str, agency: str, a: _Report, cell_a: str | None, b: _Report, cell_b: str | None,
             expected: float | None, actual: float | None, detail: str) -> Finding:
    return Finding(check, agency, government_level(agency), a.year, a.id, a.path, cell_a, b.year, b.id, b.path, cell_b,
                   expected, actual, detail)


def _carries(agency: str, a: _Report, b: _Report) -> list[Finding]:
    columns, rows, item_rows = _rule_targets()
    out = []
    for col in columns:
        forward, over = a.cells.get(f"t3.carried_forward.{col}"), b.cells.get(f"t3.carried_over.{col}")
        if forward is not None and over is not None and forward != over:
            out.append(_finding("T3_CROSS_YEAR_CARRY", agency, a, f"t3.carried_forward.{col}", b, f"t3.carried_over.{col}",
                                forward, over, f"结转下年度 {a.year}: {forward:g} ≠ 上年结转 {b.year}: {over:g}"))
    for row in rows:
        base = f"t2.art20_1.{row}"
        before, after = a.cells.get(f"{base}.in_force"), b.cells.get(f"{base}.in_force")
        issued, abolished = b.cells.get(f"{base}.issued"), b.cells.get(f"{base}.abolished")
        if None in (before, after, issued, abolished):
            continue
        expected = before + issued - abolished  # type: ignore[operator]
        if expected != after:
            out.append(_finding("T2_2021_IN_FORCE_CARRY", agency, a, f"{base}.in_force", b, f"{base}.in_force", expected, after,
                                f"现行有效 {a.year}: {before:g} + 制发 {issued:g} − 废止 {abolished:g} = {expected:g} ≠ {b.year}: {after:g}"))
    for block_row in item_rows:
        base = f"t2.{block_row}"
        items, change, later = (a.cells.get(f"{base}.prev_year_items"), a.cells.get(f"{base}.change"),
                                b.cells.get(f"{base}.prev_year_items"))
        if None in (items, change, later) or items + change == later:  # type: ignore[operator]
            continue
        expected = items + change  # type: ignore[operator]
        out.append(_finding("T2_2019_ITEM_CARRY", agency, a, f"{base}.change", b, f"{base}.prev_year_items", expected, later,
                            f"上一年项目 {a.year}: {items:g} + 增/减 {change:g} = {expected:g} ≠ {b.year}: {later:g}"))
    return out


def _sentences(body: str) -> list[str]:
    limit = load_json("corpus_checks.json")["copy"]["min_chars"]
    prose = "\n".join(line for line in body.splitlines() if "\t" not in line)
    flat = (re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)) for s in _SENTENCE.findall(prose))
    return [s for s in flat if len(s) >= limit]


def _copies(agency: str, a: _Report, b: _Report) -> list[Finding]:
    rule = load_json("corpus_checks.json")["copy"]
    out = []
    for section in sorted(a.sections.keys() & b.sections.keys() & set(rule["sections"])):
        earlier, later = set(_sentences(a.sections[section])), _sentences(b.sections[section])
        if len(later) < rule["min_sentences"]:
            continue
        repeated = sum(1 for s in later if s in earlier)
        share = repeated / len(later)
        if share >= rule["min_share"]:
            out.append(_finding("COPIED_SECTION", agency, a, f"sections.{section}", b, f"sections.{section}", None, round(share, 3),
                                f"{repeated} of {len(later)} sentences of {section} repeated from {a.year}"))
    return out


def corpus_checks(conn: Connection, former_names: dict[str, str] | None = None) -> list[Finding]:
    """Every finding across the database, by agency then year."""
    findings: list[Finding] = []
    for agency, reports in sorted(_corpus(conn, former_names).items()):
        by_year: dict[int, list[_Report]] = defaultdict(list)
        for report in reports:
            by_year[report.year].append(report)
        for year, same in sorted(by_year.items()):
            for a, b in combinations(same, 2):
                findings.append(_finding("DUPLICATE_REPORT", agency, a, None, b, None, None, None,
                                         f"{year} loaded twice: {a.path} and {b.path}"))
            for a in same:
                for b in by_year.get(year + 1, []):
                    findings.extend(_carries(agency, a, b))
        for a, b in combinations(reports, 2):
            if a.year < b.year:
                findings.extend(_copies(agency, a, b))
    return findings


def findings_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [asdict(f) for f in findings]


def former_names_file(path: Path | None) -> dict[str, str]:
    """``{"former_names": {old: new}}`` from a JSON file the user keeps; a bad file is a bad argument."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = data["former_names"]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
            raise TypeError
        return names
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise BadArgsError(f"{path}: not a JSON file of the form {{\"former_names\": {{\"old name\": \"new name\"}}}}") from None


def check_database(url: str, former_names: dict[str, str] | None = None) -> list[Finding]:
    """Open the database, fill derived rows for reports loaded before migration 2, run every check."""
    from extractor.output.db import connect_db

    engine = connect_db(url)
    try:
        with engine.begin() as conn:
            refresh_derived(conn)
            return corpus_checks(conn, former_names)
    except SQLAlchemyError as exc:
        raise OutputAccessError(f"cannot read the database: {str(getattr(exc, 'orig', exc)).splitlines()[0]}") from exc
    finally:
        engine.dispose()
