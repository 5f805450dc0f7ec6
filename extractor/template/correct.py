"""The rules as an error detector: a failing check sends the OCR'd cells it names to be read again.

A cell is corrected only when (1) changing it alone satisfies every failing rule of its group
without breaking a rule that held, and (2) of all cells for which (1) holds, it is the only one
whose independent re-read (another engine, another preprocessing, a larger scale) gives that very
value. A cell in both a row and a column rule usually has (1) alone; a part of a single sum needs
(2) to single it out. Anything less marks the cells "suspect": a wrong number may be flagged, never
silently kept. Their values stay as read unless exactly one combination of known misreadings (a fax
"4" read "1", ``misreads.suggest``) explains the group, or of several such combinations a confident
re-read backs just one, or exactly one cheapest assignment balances the group's rules solved
together as an integer program (``jointfit.solve_jointly``: a column of stripped 4s with its rows), or each
crossing of its failing rules (``misreads.suggest_crossings``): then those values are suggested,
still suspect. Rules that could not be evaluated then, for a blank that a fax page's arithmetic
fills later (``pinned.fill_pinned``), are asked the same once it is filled (``explain_filled``).

Cells no rule can vouch for get audited too: every 本年增/减 (a lost minus breaks no rule), every
weak reading no passing rule covers (low confidence, mended text, engines disagreeing; only confident
re-reads back it), every OCR blank with ink in it, and every unverified value of a copy whose tables
lost most of their cells.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from extractor.geometry import Box
from extractor.ingest.marks import ASSEMBLY, INK_DOUBT, OCR_OVERRULED
from extractor.template.jointfit import solve_jointly
from extractor.template.misreads import Reread, Suggestion, settled, suggest, suggest_crossings
from extractor.template.numbers import Number, parse_number
from extractor.template.rules import Equation, Values
from extractor.template.slots import Slot
from extractor.template.spec import threshold

#: ``method`` of a cell whose value the arithmetic suggested from a known misreading (it stays suspect)
SUGGESTED = "suggested"

Reading = tuple[str, float, str]
Rereader = Callable[[int, Box], list[Reading]]
"""(page, cell bbox in points) → readings (digits, confidence, variant label); [] when it cannot re-read."""


@dataclass(frozen=True, slots=True)
class Fix:
    key: str
    value: Number


def values_of(slots: dict[str, Slot]) -> dict[str, Number | None]:
    return {k: s.value for k, s in slots.items()}


def _ocr(slot: Slot) -> bool:
    return slot.span is not None and slot.span.method == "ocr"


def rereadable(slot: Slot) -> bool:
    """Read by OCR on a page image we still hold: text-layer cells are not second-guessed."""
    return (slot.status == "read" and slot.value is not None and _ocr(slot)
            and slot.span.page is not None and slot.span.bbox is not None)


def failing(rules: tuple[Equation, ...], values: Values) -> list[Equation]:
    return [e for e in rules if e.hard and e.holds(values) is False]


def groups(bad: list[Equation]) -> list[list[Equation]]:
    """Failing equations that share cells belong together: one wrong cell breaks them all."""
    out: list[list[Equation]] = []
    for eq in bad:
        linked = [g for g in out if any(set(eq.keys) & set(e.keys) for e in g)]
        merged = [eq] + [e for g in linked for e in g]
        out = [g for g in out if g not in linked] + [merged]
    return out


def _candidate(group: list[Equation], key: str, values: Values) -> Decimal | None:
    """The one value of ``key`` every failing equation of the group asks for (">=" ones ask nothing)."""
    asked = {eq.solve(key, values) for eq in group if eq.op == "=="}
    if len(asked) != 1 or None in asked:
        return None
    return asked.pop()


def solutions(group: list[Equation], rules: tuple[Equation, ...], slots: dict[str, Slot],
              signed: set[str]) -> list[Fix]:
    """Every (cell, value) that alone satisfies the whole failing group and breaks no rule that held."""
    values = values_of(slots)
    fixes = []
    for key in dict.fromkeys(k for eq in group for k in eq.keys):
        if key not in slots or not rereadable(slots[key]) or not all(key in eq.keys for eq in group):
            continue
        value = _candidate(group, key, values)
        if value is None or value != value.to_integral_value() or (value < 0 and key not in signed):
            continue
        fixed = {**values, key: int(value)}
        if all(eq.holds(fixed) is not False for eq in rules if key in eq.keys):
            fixes.append(Fix(key, int(value)))
    return fixes


def consensus(readings: list[Reading]) -> tuple[Number, Reading] | None:
    """The value most re-reads give (at least ``min_votes`` of them), with its most confident reading."""
    parsed = [(parse_number(r[0]), r) for r in readings]
    votes = Counter(v for v, _ in parsed if v is not None)
    if not votes:
        return None
    ranked = votes.most_common()
    value, count = ranked[0]
    if count < threshold("min_votes") or (len(ranked) > 1 and ranked[1][1] == count):
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


def _overruled(slot: Slot) -> bool:
    """The reading came from the ink against OCR's (``OCR_OVERRULED``): a re-read repeats OCR's."""
    return slot.span is not None and bool(OCR_OVERRULED & set(slot.span.repairs))


def _confirmed(fixes: list[Fix], slots: dict[str, Slot], rereader: Rereader) -> list[tuple[Fix, Reading]]:
    """The fixes re-reads agree with; never one of a reading the ink gave against OCR's (``_overruled``:
    office_2021_01871's "4" its bar stub gave was put back to OCR's "1", balancing a total misread "1")."""
    out = []
    for fix in fixes:
        if _overruled(slots[fix.key]):
            continue
        agreed = consensus(_reread(slots[fix.key], rereader))
        if agreed is not None and agreed[0] == fix.value:
            out.append((fix, agreed[1]))
    return out


def correct(rules: tuple[Equation, ...], slots: dict[str, Slot], rereader: Rereader, signed: set[str]) -> list[str]:
    """Correct or mark "suspect" the OCR'd cells of failing hard rules; warnings say which and why."""
    notes: list[str] = []
    reread = _rereads(slots, rereader)  # one memo for all groups: a cell's ink is read once
    for group in groups(failing(rules, values_of(slots))):
        confirmed = _confirmed(solutions(group, rules, slots, signed), slots, rereader)
        if len(confirmed) == 1:
            fix, reading = confirmed[0]
            slot = slots[fix.key]
            notes.append(f"{fix.key} corrected from {slot.value} to {fix.value} "
                         f"({', '.join(sorted({e.rule for e in group}))}; re-read by {reading[2]})")
            _apply(slot, fix.value, reading)
            continue
        doubtful = sorted({k for e in group for k in e.keys if k in slots and rereadable(slots[k])})
        suggested = _explain(group, rules, slots, signed, reread)
        for key in doubtful:
            slots[key].status = "suspect"
        if doubtful:
            notes.append(f"suspect after failing {', '.join(sorted({e.scope for e in group}))}: {', '.join(doubtful)}")
        notes.extend(_suggested(slots[s.key], s) for s in suggested)
    return notes


