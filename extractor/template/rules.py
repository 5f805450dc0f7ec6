"""The template's rules, read from template.json's equations: instances, inference and checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from extractor.record import Check
from extractor.template.numbers import Number
from extractor.template.slots import Slot
from extractor.template.spec import Rule, Template

_TERM = re.compile(r"([+-])?\s*(t[234][\w.\[\]]*)")


@dataclass(frozen=True, slots=True)
class Instance:
    rule: str
    severity: str
    scope: str
    op: str
    lhs: tuple[tuple[int, str], ...]
    rhs: tuple[tuple[int, str], ...]

    @property
    def keys(self) -> list[str]:
        return [k for _, k in (*self.lhs, *self.rhs)]


def _key(ref: str, var: str | None, value: str | None) -> str:
    """'t3.granted[c]' with c=total → 't3.granted.total'; 't3[r].total' with r=granted → same."""
    resolved = ref.replace(f"[{var}]", f".{value}") if var else ref
    return resolved.replace("[", ".").replace("]", "")


def _side(text: str, var: str | None, value: str | None) -> tuple[tuple[int, str], ...]:
    return tuple((-1 if sign == "-" else 1, _key(ref, var, value)) for sign, ref in _TERM.findall(text))


def instances(rule: Rule) -> list[Instance]:
    """Every instance of an arithmetic rule; cross-year and compound rules have none here."""
    if "(Y" in rule.equation or " AND " in rule.equation or rule.equation.startswith("all "):
        return []
    op = "==" if "==" in rule.equation else ">=" if ">=" in rule.equation else None
    if op is None or not rule.equation.startswith("t") or rule.equation.count(op) != 1:
        return []
    left, right = rule.equation.split(op)
    var_name, values = (rule.for_each[0][0], rule.for_each[0][1]) if rule.for_each else (None, (None,))
    var = {"column": "c", "row": "r"}.get(var_name or "")
    sev = "hard" if rule.severity == "hard" else "soft"
    return [
        Instance(rule.id, sev, value or rule.equation[:2], op, _side(left, var, value), _side(right, var, value))
        for value in values
    ]


def template_instances(t2: Template, t3: Template) -> list[Instance]:
    """t2 rules from the t2 format, t3/t4 rules from the t3 format (reports mix formats)."""
    picked = [r for r in t2.rules if r.equation.startswith("t2")] + [r for r in t3.rules if not r.equation.startswith("t2")]
    return [i for rule in picked for i in instances(rule)]


def _sum(side: tuple[tuple[int, str], ...], slots: dict[str, Slot]) -> Decimal | None:
    total = Decimal(0)
    for sign, key in side:
        slot = slots.get(key)
        if slot is None or slot.value is None:
            return None
        total += sign * Decimal(str(slot.value))
    return total


def _number(value: Decimal) -> Number:
    return int(value) if value == value.to_integral_value() else float(value)


def infer(instances_: list[Instance], slots: dict[str, Slot]) -> list[str]:
    """Fill cells lost in extraction when one hard equation pins them down; repeat until stable."""
    notes: list[str] = []
    changed = True
    while changed:
        changed = False
        for inst in instances_:
            if inst.severity != "hard" or inst.op != "==":
                continue
            unknown = [k for k in inst.keys if k in slots and slots[k].value is None]
            if len(unknown) != 1 or slots[unknown[0]].status != "missing":
                continue
            if any(k not in slots for k in inst.keys):
                continue
            target = unknown[0]
            on_left = any(k == target for _, k in inst.lhs)
            side, other = (inst.lhs, inst.rhs) if on_left else (inst.rhs, inst.lhs)
            sign = next(s for s, k in side if k == target)
            rest = _sum(tuple((s, k) for s, k in side if k != target), slots)
            whole = _sum(other, slots)
            if rest is None or whole is None:
                continue
            value = (whole - rest) * sign
            if value < 0:
                notes.append(f"{target}: {inst.rule} would need {value}; left empty")
                continue
            known = [slots[k] for k in inst.keys if k != target]
            slot = slots[target]
            slot.value, slot.status, slot.method = _number(value), "inferred", "inferred"
            slot.confidence = min((s.confidence for s in known), default=1.0)
            notes.append(f"{target} inferred as {slot.value} from {inst.rule} ({inst.scope})")
            changed = True
    return notes


def check(instances_: list[Instance], slots: dict[str, Slot]) -> list[Check]:
    """One check per rule instance whose cells all hold numbers."""
    checks = []
    for inst in instances_:
        if any(k not in slots for k in inst.keys):
            continue
        actual, expected = _sum(inst.lhs, slots), _sum(inst.rhs, slots)
        if actual is None or expected is None:
            continue
        ok = actual == expected if inst.op == "==" else actual >= expected
        checks.append(Check(rule=inst.rule, scope=inst.scope, ok=ok, expected=_number(expected),
                            actual=_number(actual), severity=inst.severity, cells=inst.keys))
    return checks


def check_nonnegative(slots: dict[str, Slot], signed: set[str], money: set[str]) -> list[Check]:
    """NONNEG_INT, one check per table: counts are integers >= 0, money >= 0, 本年增/减 may be negative."""
    checks = []
    for table in ("t2", "t3", "t4"):
        bad = []
        present = [s for s in slots.values() if s.table == table and s.value is not None]
        for slot in present:
            if slot.key in signed:
                ok = float(slot.value).is_integer()
            elif slot.key in money:
                ok = slot.value >= 0
            else:
                ok = float(slot.value).is_integer() and slot.value >= 0
            if not ok:
                bad.append(slot.key)
        if present:
            checks.append(Check(rule="NONNEG_INT", scope=table, ok=not bad, cells=bad))
    return checks
