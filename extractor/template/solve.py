"""The template's rules seen from one cell, and a record's checks derived anew after a person's decision.

Used after extraction, when a reviewer settles flagged cells: the record's tables are the only input,
and the same equations that extraction and ``validate`` use give every figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.record import Check, Report
from extractor.resources import load_json
from extractor.template.numbers import Number
from extractor.template.rules import Equation, nonnegative, rule_set, to_number, typed_keys
from extractor.template.verify import cell_key, flat_tables, formats_of, verified_cells


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    sign: int
    value: Number | None


@dataclass(frozen=True, slots=True)
class Covering:
    """One rule instance over a cell: both sides with their values, and the value that would satisfy it."""

    rule: str
    scope: str
    op: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    ok: bool | None
    needed: Number | None


def _rules(report: Report) -> tuple[tuple[Equation, ...], str]:
    formats = formats_of(report, flat_tables(report.tables))
    t2, t3 = formats if isinstance(formats, tuple) else ("2021", "2021")
    return rule_set(t2, t3), t2


def coverings(report: Report, key: str) -> list[Covering]:
    """The rule instances whose cells include ``key``, evaluated on the record's tables."""
    values = flat_tables(report.tables)
    rules, _ = _rules(report)
    out = []
    for eq in rules:
        if key not in eq.keys:
            continue
        lhs = tuple(Term(k, s, values.get(k)) for s, k in eq.lhs)
        rhs = tuple(Term(k, s, values.get(k)) for s, k in eq.rhs)
        needed = eq.solve(key, values)
        out.append(Covering(eq.rule, eq.scope, eq.op, lhs, rhs, eq.holds(values),
                            None if needed is None else to_number(needed)))
    return out


def _stated_fact(check: Check, values: dict[str, Number | None]) -> Check:
    """A number stated in the text against its cell, with the cell's current value."""
    actual = values.get(check.cells[0])
    return check.model_copy(update={"actual": actual, "ok": actual is not None and actual == check.expected})


def rederive(report: Report) -> None:
    """Checks and ``verified`` recomputed from the tables in place; checks the tables cannot evaluate
    (a printed subtotal column the record does not keep) are left as they were."""
    values = flat_tables(report.tables)
    rules, t2 = _rules(report)
    by_id = {(e.rule, e.scope, tuple(e.keys)): e for e in rules}
    facts = {f["rule"] for f in load_json("facts.json")["facts"]}
    signed, money = typed_keys(t2)
    tables = {k: k.split(".", 1)[0] for k in values}
    nonneg = nonnegative(values, tables, signed & values.keys(), money & values.keys())
    kept: list[Check] = []
    for check in report.checks:
        eq = by_id.get((check.rule, check.scope, tuple(check.cells)))
        if check.rule == "NONNEG_INT":
            continue
        if eq is not None:
            if eq.check(values) is None and any(k not in values for k in eq.keys):
                kept.append(check)
            continue
        kept.append(_stated_fact(check, values) if check.rule in facts and len(check.cells) == 1 else check)
    evaluated = [c for c in (eq.check(values) for eq in rules) if c is not None]
    report.checks = evaluated + nonneg + kept
    covered, _ = verified_cells(report, values, rules)
    for cell in report.cells:
        cell.verified = cell_key(cell) in covered