def _explain(group: list[Equation], rules: tuple[Equation, ...], slots: dict[str, Slot], signed: set[str],
             reread: Reread) -> list[Suggestion]:
    """The values the arithmetic suggests for a failing group's OCR'd cells: one combination of known
    misreadings, else the joint solve's one cheapest assignment, else each crossing's."""
    ocr = {k for e in group for k in e.keys if k in slots and slots[k].value is not None and _ocr(slots[k])
           and slots[k].status in ("read", "suspect")}
    return (suggest(group, rules, slots, ocr, signed, reread=reread)
            or solve_jointly(group, rules, slots, ocr, signed, reread)
            or suggest_crossings(group, rules, slots, ocr, signed, reread))


def explain_filled(rules: tuple[Equation, ...], slots: dict[str, Slot], rereader: Rereader, signed: set[str],
                   filled: set[str]) -> list[str]:
    """Suggest values for the groups of rules that fail once ``filled`` cells stand in them: a rule
    over a blank could not be evaluated when ``correct`` ran, so a misreading it now shows (a light
    fax page's "9" for 0 in a column its erased zeros were filled into) was not yet asked about."""
    reread = _rereads(slots, rereader)
    notes: list[str] = []
    for group in groups(failing(rules, values_of(slots))):
        if filled & {k for e in group for k in e.keys}:
            notes.extend(_suggested(slots[s.key], s) for s in _explain(group, rules, slots, signed, reread))
    return notes


