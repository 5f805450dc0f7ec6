"""Cells a fax page erased, filled where the table's arithmetic pins them down: suspect values.

A page binarised so lightly that its glyphs fell apart (``light-page``) leaves some cells as specks
or nothing: office_2021_00009's fax lost whole rows of zeros that way (its page 4), and no reader,
human or model, can read them back from the ink. A darker fax loses single zeros the same way: a 0
whose arcs broke into specks reads blank. The table's hard equations still say what they hold where
the other cells of an equation are read: counts are never negative, so blanks that all stand on one
side of an equation and must together make 0 are each 0 (a row whose total reads 0; a column total
of 0 over its rows; 0 + 0 = processed + carried forward). ``rules.infer`` cannot act here: on a fax
every cell it would rest on is a weak reading (suspect as a fax page's, ``correct.audit_faxed``),
which is why this fills, and only on a fax page. On a light page any blank may be an erased number;
on a darker one only a blank whose cell held ink is (layout reads a clean cell as surely blank): a
report that leaves its zeros blank (上海 2019) has blanks no rule should fill.

What is filled is what the weak readings around it imply, not what the ink shows: method
``inferred``, status ``suspect`` always (a wrong neighbour makes a wrong fill, flagged, never a silent
one; and status ``inferred`` is kept for what ``rules.infer`` gives from trusted cells, as the record's
own check re-derives it: ``verify.verified_cells``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from extractor.ingest.marks import LIGHT_PAGE
from extractor.template.misreads import pins_needed
from extractor.template.numbers import Number
from extractor.template.rules import Equation, side_total, to_number
from extractor.template.spec import threshold
from extractor.template.slots import Slot


def pinned(eq: Equation, values: dict[str, Number | None], open_keys: Collection[str]) -> dict[str, Decimal]:
    """The blank cells of ``eq`` that it pins to 0: every blank is open (``open_keys``) and stands
    once, all on one side, and the cells read leave them 0 to make together (counts are never
    negative, so each is 0). Empty when the equation pins nothing. A lone blank the rest leaves
    another number for is not filled by one equation where a second one covers it: from weak readings
    that number compounds their errors (office_2019_00000's fax: 1363 for 1374, 111 for 0), where a sum
    of 0 leaves each blank 0; see ``asked`` and ``_confirmed``."""
    shortfall = _shortfall(eq, values, open_keys)
    if shortfall is None:
        return {}
    keys, need = shortfall
    return dict.fromkeys(keys, Decimal(0)) if need == 0 else {}


def asked(eq: Equation, values: dict[str, Number | None], open_keys: Collection[str]) -> tuple[str, Decimal] | None:
    """The lone open blank of ``eq`` and the count (a whole number above 0) the rest leaves for it.
    Two equations asking one count of the same blank (its row and its column) agree by chance only
    rarely, where one alone repeats whatever its weak readings got wrong."""
    shortfall = _shortfall(eq, values, open_keys)
    if shortfall is None or len(shortfall[0]) != 1:
        return None
    need = shortfall[1]
    return (shortfall[0][0], need) if need > 0 and need == need.to_integral_value() else None


def _shortfall(eq: Equation, values: dict[str, Number | None], open_keys: Collection[str]
               ) -> tuple[list[str], Decimal] | None:
    """The blank cells of a hard equality, when all are open, each stands once and all on one side,
    and what the cells read leave them to make together; None otherwise."""
    if not eq.hard or eq.op != "==":
        return None
    terms = eq.signed_terms
    blank = [(sign, key) for sign, key in terms if values.get(key) is None]
    keys = [key for _, key in blank]
    if not blank or len(set(keys)) != len(keys) or any(k not in open_keys for k in keys):
        return None
    if len({sign for sign, _ in blank}) != 1:
        return None
    rest = side_total(tuple(t for t in terms if t[1] not in keys), values)
    return None if rest is None else (keys, -rest * blank[0][0])


def _light(slot: Slot) -> bool:
    """A number read on a light page (layout marks it ``light-page``)."""
    return slot.span is not None and LIGHT_PAGE in slot.span.repairs


def _faxed(slot: Slot, faxed: Collection[int]) -> bool:
    """A number read on one of the ``faxed`` pages."""
    return slot.span is not None and slot.span.page in faxed


def _inked(slot: Slot) -> bool:
    """A cell OCR read blank while it held ink: layout gives such a blank its low confidence, a clean
    cell's blank is sure."""
    return slot.span is not None and not slot.raw and slot.span.confidence < threshold("low_confidence")


def _open(slot: Slot, counts: Collection[str]) -> bool:
    """A count cell without a value that an OCR'd copy left so: nothing placed there ("missing"), or
    specks placed and judged no number ("suspect" with no value)."""
    if slot.value is not None or slot.key not in counts:
        return False
    return slot.status == "missing" or (slot.status == "suspect" and slot.span is not None and slot.span.method == "ocr")


def fill_pinned(rules: tuple[Equation, ...], slots: dict[str, Slot], values: dict[str, Number | None],
                counts: Collection[str], faxed: Collection[int] = ()) -> list[str]:
    """Fill the open count cells (``_open``) that equations holding a light page's reading pin down,
    or equations holding a reading of a ``faxed`` page their blanks that held ink (``_inked``): to 0
    by one equation (``pinned``), to another count where ``pins_needed`` equalities hold with it
    (``asked``, ``_confirmed``). Over and over (a row total pinned to 0 pins its row), in ``slots`` and
    ``values``; a cell filled here counts as that page's reading for the next equation. One note per
    filled cell."""
    pages = _Pages({k for k, s in slots.items() if _light(s)}, {k for k, s in slots.items() if _faxed(s, faxed)})
    notes: list[str] = []
    changed = True
    while changed:
        before = len(notes)
        open_keys = {k for k, s in slots.items() if _open(s, counts)}
        asks: dict[str, list[tuple[Equation, Decimal]]] = {}
        for eq in (e for e in rules if all(k in slots for k in e.keys)):
            opened = pages.open_to(eq, open_keys, slots)
            for key, value in pinned(eq, values, opened).items():
                notes.append(_filled(slots, values, key, value, [eq]))
                pages.add(eq, key)
                open_keys.discard(key)
            if (lone := asked(eq, values, opened)) is not None:
                asks.setdefault(lone[0], []).append((eq, lone[1]))
        for key, (value, held) in _confirmed(asks, open_keys, rules, values).items():
            notes.append(_filled(slots, values, key, value, held))
            pages.add(held[0], key)
        changed = len(notes) > before
    return notes


@dataclass
class _Pages:
    """The cells read (or filled) on light pages and on fax pages: which blanks an equation over
    them may fill (any open blank on a light page, only inked ones on a darker fax)."""

    light: set[str]
    fax: set[str]

    def open_to(self, eq: Equation, open_keys: set[str], slots: dict[str, Slot]) -> set[str]:
        if self.light & set(eq.keys):
            return open_keys
        return {k for k in open_keys if _inked(slots[k])} if self.fax & set(eq.keys) else set()

    def add(self, eq: Equation, key: str) -> None:
        (self.light if self.light & set(eq.keys) else self.fax).add(key)


def _confirmed(asks: dict[str, list[tuple[Equation, Decimal]]], open_keys: set[str], rules: tuple[Equation, ...],
               values: dict[str, Number | None]) -> dict[str, tuple[Decimal, list[Equation]]]:
    """The counts the equations ask of open blanks (``asked``; asks that disagree give none) that hold
    up: with every asked count in place, at least ``pins_needed`` equalities over the blank hold
    and no rule over it fails. Its row and its column asking the same count confirm it; so does a
    row holding two blanks that their columns asked (office_2019_00006's 其他处理: 61 and 1). A count
    one equation asks and none confirms repeats whatever its weak readings got wrong, unless that
    equation is the only rule over the cell (table 四's sums): nothing else will ever ask it."""
    counts = {k: found[0][1] for k, found in asks.items() if k in open_keys and len({v for _, v in found}) == 1}
    trial = {**values, **{k: to_number(v) for k, v in counts.items()}}
    out: dict[str, tuple[Decimal, list[Equation]]] = {}
    for key, value in counts.items():
        over = [eq for eq in rules if eq.hard and key in eq.keys]
        held = [eq for eq in over if eq.op == "==" and eq.holds(trial) is True]
        if len(held) >= pins_needed(key, rules) and not any(eq.holds(trial) is False for eq in over):
            out[key] = (value, held)
    return out


def _filled(slots: dict[str, Slot], values: dict[str, Number | None], key: str, value: Decimal,
            equations: list[Equation]) -> str:
    """Fill ``key`` with ``value`` from ``equations`` (``_fill``); the note saying so."""
    _fill(slots[key], to_number(value), [slots[k] for eq in equations for k in eq.keys if k != key])
    values[key] = slots[key].value
    rules = " and ".join(f"{eq.rule} ({eq.scope})" for eq in equations)
    return f"{key} inferred as {slots[key].value} from {rules} over a fax page's readings: {slots[key].status}"


def _fill(slot: Slot, value: Number, basis: list[Slot]) -> None:
    """``slot`` takes ``value`` as inferred from ``basis``, suspect, as sure as the least sure of them."""
    slot.value, slot.method, slot.status = value, "inferred", "suspect"
    slot.confidence = min((s.confidence for s in basis), default=1.0)
