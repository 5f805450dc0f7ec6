"""Re-derive what a record says about its tables from its own numbers: the logic of `nianbao validate`.

A record is consistent when its tables and cells[] hold the same template cells with the same
values, every check is the rule instance it names recomputed from those cells, every rule
instance that can be evaluated is stated, each cell's ``verified`` and status agree with the rules,
and no number is NaN or infinite. :func:`disagreements` yields one line per breach, first first.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from extractor.record import Cell, Check, Report, Tables
from extractor.resources import load_json
from extractor.template.rules import (Equation, infer, nonnegative, rule_set, side_total, to_number, typed_keys,
                                      verified)
from extractor.template.spec import FORMATS, template


def _non_finite(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, float) and not math.isfinite(value):
        yield f"{path}: {value} is not a finite number"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, f"{path}[{index}]")


def template_keys(t2_version: str, t3_version: str) -> set[str]:
    """Every cell key the two templates define (t2 from one, t3 and t4 from the other)."""
    t2, t3 = template(t2_version), template(t3_version)
    keys = {f"t2.{b.id}.{r.id}.{c.id}" for b in t2.t2 for r in b.rows for c in b.columns}
    keys |= {f"t3.{r.id}.{c.id}" for r in t3.t3_data_rows for c in t3.t3_cols}
    return keys | {f"t4.{c.id}" for c in t3.t4_cols}


def flat_tables(tables: Tables) -> dict[str, Any]:
    out: dict[str, Any] = {f"t4.{col}": v for col, v in tables.t4.items()}
    out |= {f"t3.{row}.{col}": v for row, cols in tables.t3.items() for col, v in cols.items()}
    return out | {f"t2.{block}.{row}.{col}": v for block, rows in tables.t2.items()
                  for row, cols in rows.items() for col, v in cols.items()}


def cell_key(cell: Cell) -> str:
    return ".".join(p for p in (cell.table, cell.row, cell.col) if p)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(str(a)) == Decimal(str(b)) or math.isclose(a, b, rel_tol=1e-9)


def formats_of(report: Report, values: dict[str, Any]) -> tuple[str, str] | str:
    """(t2, t3) template versions, or the reason the tables cannot be checked against a template."""
    stated = report.metadata.table_formats
    for table, fmt_of in (("t2", "t2"), ("t3", "t3"), ("t4", "t3")):
        if any(k.startswith(f"{table}.") for k in values) and stated.get(fmt_of) not in FORMATS:
            return f"tables.{table}: metadata.table_formats.{fmt_of} is {stated.get(fmt_of)!r}, not a template format"
    t2, t3 = stated.get("t2"), stated.get("t3")
    return (t2 if t2 in FORMATS else "2021"), (t3 if t3 in FORMATS else "2021")


def _cells(report: Report, values: dict[str, Any], known: set[str]) -> Iterator[str]:
    """tables ↔ cells[]: the same keys, the same values, statuses that fit the values."""
    seen: set[str] = set()
    for index, cell in enumerate(report.cells):
        key, where = cell_key(cell), f"cells[{index}] {cell_key(cell)}"
        if key not in known:
            yield f"{where}: no such cell in the template"
        elif key in seen:
            yield f"{where}: cell given twice"
        elif key not in values:
            yield f"{where}: not in tables"
        elif not _same(cell.value, values[key]):
            yield f"{where}: value {cell.value} but tables say {values[key]}"
        elif cell.status == "missing" and cell.value is not None:
            yield f"{where}: status missing with value {cell.value}"
        elif cell.status == "inferred" and cell.value is None:
            yield f"{where}: status inferred without a value"
        seen.add(key)
    for key in sorted(values.keys() - seen):
        yield f"tables.{key}: no cell in cells[]"


def _equation_check(check: Check, eq: Equation, values: dict[str, Any]) -> str:
    """How ``check`` differs from ``eq`` recomputed ("" when it does not).

    A side naming a cell outside the template (a printed subtotal the record has no column for)
    is taken as stated; the other side and ``ok`` are still recomputed.
    """
    if any(k in values and values[k] is None for k in eq.keys):
        return "its cells are not all numbers in the tables"
    sides = []
    for terms, stated in ((eq.lhs, check.actual), (eq.rhs, check.expected)):
        total = side_total(terms, values)
        sides.append(total if total is not None else None if stated is None else Decimal(str(stated)))
    actual, expected = sides
    if actual is None or expected is None:
        return "actual or expected missing"
    if not _same(check.actual, to_number(actual)):
        return f"actual {check.actual}, the cells give {to_number(actual)}"
    if not _same(check.expected, to_number(expected)):
        return f"expected {check.expected}, the cells give {to_number(expected)}"
    ok = eq.accepts(actual - expected)
    if check.ok != ok or check.severity != eq.severity:
        return f"ok={check.ok} ({check.severity}), the cells give ok={ok} ({eq.severity})"
    return ""


def _checks(report: Report, values: dict[str, Any], rules: tuple[Equation, ...], t2_version: str,
            known: set[str]) -> Iterator[str]:
    by_id = {(e.rule, e.scope, tuple(e.keys)): e for e in rules}
    stated_facts = {f["rule"] for f in load_json("facts.json")["facts"]}
    signed, money = typed_keys(t2_version)
    tables = {k: k.split(".", 1)[0] for k in values}
    nonneg = {c.scope: c for c in nonnegative(values, tables, signed & values.keys(), money & values.keys())}
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for index, check in enumerate(report.checks):
        ident = (check.rule, check.scope, tuple(check.cells))
        where = f"checks[{index}] {check.rule} ({check.scope})"
        eq = by_id.get(ident)
        unknown = [k for k in check.cells if k not in values and (eq is None or k in known or k not in eq.keys)]
        if ident in seen:
            why = "stated twice"
        elif unknown:
            why = f"names {unknown[0]}, which the record does not hold"
        elif eq is not None:
            why = _equation_check(check, eq, values)
        elif check.rule == "NONNEG_INT":
            implied = nonneg.get(check.scope)
            why = "" if implied is not None and (check.ok, check.cells) == (implied.ok, implied.cells) else \
                f"ok={check.ok} cells={check.cells}, the tables give " + \
                (f"ok={implied.ok} cells={implied.cells}" if implied else "no such check")
        elif check.rule in stated_facts and len(check.cells) == 1:
            cell = values[check.cells[0]]
            why = "" if _same(check.actual, cell) and check.expected is not None and \
                check.ok == _same(check.actual, check.expected) else \
                f"actual {check.actual} (cell {cell}), expected {check.expected}, ok={check.ok}"
        else:
            why = "no such rule instance in the template"
        if why:
            yield f"{where}: {why}"
        seen.add(ident)
    for eq in rules:
        if (eq.rule, eq.scope, tuple(eq.keys)) not in seen and eq.check(values) is not None:
            yield f"{eq.rule} ({eq.scope}): the tables evaluate it but the record states no check"
    for scope in sorted(nonneg.keys() - {c.scope for c in report.checks if c.rule == "NONNEG_INT"}):
        yield f"NONNEG_INT ({scope}): the tables evaluate it but the record states no check"


def verified_cells(report: Report, values: dict[str, Any], rules: tuple[Equation, ...]) -> tuple[set[str], dict[str, Any]]:
    """The cells the rules verify, and the values the rules give for the record's inferred cells."""
    inferred = {cell_key(c) for c in report.cells if c.status == "inferred"}
    suspect = {cell_key(c) for c in report.cells if c.status == "suspect"}
    again = {k: v for k, v in values.items() if k not in inferred | suspect}
    again |= dict.fromkeys(inferred | suspect)
    basis, _ = infer(rules, again, inferred)
    return verified(rules, values, basis, suspect) - suspect, {k: again[k] for k in inferred}


