"""A table's failing rules solved together: the one assignment of fewest changes that balances them all.

``misreads.suggest`` explains a failing group by at most ``max_cells`` changed cells, and
``suggest_crossings`` asks each cell where a row and a column fail alone. A fax page that stripped
the "4" of every 354 in a column breaks three to six crossing rules at once: neither finds anything.
Here every OCR'd cell of the group's rules and of the rules crossing them may keep its reading or
take one of its candidate values — its known misreadings (data/misreadings.json), the reading with
a lost digit put back (unsure readings only), a confident re-read — or, when the reading is unsure
or the cell was read blank, the value a rule asks of it. The search decides one rule at a time,
all its undecided cells together (their changes must balance it), and stops at the first number of
changes for which some assignment balances the group and every rule over a changed cell (a rule
over a cell left blank vouches for no change). Exactly one such assignment is suggested (suspect,
like every suggestion), and only when each cell it changes is pinned by ``pinning_rules`` rules
(its row and its column) and no two or three free cells could trade a shortfall the
one-value-asked-per-rule search would not see (``misreads.trading``); several, or a search past its
work bound, suggest nothing. Only unsure readings and blanks are free: a sure reading in a row
placed by position is a number from another row, not a misreading (fax seed 1901's shifted rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from extractor.resources import load_json
from extractor.template.misreads import ANY, Reread, Suggestion, alternatives, insertions, trading, unsure
from extractor.template.numbers import Number, parse_number
from extractor.template.rules import Equation
from extractor.template.slots import Slot

#: a value a confident re-read of the cell gives
_REREAD = "re-read"
#: how the suggestion's warning names a value no reading gives
_ASKED = "no known misreading, the value its rules ask"
#: how the suggestion's warning names the search
_JOINT = "; the one assignment of fewest changes that balances every failing rule of the table"

#: one decided cell: its value and why it has it ("" when kept as read)
Choice = tuple[Number, str]


class _Exhausted(Exception):
    """The search ran past its work bound."""


def _limit(name: str) -> int:
    return int(load_json("misreadings.json")[name]["value"])


@dataclass
class _Search:
    """What one joint solve knows: the equations, each doubtful cell's candidates, the work left."""

    equations: list[Equation]
    values: dict[str, Number | None]
    options: dict[str, dict[Number, str]]
    free: set[str]
    signed: set[str]
    nodes: int

    def residual(self, eq: Equation, decided: Mapping[str, Choice]) -> Decimal | None:
        """lhs − rhs with decided cells at their chosen values, the others as read and lost cells yet to
        fill as 0; None when a cell is blank for good."""
        total = Decimal(0)
        for sign, key in eq.signed_terms:
            value = decided[key][0] if key in decided else self.values.get(key)
            if value is None and key not in self.options:
                return None
            total += sign * Decimal(str(value or 0))
        return total

    def balances(self, eq: Equation, decided: Mapping[str, Choice]) -> bool:
        """Whether ``eq`` holds; a rule over a blank cell does not: it can vouch for no change."""
        residual = self.residual(eq, decided)
        return (residual is not None and eq.accepts(residual)
                and all(k in decided or self.values.get(k) is not None for k in eq.keys))

    def unsettled(self, eq: Equation, decided: Mapping[str, Choice]) -> tuple[bool, int]:
        """How far ``eq`` is from being decided: a rule over two free cells waits for other rules to ask
        a value of one (it can ask only one itself); then the fewer undecided cells, the sooner."""
        open_ = [k for k in eq.keys if k in self.options and k not in decided]
        return sum(k in self.free for k in open_) > 1, len(open_)

    def settle(self, eq: Equation, decided: dict[str, Choice], spare: int) -> Iterator[dict[str, Choice]]:
        """Every way to decide the undecided doubtful cells of ``eq`` (at most ``spare`` of them changed,
        at most one to the value the rule asks: a lost cell must be that one) that balances it; the
        rest keep their readings."""
        open_ = [k for k in dict.fromkeys(eq.keys) if k in self.options and k not in decided]
        lost = [k for k in open_ if self.values[k] is None]
        residual = self.residual(eq, decided)
        if residual is None or len(lost) > 1:
            return
        for size in range(len(lost), min(spare, len(open_)) + 1):
            for changed in combinations(open_, size):
                if set(lost) <= set(changed):
                    yield from self._fill(eq, decided, open_, changed, residual, lost[0] if lost else None)

    def _fill(self, eq: Equation, decided: dict[str, Choice], open_: list[str], changed: tuple[str, ...],
              residual: Decimal, lost: str | None) -> Iterator[dict[str, Choice]]:
        """The ``changed`` cells' candidate values that balance ``eq``; one of them that is free (the
        ``lost`` one if any) may instead take the value the rule then asks. The others are kept as
        read, but free ones stay undecided: another rule may still ask a value of them."""
        kept = {k: (self.values[k], "") for k in open_ if k not in changed and k not in self.free}
        sign = {k: s for s, k in eq.signed_terms}
        asking = [lost] if lost else [None, *(k for k in changed if k in self.free and eq.op == "==")]
        for asked in asking:
            listed = [k for k in changed if k != asked]
            for picked, shift in self._walk(listed, sign, {}, Decimal(0)):
                if asked is None:
                    if eq.accepts(residual + shift):
                        yield {**decided, **kept, **picked}
                    continue
                value = self._asked(asked, residual + shift, sign[asked])
                if value is not None:
                    yield {**decided, **kept, **picked, asked: (value, ANY)}

    def _walk(self, keys: list[str], sign: Mapping[str, int], picked: dict[str, Choice],
              shift: Decimal) -> Iterator[tuple[dict[str, Choice], Decimal]]:
        """Every choice of a candidate value for each of ``keys``, with the shift it makes in the rule."""
        self.nodes -= 1
        if self.nodes < 0:
            raise _Exhausted
        if len(picked) == len(keys):
            yield picked, shift
            return
        key = keys[len(picked)]
        read = Decimal(str(self.values[key]))
        for value, why in self.options[key].items():
            yield from self._walk(keys, sign, {**picked, key: (value, why)},
                                  shift + sign[key] * (Decimal(str(value)) - read))

    def _asked(self, key: str, residual: Decimal, sign: int) -> Number | None:
        """The value of a free or lost cell that balances a rule left ``residual`` off with the cell as
        read (a lost one as 0); None when it is no count (a fraction, a negative one), no change, or
        one of the cell's candidates (found as such)."""
        read = self.values[key]
        needed = Decimal(str(read or 0)) - residual * sign
        if needed != needed.to_integral_value() or (needed < 0 and key not in self.signed):
            return None
        value = int(needed)
        return None if value == read or value in self.options[key] else value


