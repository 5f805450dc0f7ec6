"""The template's rules, compiled once from template.json into equations every step shares.

Alignment places values with them, inference fills lost cells from them, correction solves them,
checks and ``verified`` come from evaluating them, and ``validate`` recomputes them: one object,
one piece of arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from extractor.record import Check
from extractor.template.numbers import Number
from extractor.template.spec import Rule, template

_TERM = re.compile(r"([+-])?\s*(t[234][\w.\[\]]*)")

Terms = tuple[tuple[int, str], ...]
Values = Mapping[str, Number | None]
"""Cell key ('t3.granted.total') → number, None for a blank; a key not present counts as blank."""


def to_number(value: Decimal) -> Number:
    return int(value) if value == value.to_integral_value() else float(value)


def side_total(side: Terms, values: Values) -> Decimal | None:
    total = Decimal(0)
    for sign, key in side:
        value = values.get(key)
        if value is None:
            return None
        total += sign * Decimal(str(value))
    return total


@dataclass(frozen=True, slots=True)
class Equation:
    """One instance of a template rule: Σ lhs ``op`` Σ rhs over named cells ("==" or ">=")."""

    rule: str
    severity: str
    scope: str
    op: str
    lhs: Terms
    rhs: Terms

    @property
    def keys(self) -> list[str]:
        return [k for _, k in (*self.lhs, *self.rhs)]

    @property
    def hard(self) -> bool:
        return self.severity == "hard"

    @property
    def signed_terms(self) -> Terms:
        """lhs − rhs as one signed sum: the rule holds when it is 0 (==) or ≥ 0 (>=)."""
        return (*self.lhs, *((-sign, key) for sign, key in self.rhs))

    def accepts(self, residual: Decimal) -> bool:
        return residual == 0 if self.op == "==" else residual >= 0

    def sides(self, values: Values) -> tuple[Decimal, Decimal] | None:
        left, right = side_total(self.lhs, values), side_total(self.rhs, values)
        return None if left is None or right is None else (left, right)

    def holds(self, values: Values) -> bool | None:
        """Whether the rule holds; None when one of its cells is blank (not evaluated)."""
        sides = self.sides(values)
        return None if sides is None else self.accepts(sides[0] - sides[1])

    def solve(self, key: str, values: Values) -> Decimal | None:
        """The value of ``key`` that makes an equation hold with the other cells as given."""
        terms = self.signed_terms
        signs = [s for s, k in terms if k == key]
        if self.op != "==" or len(signs) != 1:
            return None
        rest = side_total(tuple(t for t in terms if t[1] != key), values)
        return None if rest is None else -rest * signs[0]

    def check(self, values: Values) -> Check | None:
        """The record's check for this instance, or None when it cannot be evaluated."""
        sides = self.sides(values)
        if sides is None:
            return None
        actual, expected = sides
        return Check(rule=self.rule, scope=self.scope, ok=self.accepts(actual - expected),
                     expected=to_number(expected), actual=to_number(actual), severity=self.severity,  # type: ignore[arg-type]
                     cells=self.keys)


def _key(ref: str, var: str | None, value: str | None) -> str:
    """'t3.granted[c]' with c=total → 't3.granted.total'; 't3[r].total' with r=granted → same."""
    resolved = ref.replace(f"[{var}]", f".{value}") if var else ref
    return resolved.replace("[", ".").replace("]", "")


def _side(text: str, var: str | None, value: str | None) -> Terms:
    return tuple((-1 if sign == "-" else 1, _key(ref, var, value)) for sign, ref in _TERM.findall(text))


def _clauses(rule: Rule) -> list[tuple[str, str, str]]:
    """(lhs, op, rhs) per clause of an arithmetic rule; cross-year and prose rules have none."""
    if "(Y" in rule.equation or not rule.equation.startswith("t"):
        return []
    out = []
    for clause in rule.equation.split(" AND "):
        op = "==" if "==" in clause else ">=" if ">=" in clause else None
        if op is None or clause.count(op) != 1:
            return []
        left, right = clause.split(op)
        out.append((left, op, right))
    return out


def equations(rule: Rule) -> list[Equation]:
    """Every instance of a rule ("AND" clauses become one equation each)."""
    var_name, values = (rule.for_each[0][0], rule.for_each[0][1]) if rule.for_each else (None, (None,))
    var = {"column": "c", "row": "r"}.get(var_name or "")
    sev = "hard" if rule.severity == "hard" else "soft"
    return [
        Equation(rule.id, sev, value or rule.equation[:2], op, _side(left, var, value), _side(right, var, value))
        for left, op, right in _clauses(rule)
        for value in values
    ]


@cache
def rule_set(t2_version: str, t3_version: str) -> tuple[Equation, ...]:
    """t2 rules from the t2 format, t3/t4 rules from the t3 format (reports mix formats)."""
    t2, t3 = template(t2_version), template(t3_version)
    picked = [r for r in t2.rules if r.equation.startswith("t2")] + [r for r in t3.rules if not r.equation.startswith("t2")]
    return tuple(e for rule in picked for e in equations(rule))


