"""Known misreadings of printed digits (data/misreadings.json) and what the template's rules say about them.

A fax misreads digits in known ways: a "4" stripped to its stem reads "1", a "0" whose arcs broke
reads "11" or "1", a speck reads as a point (or is all a thinned digit left: "3.6" for 356), an
unsure reading may have lost a digit. Two uses:

- ``suggest``: a group of failing rules that exactly one combination of such misreadings of its
  suspect cells explains (every failing rule then holds, none that held breaks, no other
  combination of at most ``max_cells`` cells does) gets those values suggested. An arbitrary value
  of an unsure or already suspect cell is part of such a combination only when two balanced rules
  ask it (its row and its column; table 四's one sum, the only rule over its cells: ``pins_needed``)
  and no unsure cells could trade a shortfall unseen (``_pinned``).
  The cells stay suspect: the arithmetic found the values, no reading did. Of several
  combinations, the only one a confident re-read of a cell backs (another engine shows the value
  it gives that cell) is suggested: the arithmetic names the candidates, the re-read picks one,
  and neither alone would do. ``suggest_crossings``: a group with more misread cells than one
  suggestion may change is asked cell by cell, each over the failing rules that cross at it; of
  several combinations there, the only one that also balances the other failing rules over the
  cells it changes is taken (a "0" that a row and a column both explain, not a "70" whose own row
  would then fail).
- ``settled``: marked readings whose only doubt is such a misreading (a fax "1") count as sure
  when no combination of their misreadings would keep every passing rule balanced: two "1061"s
  balancing a sum stay in doubt (both may be 1064), a "13" and a "1143" in one column sum do not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import combinations
from typing import Any

from extractor.ingest.marks import ASSEMBLY
from extractor.resources import load_json
from extractor.template.numbers import Number, parse_number
from extractor.template.rules import Equation, Values
from extractor.template.slots import Slot
from extractor.template.spec import threshold

#: a value no known misreading gives: an unsure or already suspect cell may hold anything
ANY = "any"
#: how a suggestion names an ``any`` value that its balanced equations agree on
_AGREED = "no known misreading, the value every balanced rule over it asks"


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: str
    value: Number
    confusion: str


class _Exhausted(Exception):
    """The search ran past its work bound."""


@cache
def _table() -> dict[str, Any]:
    return load_json("misreadings.json")


def limit(name: str) -> int:
    """A bound of data/misreadings.json by name (the misreadings search's, the joint solve's, the fills')."""
    return int(_table()[name]["value"])


@cache
def _modelled_marks() -> frozenset[str]:
    return frozenset(m for c in _table()["confusions"] for m in c.get("marks", ()))


def _repairs(slot: Slot) -> set[str]:
    return set(slot.span.repairs) if slot.span is not None else set()


def unsure(slot: Slot) -> bool:
    """A reading in doubt beyond the marks the table models: low confidence, a leading zero, or a mark
    such as ``engines-disagree``, ``broken``, ``broken-zero``, ``light-page``."""
    raw = (slot.raw or "").lstrip("-")
    return (slot.confidence < threshold("low_confidence") or (len(raw) > 1 and raw[0] == "0" and raw[1].isdigit())
            or bool(_repairs(slot) - _modelled_marks() - ASSEMBLY))


def pins_needed(key: str, rules: Iterable[Equation], doubtful: bool = True) -> int:
    """How many balanced equalities must ask a value of ``key`` before the arithmetic names it:
    ``pinning_rules`` (its row and its column agreeing is independent evidence). A cell the template
    covers with fewer rules (table 四's, each in one sum only: no second rule will ever ask it
    anything) needs as many as it has when ``doubtful``: a reading names the value (a known
    misreading, a re-read), or the cell was read blank or plainly weak (``plainly_weak``). A guess
    over a confident reading is not taken on one rule's word, as the confident readings beside it may
    be the wrong ones: hongze-qzf-2023's photo read both of table 四's totals "0" with confidence 1.0,
    and its 复议后起诉 part 5 (a sure reading, marked only because its crop had read it otherwise)
    would have been made 0."""
    covering = sum(1 for e in rules if e.hard and e.op == "==" and key in e.keys)
    return covering if covering < limit("pinning_rules") and doubtful else limit("pinning_rules")


def plainly_weak(slot: Slot) -> bool:
    """A blank, a reading under ``low_confidence``, or a count read with a point: a value the reading
    itself says is in doubt, not only a mark layout put on it."""
    return (slot.value is None or slot.confidence < threshold("low_confidence")
            or _count_with_point((slot.raw or "").strip()))


def read_text(slot: Slot) -> str:
    """The reading as the cell's value was taken from it: a count whose point stands before groups of
    three digits was taken as the grouped whole number ("3.130" is 3130), so its misreadings are
    those of "3130" (a stripped 4: 3430), not of a fraction."""
    raw = (slot.raw or "").strip()
    whole = raw.replace(".", "")
    if raw != whole and isinstance(slot.value, int) and parse_number(whole) == slot.value:
        return whole
    return raw


def _digit_swaps(raw: str, read: str, printed: str) -> Iterable[str]:
    """``raw`` with every non-empty set of its ``read`` digits printed as ``printed``."""
    spots = [i for i, ch in enumerate(raw) if ch == read]
    for size in range(1, len(spots) + 1):
        for chosen in combinations(spots, size):
            yield "".join(printed if i in chosen else ch for i, ch in enumerate(raw))


def insertions(raw: str) -> Iterable[str]:
    """``raw`` with one digit more anywhere among its digits (never a leading zero)."""
    for i in range(len(raw) + 1):
        if (i > 0 and not raw[i - 1].isdigit()) and (i < len(raw) and not raw[i].isdigit()):
            continue
        for digit in "0123456789":
            text = raw[:i] + digit + raw[i:]
            if not (text.lstrip("-")[:1] == "0" and len(text.lstrip("-")) > 1):
                yield text


def _count_with_point(raw: str) -> bool:
    """Whether ``raw`` is digits with one point between two of them (a count has no fraction)."""
    head, dot, tail = raw.lstrip("-").partition(".")
    return bool(dot) and head.isdigit() and tail.isdigit()


def alternatives(slot: Slot) -> dict[Number, str]:
    """Values the cell's printed number may have had by a misreading of its marks (first wins); the
    lost digit of an unsure reading is not listed (any digit anywhere: see ``lost_digit``)."""
    raw = read_text(slot)
    marks = _repairs(slot)
    out: dict[Number, str] = {}
    for confusion in _table()["confusions"]:
        if confusion["kind"] == "digit" and marks & set(confusion["marks"]):
            texts: Iterable[str] = _digit_swaps(raw, confusion["read"], confusion["printed"])
        elif confusion["kind"] == "whole" and marks & set(confusion["marks"]) and raw in confusion["read"]:
            texts = [confusion["printed"]]
        elif confusion["kind"] == "point" and _count_with_point(raw):
            texts = [raw.replace(".", "")]
        elif confusion["kind"] == "point-digit" and _count_with_point(raw) and raw.lstrip("-")[0] != "0":
            texts = [raw.replace(".", digit) for digit in "0123456789"]
        else:
            continue
        for text in texts:
            value = parse_number(text)
            if value is not None and value != slot.value:
                out.setdefault(value, confusion["name"])
    return out


def lost_digit(slot: Slot, value: Number) -> bool:
    """Whether ``value`` is the cell's unsure reading with one digit it lost put back."""
    return unsure(slot) and any(parse_number(t) == value for t in insertions(read_text(slot)))


def _valid(value: Decimal | None, signed: bool) -> bool:
    return value is not None and value == value.to_integral_value() and (signed or value >= 0)


#: one explanation of a failing group: (cell, value, confusion) for each cell it changes
Explanation = frozenset[tuple[str, Number, str]]


#: re-readings of one cell (by key) as (value, label of the engine or variant); [] when it cannot be re-read
Reread = Callable[[str], list[tuple[Number, str]]]


def suggest(group: list[Equation], rules: tuple[Equation, ...], slots: Mapping[str, Slot],
            candidates: Iterable[str], signed: set[str], budget: list[int] | None = None,
            reread: Reread | None = None, closure: tuple[Equation, ...] = ()) -> list[Suggestion]:
    """The one combination of known misreadings of ``candidates`` that makes every rule of the failing
    ``group`` hold and breaks none that held; [] when there is none, or when an unsure or already
    suspect cell of the group could balance it with some other value. When several combinations fit,
    the one that also balances every failing rule of ``closure`` over the cells it changes (a crossing's
    whole group: a cell's other row or column) is taken if it is the only one, else ``reread`` may
    single one out (``_backed``); else nothing is suggested."""
    found = explanations(group, rules, slots, candidates, signed, budget)
    if not found:
        return []
    if len(found) > 1 and closure:
        strict = explanations(group, rules, slots, candidates, signed, budget, closure)
        found = strict if strict is not None and len(strict) == 1 else found
    if len(found) == 1:
        chosen, backing = found[0], ""
    elif (reread is None or all(any(why == ANY for _, _, why in one) for one in found)
          or (picked := _backed(found, reread)) is None):
        return []
    else:
        chosen, backing = picked
    if any(why == ANY for _, _, why in chosen) and (
            backing or not _pinned(chosen, group, closure, rules, slots, candidates)):
        return []
    return sorted((Suggestion(k, v, (_AGREED if why == ANY else why) + backing) for k, v, why in chosen),
                  key=lambda s: s.key)


def _pinned(chosen: Explanation, group: list[Equation], closure: tuple[Equation, ...], rules: tuple[Equation, ...],
            slots: Mapping[str, Slot], candidates: Iterable[str]) -> bool:
    """Whether the one explanation's ``any`` values are sure: each is what ``pins_needed`` balanced
    equations ask of its cell (its row and its column agree on 356), and no two or three unsure cells
    of the group could trade a shortfall among themselves (the search gives an unsure cell only the
    whole shortfall of one equation, so such a family of fits would go unseen: none must exist)."""
    values: dict[str, Number | None] = {k: s.value for k, s in slots.items()}
    now = {**values, **{k: v for k, v, _ in chosen}}
    binding = [e for e in rules if e.hard and e.op == "==" and e.holds(now) is True
               and (e in group or e in closure or e.holds(values) is True)]
    if any(sum(k in e.keys for e in binding) < pins_needed(k, rules, plainly_weak(slots[k]))
           for k, _, why in chosen if why == ANY):
        return False
    return not _trading(_free(group, slots, set(candidates)), binding)


def _trading(free: set[str], binding: list[Equation]) -> bool:
    """Whether two or three ``free`` cells can shift together and leave every ``binding`` equation
    balanced: every equation over one of them holds another of them (signs aside: in doubt, yes)."""
    over: dict[str, frozenset[int]] = {k: frozenset(i for i, e in enumerate(binding) if k in e.keys) for k in free}
    bound = {k: eqs for k, eqs in over.items() if eqs}
    near: dict[str, set[str]] = {k: {o for o in bound if o != k and bound[o] & eqs} for k, eqs in bound.items()}
    for key, eqs in bound.items():
        for other in near[key]:
            if bound[other] == eqs:
                return True
            for third in (near[key] | near[other]) - {key, other}:
                trio = (key, other, third)
                if all(sum(binding[i].keys.count(k) > 0 for k in trio) >= 2
                       for i in eqs | bound[other] | bound[third]):
                    return True
    return False


def _backed(found: list[Explanation], reread: Reread) -> tuple[Explanation, str] | None:
    """The one explanation among several that an independent re-reading backs: a re-read of a cell
    that not every explanation changes shows exactly the value this one gives it (another engine
    sees the "4" in "190" that the first read as "1"), and no re-read backs any other. The arithmetic
    names the candidates, the re-read picks one; neither alone would do. None when the cells to
    re-read exceed ``max_rereads``, or when none or several are backed."""
    common = frozenset.intersection(*(frozenset(k for k, _, _ in e) for e in found))
    cells = sorted({k for e in found for k, _, _ in e} - common)
    if len(cells) > limit("max_rereads"):
        return None
    seen = {k: reread(k) for k in cells}
    backed = []
    for one in found:
        labels = sorted({label for k, v, _ in one if k in seen for got, label in seen[k] if got == v})
        if labels:
            backed.append((one, f"; of several explanations the one a re-read backs: {', '.join(labels)}"))
    return backed[0] if len(backed) == 1 else None


def _free(group: list[Equation], slots: Mapping[str, Slot], candidates: set[str]) -> set[str]:
    """Cells of the group that may hold any value: unsure readings among ``candidates``, and cells
    already suspect (their row placed by position, a point in a count)."""
    keys = {k for eq in group for k in eq.keys}
    return {k for k in keys if k in slots and slots[k].value is not None and slots[k].span is not None
            and (slots[k].status == "suspect" or k in candidates and unsure(slots[k]))}


def explanations(group: list[Equation], rules: tuple[Equation, ...], slots: Mapping[str, Slot],
                 candidates: Iterable[str], signed: set[str], budget: list[int] | None = None,
                 closure: tuple[Equation, ...] = ()) -> list[Explanation] | None:
    """Every minimal combination of at most ``max_cells`` changed cells under which every rule of the
    failing ``group`` holds and none that held breaks, nor any rule of ``closure`` over a changed cell
    fails: known misreadings of ``candidates``, or (marked ``any``) a value an equation asks of an
    unsure or already suspect cell. None past the work bound."""
    values: dict[str, Number | None] = {k: s.value for k, s in slots.items()}
    candidates = set(candidates)
    options = {k: alternatives(slots[k]) for k in candidates}
    free = _free(group, slots, candidates)
    if not any(options.values()) and not free & candidates:
        return []
    held = {id(e) for e in rules if e.holds(values) is not False}
    closing = {id(e) for e in closure}
    touching: dict[str, list[Equation]] = {}
    for eq in rules:
        for key in eq.keys:
            if (id(eq) in held or id(eq) in closing) and (key in candidates or key in free):
                touching.setdefault(key, []).append(eq)
    found: set[Explanation] = set()
    budget = [limit("max_nodes")] if budget is None else budget

    def choices(key: str, eq: Equation, now: Values) -> dict[Number, str]:
        out = dict(options.get(key, {}))
        needed = eq.solve(key, now) if key in free else None
        if needed is not None and _valid(needed, key in signed) and int(needed) != now.get(key):
            why = "lost-digit" if key in candidates and lost_digit(slots[key], int(needed)) else ANY
            out.setdefault(int(needed), why)
        return out

    seen: set[frozenset[tuple[str, tuple[Number, str]]]] = set()

    def visit(changed: dict[str, tuple[Number, str]]) -> None:
        state = frozenset(changed.items())
        if state in seen:  # the same changes reached in another order: what extends them is known
            return
        seen.add(state)
        budget[0] -= 1
        if budget[0] < 0:
            raise _Exhausted
        now = {**values, **{k: v for k, (v, _) in changed.items()}}
        pending = [*group, *(e for k in changed for e in touching.get(k, ()))]
        bad = next((e for e in pending if e.holds(now) is not True
                    and (e in group or id(e) in closing or e.holds(now) is False)), None)
        if bad is None:
            found.add(frozenset((k, v, why) for k, (v, why) in changed.items()))
            return
        if len(changed) >= limit("max_cells"):
            return
        for key in bad.keys:
            if key not in changed:
                for value, why in choices(key, bad, now).items():
                    visit({**changed, key: (value, why)})

    try:
        visit({})
    except _Exhausted:
        return None
    cells = [frozenset(k for k, _, _ in combo) for combo in found]
    return [combo for combo, keys in zip(found, cells) if not any(other < keys for other in cells)]


def shifts(slot: Slot) -> list[Decimal]:
    """How much a marked reading's known misreadings may have changed it (printed − read); [] when the
    reading is in doubt beyond them, or has none."""
    if unsure(slot) or slot.value is None:
        return []
    read = Decimal(str(slot.value))
    return [Decimal(str(v)) - read for v in alternatives(slot)]


def settled(rules: tuple[Equation, ...], slots: Mapping[str, Slot], weak: set[str]) -> set[str]:
    """The ``weak`` readings whose only doubt is a known misreading and that no combination of known
    misreadings of the weak readings would leave every passing equation balanced: the passing rules
    pin them. Equations over a suspect, inferred or otherwise weak cell pin nothing (that cell could
    absorb any shift); a search past its bound leaves the reading in doubt."""
    values = {k: s.value for k, s in slots.items()}
    moves = {k: d for k in weak if (d := shifts(slots[k]))}
    loose = {k for k, s in slots.items() if s.status in ("suspect", "inferred") or (k in weak and k not in moves)}
    binding = [e for e in rules if e.hard and e.op == "==" and e.holds(values) and not loose & set(e.keys)]
    touching: dict[str, list[Equation]] = {}
    for eq in binding:
        for key in eq.keys:
            if key in moves:
                touching.setdefault(key, []).append(eq)
    return {k for k in touching if not any(_balances(k, d, moves, touching) for d in moves[k])}


def _balances(key: str, delta: Decimal, moves: Mapping[str, list[Decimal]],
              touching: Mapping[str, list[Equation]]) -> bool:
    """Whether shifting ``key`` by ``delta`` can be balanced by known shifts of other marked readings
    in every binding equation (True too when the search runs past its bound: in doubt)."""
    budget = [limit("max_nodes")]

    def residual(eq: Equation, shifted: Mapping[str, Decimal]) -> Decimal:
        return sum((sign * shifted.get(k, Decimal(0)) for sign, k in eq.signed_terms), Decimal(0))

    def visit(shifted: dict[str, Decimal]) -> bool:
        budget[0] -= 1
        if budget[0] < 0 or len(shifted) > limit("guard_cells"):
            return True
        open_ = next((e for k in shifted for e in touching.get(k, ()) if residual(e, shifted)), None)
        if open_ is None:
            return True
        return any(visit({**shifted, other: d}) for other in open_.keys
                   if other in moves and other not in shifted for d in moves[other])

    return visit({key: delta})


def suggest_crossings(group: list[Equation], rules: tuple[Equation, ...], slots: Mapping[str, Slot],
                      candidates: Iterable[str], signed: set[str], reread: Reread | None = None) -> list[Suggestion]:
    """For a group ``suggest`` cannot explain as a whole (a page with misreadings in many cells): each
    cell with known misreadings where two or more failing rules cross (its row and its column) is
    asked alone, ``suggest`` over just those rules. A cell two crossings suggest differently gets
    nothing; if the values together break a rule that held, nothing is suggested. Each crossing has
    its own work bound (``crossing_nodes``): one that runs past it (a column of many misread cells)
    suggests nothing, and the others are still asked; all of them share ``crossings_nodes``, past
    which nothing is suggested for the group."""
    candidates = set(candidates)
    values: dict[str, Number | None] = {k: s.value for k, s in slots.items()}
    left = limit("crossings_nodes")
    found: dict[str, Suggestion] = {}
    clash: set[str] = set()
    for key in sorted(k for k in candidates if alternatives(slots[k])):
        crossing = [e for e in group if key in e.keys]
        if len(crossing) < 2:
            continue
        budget = [min(limit("crossing_nodes"), left)]
        start = budget[0]
        for one in suggest(crossing, rules, slots, candidates, signed, budget, reread, tuple(group)):
            if one.key in found and found[one.key].value != one.value:
                clash.add(one.key)
            found[one.key] = one
        left -= start - budget[0]
        if left < 0:
            return []
    out = [s for k, s in found.items() if k not in clash]
    now = {**values, **{s.key: s.value for s in out}}
    if any(e.holds(values) is not False and e.holds(now) is False for e in rules):
        return []
    return sorted(out, key=lambda s: s.key)
