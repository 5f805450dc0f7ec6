"""The template's rules seen from one cell: which rules cover it, and what value would make them hold.

Used after extraction, when a person settles a flagged cell: the record's tables are the only input.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from extractor.record import Check, Tables
from extractor.template.numbers import Number
from extractor.template.rules import Instance, check, check_nonnegative, template_instances
from extractor.template.slots import Slot
from extractor.template.spec import template
from extractor.template.tables import _slots_from_record, _typed_keys


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


def _instances(formats: dict[str, str]) -> list[Instance]:
    return template_instances(template(formats.get("t2", "2021")), template(formats.get("t3", "2021")))


def implied_checks(tables: Tables, formats: dict[str, str]) -> list[Check]:
    """Every check the tables imply (rule instances and NONNEG_INT), as extraction computes them."""
    slots = _slots_from_record(tables)
    signed, money = _typed_keys(slots, formats.get("t2", "2021"))
    return check(_instances(formats), slots) + check_nonnegative(slots, signed, money)


def recomputable_rules(formats: dict[str, str]) -> set[str]:
    return {i.rule for i in _instances(formats)} | {"NONNEG_INT"}


def _value(slots: dict[str, Slot], key: str) -> Number | None:
    slot = slots.get(key)
    return slot.value if slot else None


def _total(terms: tuple[Term, ...], skip: str | None = None) -> Decimal | None:
    values = [(t.sign, t.value) for t in terms if t.key != skip]
    if any(v is None for _, v in values):
        return None
    return sum((Decimal(str(v)) * s for s, v in values), Decimal(0))


def _needed(inst_op: str, lhs: tuple[Term, ...], rhs: tuple[Term, ...], key: str) -> Number | None:
    """Solve the instance for ``key`` with every other cell as it stands (None when it cannot)."""
    side, other = (lhs, rhs) if any(t.key == key for t in lhs) else (rhs, lhs)
    sign = next(t.sign for t in side if t.key == key)
    rest, whole = _total(side, skip=key), _total(other)
    if rest is None or whole is None:
        return None
    value = (whole - rest) * sign
    if inst_op == ">=":
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def coverings(tables: Tables, formats: dict[str, str], key: str) -> list[Covering]:
    """The rule instances whose cells include ``key``, evaluated on the record's tables."""
    slots = _slots_from_record(tables)
    out = []
    for inst in _instances(formats):
        if key not in inst.keys:
            continue
        lhs = tuple(Term(k, s, _value(slots, k)) for s, k in inst.lhs)
        rhs = tuple(Term(k, s, _value(slots, k)) for s, k in inst.rhs)
        actual, expected = _total(lhs), _total(rhs)
        ok = None if actual is None or expected is None else (
            actual == expected if inst.op == "==" else actual >= expected)
        out.append(Covering(inst.rule, inst.scope, inst.op, lhs, rhs, ok, _needed(inst.op, lhs, rhs, key)))
    return out