def within(rules: tuple[Equation, ...] | list[Equation], keys: list[str], rule: str | None = None) -> list[Equation]:
    """The equations that involve only ``keys`` (a row's own arithmetic), optionally of one rule."""
    inside = set(keys)
    return [e for e in rules if set(e.keys) <= inside and (rule is None or e.rule == rule)]


def infer(rules: tuple[Equation, ...], values: dict[str, Number | None], missing: set[str]
          ) -> tuple[dict[str, Equation], list[str]]:
    """Fill cells lost in extraction (``missing``) that one hard equation pins down; repeat until stable.

    ``values`` is updated in place; returns the equation that gave each filled cell, and notes.
    """
    found: dict[str, Equation] = {}
    notes: list[str] = []
    changed = True
    while changed:
        changed = False
        for eq in rules:
            if not eq.hard or eq.op != "==" or any(k not in values for k in eq.keys):
                continue
            unknown = [k for k in eq.keys if values[k] is None]
            if len(unknown) != 1 or unknown[0] not in missing - found.keys():
                continue
            value = eq.solve(unknown[0], values)
            if value is None:
                continue
            if value < 0:
                notes.append(f"{unknown[0]}: {eq.rule} would need {value}; left empty")
                continue
            values[unknown[0]] = to_number(value)
            found[unknown[0]] = eq
            changed = True
    return found, list(dict.fromkeys(notes))


def checks(rules: tuple[Equation, ...], values: Values) -> list[Check]:
    """One check per rule instance whose cells all hold numbers."""
    return [c for c in (eq.check(values) for eq in rules) if c is not None]


def verified(rules: tuple[Equation, ...], values: Values, inferred: Mapping[str, Equation],
             doubtful: Set[str] = frozenset(), weak: Set[str] = frozenset(),
             copied: Set[str] = frozenset()) -> set[str]:
    """Cells at least one evaluated, passing hard equation covers.

    An equation that filled a lost cell holds by construction, so it verifies none of its cells;
    nor does one with a ``doubtful`` (suspect) cell: it may pass only because that wrong value
    balances another wrong one (a lost minus, −64 for 64, offsetting 128 read in the wrong column);
    nor one over two or more ``weak`` readings, which can be wrong together and still balance (two
    fax "0"s read "1", a part and its total); nor one that holds as an equality of two numbers (its
    other cells 0) with a weak reading among them: a fax that lost the "1" of a "12" from both halves
    of such a pair leaves "2" = "2", the weak one's doubt the only trace of it. The same holds for any
    reading among ``copied`` (cells read off a fax page): one number printed twice alike is degraded
    alike, and a "261" printed "26" over "1" read "26" in both its part and its total, sure of each
    (fax seed 1992), with nothing weak to tell.
    """
    used = set(inferred.values())
    return {k for eq in rules if eq.hard and eq not in used and not doubtful & set(eq.keys)
            and len(weak & set(eq.keys)) < 2 and not _weak_pair(eq, values, weak | copied) and eq.holds(values)
            for k in eq.keys}


def _weak_pair(eq: Equation, values: Values, weak: Set[str]) -> bool:
    """Whether ``eq`` comes down to two numbers, one of them a weak reading (``verified``)."""
    numbers = [k for k in eq.keys if values.get(k)]
    return len(numbers) == 2 and bool(weak & set(numbers))


def nonnegative(values: Values, tables: Mapping[str, str], signed: set[str], money: set[str]) -> list[Check]:
    """NONNEG_INT, one check per table: counts are integers >= 0, money >= 0, 本年增/减 may be negative.

    ``tables`` maps each key to its table ("t2" …), so a record's cells and the stage's slots share it.
    """
    out = []
    for table in ("t2", "t3", "t4"):
        present = [k for k, v in values.items() if tables.get(k) == table and v is not None]
        bad = [k for k in present if not _in_range(values[k], k in signed, k in money)]  # type: ignore[arg-type]
        if present:
            out.append(Check(rule="NONNEG_INT", scope=table, ok=not bad, cells=bad))
    return out


def _in_range(value: Number, signed: bool, money: bool) -> bool:
    if money:
        return value >= 0
    return float(value).is_integer() and (signed or value >= 0)


def typed_keys(t2_version: str) -> tuple[set[str], set[str]]:
    """Keys of signed (本年增/减) and money cells, which NONNEG_INT treats apart."""
    signed, money = set(), set()
    for block in template(t2_version).t2:
        for col in block.columns:
            for spec in block.rows:
                key = f"t2.{block.id}.{spec.id}.{col.id}"
                if col.type == "signed_int":
                    signed.add(key)
                elif col.type == "money":
                    money.add(key)
    return signed, money
