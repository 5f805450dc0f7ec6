"""The rules as an error detector: a failing check sends the OCR'd cells it names to be read again.

A cell is corrected only when (1) changing it alone satisfies every failing rule of its group
without breaking a rule that held, and (2) of all cells for which (1) holds, it is the only one
whose independent re-read (another engine, another preprocessing, a larger scale) gives that very
value. A cell in both a row and a column rule usually has (1) alone; a part of a single sum needs
(2) to single it out. Anything less leaves the values as read and marks the cells "suspect": a
wrong number may be flagged, never silently kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from extractor.geometry import Box
from extractor.template.numbers import Number, parse_number
from extractor.template.rules import Instance
from extractor.template.slots import Slot

Reading = tuple[str, float, str]
Rereader = Callable[[int, Box], list[Reading]]
"""(page, cell bbox in points) → readings (digits, confidence, variant label); [] when it cannot re-read."""

MIN_VOTES = 2
LOW_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Fix:
    key: str
    value: Number


def rereadable(slot: Slot) -> bool:
    """Read by OCR on a page image we still hold: text-layer cells are not second-guessed."""
    span = slot.span
    return (slot.status == "read" and slot.value is not None and span is not None and span.method == "ocr"
            and span.page is not None and span.bbox is not None)


def _total(side: tuple[tuple[int, str], ...], slots: dict[str, Slot], key: str = "", value: Decimal | None = None
           ) -> Decimal | None:
    out = Decimal(0)
    for sign, k in side:
        v = value if k == key else (slots[k].value if k in slots else None)
        if v is None:
            return None
        out += sign * Decimal(str(v))
    return out


def holds(inst: Instance, slots: dict[str, Slot], key: str = "", value: Decimal | None = None) -> bool | None:
    """Whether ``inst`` holds (with ``key`` set to ``value`` if given); None when a cell is empty."""
    left, right = _total(inst.lhs, slots, key, value), _total(inst.rhs, slots, key, value)
    if left is None or right is None:
        return None
    return left == right if inst.op == "==" else left >= right


def failing(instances: list[Instance], slots: dict[str, Slot]) -> list[Instance]:
    return [i for i in instances if i.severity == "hard" and holds(i, slots) is False]


def solve(inst: Instance, key: str, slots: dict[str, Slot]) -> Decimal | None:
    """The value of ``key`` that makes an equation hold, the other cells as read."""
    if inst.op != "==":
        return None
    on_left = any(k == key for _, k in inst.lhs)
    side, other = (inst.lhs, inst.rhs) if on_left else (inst.rhs, inst.lhs)
    sign = next(s for s, k in side if k == key)
    rest = _total(tuple(t for t in side if t[1] != key), slots)
    whole = _total(other, slots)
    return None if rest is None or whole is None else (whole - rest) * sign


def groups(bad: list[Instance]) -> list[list[Instance]]:
    """Failing instances that share cells belong together: one wrong cell breaks them all."""
    out: list[list[Instance]] = []
    for inst in bad:
        linked = [g for g in out if any(set(inst.keys) & set(i.keys) for i in g)]
        merged = [inst] + [i for g in linked for i in g]
        out = [g for g in out if g not in linked] + [merged]
    return out


def solutions(group: list[Instance], instances: list[Instance], slots: dict[str, Slot],
              signed: set[str]) -> list[Fix]:
    """Every (cell, value) that alone satisfies the whole failing group and breaks no rule that held."""
    fixes = []
    for key in dict.fromkeys(k for inst in group for k in inst.keys):
        if key not in slots or not rereadable(slots[key]) or not all(key in i.keys for i in group):
            continue
        values = {solve(i, key, slots) for i in group}
        if len(values) != 1 or None in values:
            continue
        value = values.pop()
        if value is None or value != value.to_integral_value() or (value < 0 and key not in signed):
            continue
        if all(holds(i, slots, key, value) is not False for i in instances if key in i.keys):
            fixes.append(Fix(key, int(value)))
    return fixes


def consensus(readings: list[Reading]) -> tuple[Number, Reading] | None:
    """The value most re-reads give (at least MIN_VOTES of them), with its most confident reading."""
    parsed = [(parse_number(r[0]), r) for r in readings]
    votes = Counter(v for v, _ in parsed if v is not None)
    if not votes:
        return None
    ranked = votes.most_common()
    value, count = ranked[0]
    if count < MIN_VOTES or (len(ranked) > 1 and ranked[1][1] == count):
        return None
    return value, max((r for v, r in parsed if v == value), key=lambda r: r[1])


def _reread(slot: Slot, rereader: Rereader) -> list[Reading]:
    span = slot.span
    assert span is not None and span.page is not None and span.bbox is not None
    return rereader(span.page, span.bbox)


def _apply(slot: Slot, value: Number, reading: Reading) -> None:
    digits, confidence, label = reading
    assert slot.span is not None
    slot.value, slot.raw, slot.status, slot.confidence = value, digits, "corrected", round(confidence, 3)
    slot.method = "ocr"
    slot.span = replace(slot.span, text=digits, engine=label, confidence=round(confidence, 3))


def _confirmed(fixes: list[Fix], slots: dict[str, Slot], rereader: Rereader) -> list[tuple[Fix, Reading]]:
    out = []
    for fix in fixes:
        agreed = consensus(_reread(slots[fix.key], rereader))
        if agreed is not None and agreed[0] == fix.value:
            out.append((fix, agreed[1]))
    return out


def correct(instances: list[Instance], slots: dict[str, Slot], rereader: Rereader, signed: set[str]) -> list[str]:
    """Correct or mark "suspect" the OCR'd cells of failing hard rules; warnings say which and why."""
    notes: list[str] = []
    for group in groups(failing(instances, slots)):
        confirmed = _confirmed(solutions(group, instances, slots, signed), slots, rereader)
        if len(confirmed) == 1:
            fix, reading = confirmed[0]
            slot = slots[fix.key]
            notes.append(f"{fix.key} corrected from {slot.value} to {fix.value} "
                         f"({', '.join(sorted({i.rule for i in group}))}; re-read by {reading[2]})")
            _apply(slot, fix.value, reading)
            continue
        doubtful = sorted({k for i in group for k in i.keys if k in slots and rereadable(slots[k])})
        for key in doubtful:
            slots[key].status = "suspect"
        if doubtful:
            notes.append(f"suspect after failing {', '.join(sorted({i.scope for i in group}))}: {', '.join(doubtful)}")
    return notes