def _candidates(slot: Slot, reread: Reread | None) -> dict[Number, str]:
    """Values the cell may have been printed as: known misreadings, a lost digit put back (unsure
    readings only), confident re-reads (of the group's unsure readings only: each costs two OCR runs)."""
    out = dict(alternatives(slot))
    for text in insertions((slot.raw or "").strip()) if unsure(slot) else ():
        value = parse_number(text)
        if value is not None and value != slot.value:
            out.setdefault(value, "lost-digit")
    for value, _ in reread(slot.key) if reread is not None else ():
        if value != slot.value:
            out.setdefault(value, _REREAD)
    return out


def _read(slot: Slot) -> bool:
    """An OCR'd number, as read or already in doubt."""
    return (slot.value is not None and slot.status in ("read", "suspect") and slot.span is not None
            and slot.span.method == "ocr")


def _lost(slot: Slot) -> bool:
    """An OCR'd cell read blank (a faint number cleaned away, a number whose strokes fell apart)."""
    return (slot.value is None and slot.status in ("read", "suspect") and slot.span is not None
            and slot.span.method == "ocr" and not slot.raw)


def _changes(decided: Mapping[str, Choice], values: Mapping[str, Number | None]) -> frozenset[tuple[str, Number, str]]:
    return frozenset((k, v, why) for k, (v, why) in decided.items() if v != values[k])