def _rereads(slots: dict[str, Slot], rereader: Rereader) -> Reread:
    """Confident re-readings of OCR'd cells by key (at least ``low_confidence``: a guess backs nothing),
    each cell read once; none of a reading the ink gave against OCR's (``_overruled``)."""
    memo: dict[str, list[tuple[Number, str]]] = {}

    def reread(key: str) -> list[tuple[Number, str]]:
        if key not in memo:
            span = slots[key].span
            ok = (span is not None and span.method == "ocr" and span.page is not None and span.bbox is not None
                  and not _overruled(slots[key]))
            memo[key] = [(v, label) for text, confidence, label in (_reread(slots[key], rereader) if ok else [])
                         if confidence >= threshold("low_confidence") and (v := parse_number(text)) is not None]
        return memo[key]

    return reread


def _suggested(slot: Slot, suggestion: Suggestion) -> str:
    """Set a cell to the value the arithmetic suggests, suspect (a joint solve may change a cell of a rule
    that held, not yet in doubt); ``raw`` keeps what was read."""
    note = (f"{slot.key}: suspect, {suggestion.value} suggested for {slot.raw!r} "
            f"(the failing rules' one explanation: {suggestion.confusion})")
    slot.value, slot.method, slot.status = suggestion.value, SUGGESTED, "suspect"
    return note


def _doubt(slot: Slot, readings: list[Reading], signed: bool) -> str:
    """Why a cell no rule covers cannot be taken as read ("" when the re-reads back it).

    A weak reading is backed only by confident re-reads: re-reads as unsure as it (a fax "6" read
    "1" at 0.44 three times) repeat the guess, they do not confirm it.
    """
    if not readings:
        return "no re-read gave a number"  # a light page, or ink no variation reads
    agreed = consensus(readings)
    if agreed is None or agreed[0] != parse_number(slot.raw or ""):
        return "re-reads disagree"
    low = threshold("low_confidence")
    sure = consensus([r for r in readings if r[1] >= low])
    if slot.confidence < low and (sure is None or sure[0] != agreed[0]):
        return "re-reads as weak as the reading"
    if signed and len({r[0].startswith(("-", ".")) for r in readings} | {str(slot.raw).startswith("-")}) > 1:
        return "sign uncertain"
    return ""


def _second_opinion(key: str, slot: Slot, rereader: Rereader, signed: bool) -> str:
    """Re-read one cell: "" and ``backed`` when the re-reads agree with the reading, else why not."""
    readings = _reread(slot, rereader)
    why = _doubt(slot, readings, signed)
    slot.backed = not why
    return f"{key}: suspect ({why}; read {slot.raw!r}, re-read {[r[0] for r in readings]})" if why else ""


def audit_signs(slots: dict[str, Slot], signed: set[str], rereader: Rereader) -> list[str]:
    """Every OCR'd 本年增/减 cell is re-read: no rule covers it, and a lost minus looks like a good reading."""
    notes = []
    for key in sorted(signed):
        slot = slots.get(key)
        if slot is None or not rereadable(slot):
            continue
        note = _second_opinion(key, slot, rereader, True)
        if note:
            slot.status = "suspect"
            notes.append(note)
    return notes


def _flag(slots: dict[str, Slot], keys: set[str] | list[str], why: str) -> list[str]:
    """Mark ``keys`` suspect; one warning naming them and why (none when there are none)."""
    for key in keys:
        slots[key].status = "suspect"
    return [f"suspect: {why}: {', '.join(sorted(keys))}"] if keys else []


def audit_blanks(slots: dict[str, Slot]) -> list[str]:
    """An OCR'd cell read as a null mark ("X", "/", "—") is suspect, however sure the reading: on a
    copy it is as likely a number whose strokes fell apart as a mark the agency printed (a real fax
    8 read "X" at 0.92, a fax 0 read "X" at 0.48), and a null stops every rule over the cell, so
    nothing else would catch it. An OCR'd cell read blank may be a lost number too: when it holds
    ink (low confidence), or when its row has printed numbers (a faint 0 cleaned away leaves no ink)."""
    numbered_rows = {(s.table, s.row) for s in slots.values() if s.value is not None}
    low = threshold("low_confidence")
    unread = {k: s for k, s in slots.items() if s.status == "read" and s.value is None and _ocr(s)}
    marks = [k for k, s in unread.items() if s.raw]
    blanks = [k for k, s in unread.items() if not s.raw
              and (s.span.confidence < low or (s.table, s.row) in numbered_rows)]
    return (_flag(slots, marks, "null mark OCR'd in a cell: on a copy it may be a number whose strokes fell apart")
            + _flag(slots, blanks, "blank where a number may have been lost"))