def _verified(report: Report, values: dict[str, Any], rules: tuple[Equation, ...]) -> Iterator[str]:
    """Inferred cells as the rules give them; ``verified`` as the rules give it.

    A record written before ``verified`` existed is not judged on it.
    """
    covered, inferred = verified_cells(report, values, rules)
    for index, cell in enumerate(report.cells):
        key = cell_key(cell)
        where = f"cells[{index}] {key}"
        if key in inferred and not _same(inferred[key], cell.value):
            yield f"{where}: inferred as {cell.value}, the rules give {inferred[key]}"
        if "verified" in cell.model_fields_set and cell.verified != (key in covered):
            yield f"{where}: verified={cell.verified}, the rules give {key in covered}"


def disagreements(report: Report) -> Iterator[str]:
    """Every way the record contradicts itself or the template, in a stable order."""
    broken = list(_non_finite(report.model_dump(), ""))
    if broken:
        yield from broken
        return
    values = flat_tables(report.tables)
    formats = formats_of(report, values)
    if isinstance(formats, str):
        yield formats
        return
    known = template_keys(*formats)
    for key in sorted(values.keys() - known):
        yield f"tables.{key}: no such row or column in the template"
    yield from _cells(report, values, known)
    rules = rule_set(*formats)
    yield from _checks(report, values, rules, formats[0], known)
    yield from _verified(report, values, rules)