def solve_jointly(group: list[Equation], rules: tuple[Equation, ...], slots: Mapping[str, Slot],
                  candidates: Iterable[str], signed: set[str], reread: Reread | None = None) -> list[Suggestion]:
    """The one assignment of fewest changed cells (at most ``joint_cells``) under which every rule of the
    failing ``group`` and every rule over a changed cell holds; [] when there is none, several, the
    search runs past ``joint_nodes``, or its values no reading gives could trade a shortfall."""
    asked = {k for k in candidates if k in slots and slots[k].value is not None}
    near = [e for e in rules if e.hard and set(e.keys) & asked]
    doubtful = asked | {k for e in near for k in e.keys if k in slots and _read(slots[k])}
    values: dict[str, Number | None] = {k: s.value for k, s in slots.items()}
    equations = [e for e in rules if e.hard and set(e.keys) & doubtful]
    lost = {k for e in near for k in e.keys if k in slots and _lost(slots[k])}
    free = {k for k in doubtful if unsure(slots[k])} | lost
    shaky = {k for k in asked if unsure(slots[k])}
    found: set[frozenset[tuple[str, Number, str]]] = set()
    # re-reads cost two OCR runs a cell: a group the search cannot finish without them is not re-read
    rounds = [None] + ([reread] if reread is not None and shaky and len(shaky) <= _limit("joint_rereads") else [])
    for again in rounds:
        options = {k: _candidates(slots[k], again if k in shaky else None) if k in doubtful else {}
                   for k in sorted(doubtful | lost)}
        try:
            found = _fewest(_Search(equations, values, options, free, signed, _limit("joint_nodes")), group)
        except _Exhausted:
            return []
    if len(found) != 1:
        return []
    chosen = next(iter(found))
    pins = [e for e in equations if e.op == "=="]
    if any(sum(k in e.keys for e in pins) < _limit("pinning_rules") for k, _, _ in chosen):
        return []
    if trading(free, pins):  # the search gives one value asked per rule: a family of fits would go unseen
        return []
    return sorted((Suggestion(k, v, (_ASKED if why == ANY else why) + _JOINT) for k, v, why in chosen),
                  key=lambda s: s.key)


def _fewest(search: _Search, group: list[Equation]) -> set[frozenset[tuple[str, Number, str]]]:
    """Every assignment of the fewest changes that balances the group and every rule it touches."""
    for most in range(1, _limit("joint_cells") + 1):
        found: set[frozenset[tuple[str, Number, str]]] = set()
        _visit(search, group, {}, most, found)
        if found:
            return found
    return set()


def _visit(search: _Search, group: list[Equation], decided: dict[str, Choice], most: int,
           found: set[frozenset[tuple[str, Number, str]]]) -> None:
    """Decide the open rule with fewest undecided cells among those failing now (all of ``group``
    first): a decided set of changes that leaves no rule failing is an assignment."""
    search.nodes -= len(search.equations)  # a visit scans every rule: work grows with the table
    if search.nodes < 0:
        raise _Exhausted
    changes = _changes(decided, search.values)
    if len(changes) > most:
        return
    touched = {k for k, _, _ in changes}
    pending = [e for e in search.equations if (e in group or touched & set(e.keys)) and not search.balances(e, decided)]
    if not pending:
        found.add(changes)
        return
    if len(changes) + _apart(pending, search, decided) > most:
        return
    eq = min(pending, key=lambda e: search.unsettled(e, decided))
    for after in search.settle(eq, decided, most - len(changes)):
        _visit(search, group, after, most, found)


def _apart(pending: list[Equation], search: _Search, decided: Mapping[str, Choice]) -> int:
    """How many failing rules share no undecided cell: each needs a change of its own (a bound that
    prunes the search)."""
    taken: set[str] = set()
    count = 0
    for eq in pending:
        open_ = {k for k in eq.keys if k in search.options and k not in decided}
        if not open_ & taken:
            taken |= open_
            count += 1
    return count