def _doubt(slot: Slot, readings: list[Reading], signed: bool) -> str:
    """Why a cell no rule covers cannot be taken as read ("" when the re-reads back it)."""
    agreed = consensus(readings)
    if agreed is None or agreed[0] != parse_number(slot.raw or ""):
        return "re-reads disagree"
    if signed and len({r[0].startswith(("-", ".")) for r in readings} | {str(slot.raw).startswith("-")}) > 1:
        return "sign uncertain"
    return ""


def audit_unruled(instances: list[Instance], slots: dict[str, Slot], signed: set[str], rereader: Rereader
                  ) -> list[str]:
    """Cells no hard rule covers get a second opinion; one that does not back the reading → suspect.

    Every 本年增/减 cell is re-read (a lost minus goes unseen otherwise); other unruled cells only
    when OCR's own confidence was low.
    """
    ruled = {k for i in instances if i.severity == "hard" for k in i.keys}
    doubtful = {k for k, s in slots.items() if k not in ruled and s.confidence < LOW_CONFIDENCE}
    notes = []
    for key in sorted(signed | doubtful):
        slot = slots.get(key)
        if slot is None or not rereadable(slot):
            continue
        readings = _reread(slot, rereader)
        why = _doubt(slot, readings, key in signed)
        if why:
            slot.status = "suspect"
            notes.append(f"{key}: suspect ({why}; read {slot.raw!r}, re-read {[r[0] for r in readings]})")
    return notes


def audit_blanks(slots: dict[str, Slot]) -> list[str]:
    """An OCR'd cell read as blank although it holds ink (low confidence) may be a lost number."""
    doubtful = sorted(k for k, s in slots.items() if s.status == "read" and s.value is None and not s.raw
                      and s.span is not None and s.span.method == "ocr" and s.span.confidence < LOW_CONFIDENCE)
    for key in doubtful:
        slots[key].status = "suspect"
    return [f"suspect: ink but no reading in {', '.join(doubtful)}"] if doubtful else []