def audit_money(slots: dict[str, Slot], money: set[str]) -> list[str]:
    """An OCR'd amount is "suspect": no rule covers money, and its unit (元 or 万元) comes from a header
    that a stamp or a fold can cut down to "元", a silent ten-thousandfold error."""
    doubtful = [k for k in money & slots.keys() if slots[k].status == "read" and slots[k].value and _ocr(slots[k])]
    return _flag(slots, doubtful, "OCR'd amount whose unit no rule can confirm")


#: no count is printed with a leading zero: "05" is a "0" and a stray "5" read as one (a neighbour's
#: digit, a speck), or a misread; "0.5" is a decimal. It doubts what the box holds, not how it was
#: read, so re-reading the box cannot back it: only a rule can.
_LEADING_ZERO = re.compile(r"^[-+]?0\d")
_LEADING_ZERO_WHY = "leading zero"


def _unbackable(why: str) -> bool:
    return why == _LEADING_ZERO_WHY or bool(INK_DOUBT & set(why.split("+")))


def weakness(slot: Slot) -> str:
    """Why a reading cannot stand on its own ("" when it can): low confidence, mended text, disagreement;
    a doubt about the ink itself stands even when re-reads agreed."""
    span = slot.span
    if slot.status != "read" or slot.value is None or span is None:
        return ""
    if INK_DOUBT & set(span.repairs):
        return "+".join(span.repairs)
    if _LEADING_ZERO.match(slot.raw or ""):  # re-reads of the same box agreeing cannot back it
        return _LEADING_ZERO_WHY
    if slot.backed:
        return ""
    if slot.confidence < threshold("low_confidence"):
        return f"confidence {slot.confidence:.2f}"
    return "+".join(span.repairs)


def weak_readings(slots: dict[str, Slot], rules: tuple[Equation, ...] = ()) -> set[str]:
    """OCR'd values whose glyphs are in doubt (low confidence, broken strokes, engines disagreeing, a
    leading zero, a fax "1"): a rule over two of them verifies neither until re-reads have backed them,
    as they can be misread alike and still balance. Halves that layout joined are not: a rule that
    balances over them is what confirms the join. Nor are fax "1"s that ``rules`` pin: no combination
    of known misreadings (a "4" read "1") would keep every passing rule balanced (``misreads.settled``)."""
    weak = {k for k, s in slots.items() if _ocr(s) and (why := weakness(s)) and not set(why.split("+")) <= ASSEMBLY}
    return weak - settled(rules, slots, weak)


def audit_weak(slots: dict[str, Slot], signed: set[str], rereader: Rereader | None) -> list[str]:
    """A value no passing rule covers and whose reading is weak is "suspect", unless re-reads back it."""
    notes = []
    for key, slot in slots.items():
        why = "" if slot.verified else weakness(slot)
        if not why:
            continue
        if rereader is not None and rereadable(slot) and not _unbackable(why):
            note = _second_opinion(key, slot, rereader, key in signed)
            if not note:
                continue
            notes.append(f"{note}; reading weak: {why}")
        else:
            notes.append(f"{key}: suspect (no passing rule covers it; reading weak: {why})")
        slot.status = "suspect"
    return notes


def _unchecked(cells: list[Slot]) -> set[str]:
    """The OCR'd values among ``cells`` that stand as read with no rule verifying them."""
    return {c.key for c in cells if c.status == "read" and c.value is not None and not c.verified and _ocr(c)}


def _beside_doubt(slots: dict[str, Slot], groups: list[tuple[list[str], Callable[[Slot], bool]]]) -> set[str]:
    """The unchecked values (``_unchecked``) of every group of cells (a rule's, a row's) of which one
    cell is in doubt by the group's test and another holds a number: nothing checks them."""
    doubtful: set[str] = set()
    for keys, in_doubt in groups:
        cells = [slots[k] for k in keys if k in slots]
        if len(cells) == len(keys) and any(in_doubt(c) for c in cells) and any(c.value is not None for c in cells):
            doubtful |= _unchecked(cells)
    return doubtful


def audit_holes(rules: tuple[Equation, ...], slots: dict[str, Slot]) -> list[str]:
    """Numbers that stand beside a lost one cannot be trusted unchecked: an OCR'd rule instance that
    reads blank where it needs a number (a row split by a page break leaves its tops on one page and
    its feet, plausible numbers, on the next), and an OCR'd row with a blank already judged a lost
    number (a fax "0" read as "()" left its row one number short, which went to the neighbouring
    column: the row's numbers were placed by count, not by column). Their unverified values are suspect."""
    rows: dict[tuple[str, str], list[str]] = {}
    for key, slot in slots.items():
        rows.setdefault((slot.table, slot.row), []).append(key)

    def blank(c: Slot) -> bool:
        return c.status in ("read", "suspect") and c.value is None and _ocr(c)

    def lost(c: Slot) -> bool:
        return c.status == "suspect" and c.value is None and _ocr(c)

    groups = [(list(eq.keys), blank) for eq in rules if eq.hard] + [(keys, lost) for keys in rows.values()]
    return _flag(slots, _beside_doubt(slots, groups), "beside a number read blank or lost, and no rule checks it")


def audit_doubtful_sums(rules: tuple[Equation, ...], slots: dict[str, Slot]) -> list[str]:
    """A rule that holds only through a value already judged doubtful checks none of its other cells: a
    fax column whose 20 read "-20" and whose 0 read "20" cancel balances with a 40 read "0" (its "4"
    lost, the reading sure). The rule's unverified OCR'd values are suspect."""
    def doubted(c: Slot) -> bool:
        return c.status == "suspect" and c.value is not None and _ocr(c)

    groups = [(list(eq.keys), doubted) for eq in rules if eq.hard]
    return _flag(slots, _beside_doubt(slots, groups), "its rule holds only through a value judged doubtful")


def audit_faxed(slots: dict[str, Slot], faxed: set[int] | frozenset[int]) -> list[str]:
    """A value read off a fax page (``faxed``) that no rule verifies is suspect, however sure its
    reading: a fax strips and breaks strokes into other digits (a "6" into a "0") that the OCR reads
    with full confidence, and only a rule can catch that. A table 二 count no rule covers stood as
    read with its "6" read "0" (fax seed 1736, 采购项目数量 286 read 280)."""
    return _flag(slots, _unchecked([s for s in slots.values() if s.span is not None and s.span.page in faxed]),
                 "read off a fax page, and no rule checks it")


def audit_inferred(slots: dict[str, Slot], inferred: dict[str, Equation]) -> list[str]:
    """An inferred value is only as sure as the cells it was computed from: inference runs before the
    audits that judge weak readings, so a basis found doubtful afterwards makes the value suspect
    too (and one inferred value may rest on another: repeat until nothing changes)."""
    doubtful: set[str] = set()
    changed = True
    while changed:
        changed = False
        for key, eq in inferred.items():
            if key not in doubtful and any(slots[k].status == "suspect" or k in doubtful for k in eq.keys if k != key):
                doubtful.add(key)
                changed = True
    return _flag(slots, doubtful, "inferred from a value judged doubtful afterwards")


def audit_lost_cells(slots: dict[str, Slot]) -> list[str]:
    """An OCR'd copy whose tables lost most of their cells (a fax grid with its rules broken: rows not
    found, rows merged, values placed by count) read the rest no better: what it placed may sit a row
    or a column off with nothing failing. Its unverified values are suspect. The share is taken over
    the tables found, all together: a table the copy does not hold (one page scanned) is no loss, and
    a report that prints part of a table is not taken for a broken copy."""
    tables: dict[str, list[Slot]] = {}
    for slot in slots.values():
        tables.setdefault(slot.table, []).append(slot)
    found = [c for cells in tables.values() if any(c.status != "missing" for c in cells) for c in cells]
    lost = sum(c.status == "missing" or (c.status == "suspect" and c.value is None) for c in found)
    if not any(_ocr(c) for c in found) or lost <= threshold("lost_cell_share") * len(found):
        return []
    return _flag(slots, _unchecked(found), f"the tables found lost {lost} of {len(found)} cells, and no rule checks it")
