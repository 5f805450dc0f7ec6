"""A table's failing rules solved together as one integer program: the one cheapest assignment that balances them.

``misreads.suggest`` explains a failing group by at most ``max_cells`` changed cells, and
``suggest_crossings`` asks each cell where a row and a column fail alone. A fax page that stripped
the "4" of every 354 in a column breaks three to six crossing rules at once: neither finds anything.
Here every OCR'd cell of the group's rules and of the rules crossing them is an unknown of one
integer program (HiGHS through ``scipy.optimize.milp``): it keeps its reading (cost 0), or takes one
of its candidate values — a known misreading (data/misreadings.json), the reading with a lost digit
put back (unsure readings only), a confident re-read — at ``joint_cost_candidate``, or, when the
reading is unsure or the cell was read blank, any count at ``joint_cost_any``. Every rule of the
failing group holds, and so does every rule over a changed cell, its blanks filled (a rule over a
cell not read at all cannot be evaluated: it constrains and pins nothing). Unlike a search that asks
one value per rule, the program sees rules over two free cells and has no bound on the changes.

The cheapest assignment is suggested (suspect, like every suggestion) only when it is the only one at
its cost — the program is solved again with it excluded (some cell's value differing) and must cost
strictly more: free cells that could trade a shortfall give a second assignment at the same cost —,
when each cell it changes is pinned by ``pins_needed`` rules that hold (its row and its column; table 四's
cells, each in one sum only, by that sum), and at
most ``joint_any`` of its values are counts no reading names (more is a guess that happens to fit). A
program past its node or time bound, or with more than ``joint_free`` free cells (a page too damaged
for a cheapest assignment to mean anything), suggests nothing. Only unsure readings and blanks are
free: a sure reading in a row placed by position is a number from another row, not a misreading (fax
seed 1901's shifted rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from extractor.template.misreads import (ANY, Reread, Suggestion, alternatives, insertions, limit, pins_needed,
                                        plainly_weak, read_text, unsure)
from extractor.template.numbers import Number, parse_number
from extractor.template.rules import Equation
from extractor.template.slots import Slot

#: a value a confident re-read of the cell gives
_REREAD = "re-read"
#: how the suggestion's warning names a value no reading gives
_ASKED = "no known misreading, the value its rules ask"
#: how the suggestion's warning names the program
_JOINT = "; the one cheapest assignment that balances every failing rule of the table"
#: one option of a cell: its value (None: left blank), why it may have it ("" when kept as read), its cost
Option = tuple[Number | None, str, int]
#: what one solve decided: cell → (value, why)
Assignment = dict[str, tuple[Number | None, str]]


class _Unfinished(Exception):
    """The program ran past its node or time bound: nothing can be said."""


#: one constraint: its coefficients by column, lower and upper bound
Row = tuple[dict[int, float], float, float]


@dataclass
class _Model:
    """An integer program: objective, column bounds, rows; every column is integral."""

    cost: list[float]
    low: list[float]
    high: list[float]
    rows: list[Row]

    def add(self, price: float, low: float, high: float) -> int:
        """A new column; its index."""
        self.cost.append(price)
        self.low.append(low)
        self.high.append(high)
        return len(self.cost) - 1

    def solve(self) -> tuple[np.ndarray, float] | None:
        """The optimum's columns and cost; None when infeasible; ``_Unfinished`` past the node bound."""
        # imported here: a text-layer report has no OCR'd cells to solve for and must not pay for scipy
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_matrix

        entries = [(r, c, v) for r, (row, _, _) in enumerate(self.rows) for c, v in row.items()]
        matrix = coo_matrix(([v for _, _, v in entries], ([r for r, _, _ in entries], [c for _, c, _ in entries])),
                            shape=(len(self.rows), len(self.cost))).tocsr()
        # no presolve: HiGHS prints a debug line to stdout (not through its log) when it repairs a presolved
        # solution, which would land in a caller's output; these programs are small enough without it
        result = milp(np.array(self.cost), integrality=np.ones(len(self.cost)),
                      bounds=Bounds(np.array(self.low), np.array(self.high)),
                      constraints=LinearConstraint(matrix, [lo for _, lo, _ in self.rows], [hi for _, _, hi in self.rows]),
                      options={"node_limit": limit("joint_nodes"), "time_limit": limit("joint_seconds"),
                               "mip_rel_gap": 0.0, "presolve": False})
        if result.status == 2:
            return None
        if result.status != 0 or result.x is None:
            raise _Unfinished
        return np.asarray(result.x), float(result.fun)


@dataclass
class _Cells:
    """The unknowns of one failing group: per cell its options' binary columns, and for a free cell an
    "any count" binary with its integer value (at most ``bound``, below 0 only for signed cells)."""

    options: dict[str, list[Option]]
    free: set[str]
    signed: set[str]
    bound: int
    picks: dict[str, list[int]] = field(default_factory=dict)
    anyflag: dict[str, int] = field(default_factory=dict)
    anyvalue: dict[str, int] = field(default_factory=dict)

    def declare(self, model: _Model) -> None:
        """Each cell takes exactly one of its options (or any count, when free)."""
        for key, options in self.options.items():
            self.picks[key] = [model.add(price, 0, 1) for _, _, price in options]
            one = dict.fromkeys(self.picks[key], 1.0)
            if key in self.free:
                flag = self.anyflag[key] = model.add(limit("joint_cost_any"), 0, 1)
                value = self.anyvalue[key] = model.add(0, -self.bound if key in self.signed else 0, self.bound)
                one[flag] = 1.0
                model.rows.append(({value: 1.0, flag: -self.bound}, -np.inf, 0.0))
                model.rows.append(({value: 1.0, flag: self.bound}, 0.0, np.inf))
            model.rows.append((one, 1.0, 1.0))

    def term(self, key: str, sign: int, row: dict[int, float]) -> tuple[float, float]:
        """Add ``sign`` × the cell's value to ``row``; the range that term can take (a blank is 0)."""
        values = [float(v or 0) for v, _, _ in self.options[key]]
        for column, value in zip(self.picks[key], values):
            row[column] = row.get(column, 0.0) + sign * value
        if key in self.free:
            row[self.anyvalue[key]] = row.get(self.anyvalue[key], 0.0) + sign
            values += [float(self.bound), float(-self.bound if key in self.signed else 0)]
        return min(sign * v for v in values), max(sign * v for v in values)

    def decode(self, x: np.ndarray) -> Assignment:
        """The value (and why) each cell takes in a solution."""
        out: Assignment = {}
        for key, columns in self.picks.items():
            if key in self.free and x[self.anyflag[key]] > 0.5:
                out[key] = (int(round(x[self.anyvalue[key]])), ANY)
            else:
                value, why, _ = self.options[key][max(range(len(columns)), key=lambda i: x[columns[i]])]
                out[key] = (value, why)
        return out

    def exclude(self, model: _Model, chosen: Assignment) -> None:
        """One row that some cell takes another value than ``chosen`` gives it: another option, or any
        count above or below it (two binaries per free cell)."""
        row: dict[int, float] = {}
        for key, (value, _) in chosen.items():
            for column, (other, _, _) in zip(self.picks[key], self.options[key]):
                if other != value:
                    row[column] = 1.0
            if key not in self.free:
                continue
            flag, count = self.anyflag[key], self.anyvalue[key]
            if value is None:
                row[flag] = 1.0
                continue
            wide = self.bound + abs(float(value)) + 1
            above, below = model.add(0, 0, 1), model.add(0, 0, 1)
            model.rows.append(({above: 1.0, flag: -1.0}, -np.inf, 0.0))
            model.rows.append(({below: 1.0, flag: -1.0}, -np.inf, 0.0))
            model.rows.append(({count: 1.0, above: -wide}, float(value) + 1 - wide, np.inf))
            model.rows.append(({count: 1.0, below: wide}, -np.inf, float(value) - 1 + wide))
            row[above] = row[below] = 1.0
        model.rows.append((row, 1.0, np.inf))


def _candidates(slot: Slot, reread: Reread | None) -> dict[Number, str]:
    """Values the cell may have been printed as: known misreadings, a lost digit put back (unsure
    readings only), confident re-reads (of the group's unsure readings only: each costs two OCR runs)."""
    out = dict(alternatives(slot))
    for text in insertions(read_text(slot)) if unsure(slot) else ():
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


def _options(slot: Slot, reread: Reread | None, doubtful: bool) -> list[Option]:
    """The cell kept as read (or blank), then its candidate values at ``joint_cost_candidate``."""
    kept: list[Option] = [(slot.value, "", 0)]
    if not doubtful:
        return kept
    return kept + [(v, why, limit("joint_cost_candidate")) for v, why in _candidates(slot, reread).items()]


def _bound(equations: list[Equation], values: Mapping[str, Number | None]) -> int:
    """The largest count a free cell may take: twice the largest number its rules hold (a part never
    exceeds its total, and a total read short is not short by more than itself). Kept to the rules'
    own cells: a larger bound weakens the program (a solver's tolerance times the bound may pass for a count)."""
    return int(2 * max((abs(float(v)) for e in equations for k in e.keys if (v := values.get(k)) is not None),
                       default=0)) + 10


def solve_jointly(group: list[Equation], rules: tuple[Equation, ...], slots: Mapping[str, Slot],
                  candidates: Iterable[str], signed: set[str], reread: Reread | None = None) -> list[Suggestion]:
    """The one cheapest assignment of the group's cells and of the cells of the rules crossing it under
    which every rule of the failing ``group`` and every rule over a changed cell holds; [] when there is
    none, another as cheap, a changed cell fewer than ``pins_needed`` rules pin, more than ``joint_any``
    counts no reading names, more than ``joint_free`` free cells, or a solve past its bounds."""
    asked = {k for k in candidates if k in slots and slots[k].value is not None}
    near = [e for e in rules if e.hard and set(e.keys) & asked]
    doubtful = asked | {k for e in near for k in e.keys if k in slots and _read(slots[k])}
    lost = {k for e in near for k in e.keys if k in slots and _lost(slots[k])}
    equations = [e for e in rules if e.hard and set(e.keys) & (doubtful | lost)]
    free = {k for k in doubtful if unsure(slots[k])} | lost
    shaky = {k for k in asked if unsure(slots[k])}
    if not doubtful | lost or len(free) > limit("joint_free"):
        return []
    values: dict[str, Number | None] = {k: s.value for k, s in slots.items()}
    # re-reads cost two OCR runs a cell: a group the program cannot finish without them is not re-read
    rounds = [None] + ([reread] if reread is not None and shaky and len(shaky) <= limit("joint_rereads") else [])
    chosen: Assignment | None = None
    for again in rounds:
        options = {k: _options(slots[k], again if k in shaky else None, k in doubtful) for k in sorted(doubtful | lost)}
        cells = _Cells(options, free, signed, _bound(equations, values))
        try:
            chosen = _unique(cells, group, equations, values)
        except _Unfinished:
            return []
    changes = {k: (v, why) for k, (v, why) in (chosen or {}).items() if v != values[k]}
    now = _after(chosen or {}, values)
    pins = [e for e in equations if e.op == "==" and e.holds(now) is True]  # a rule over a blank vouches for nothing
    if (any(sum(k in e.keys for e in pins) < pins_needed(k, rules, why != ANY or plainly_weak(slots[k]))
            for k, (_, why) in changes.items())
            or sum(why == ANY for _, why in changes.values()) > limit("joint_any")):
        return []
    return sorted((Suggestion(k, v, (_ASKED if why == ANY else why) + _JOINT)
                   for k, (v, why) in changes.items() if v is not None), key=lambda s: s.key)


def _unique(cells: _Cells, group: list[Equation], equations: list[Equation],
            values: Mapping[str, Number | None]) -> Assignment | None:
    """The cheapest assignment when every other one (some cell's value differing) costs strictly more."""
    model = _Model([], [], [], [])
    cells.declare(model)
    if not all(_rule(model, cells, eq, eq in group, values) for eq in equations):
        return None
    first = model.solve()
    if first is None:
        return None
    chosen = cells.decode(first[0])
    if not _balances(chosen, group, equations, values):
        return None
    cells.exclude(model, chosen)
    second = model.solve()
    return chosen if second is None or second[1] > first[1] + 0.5 else None


def _rule(model: _Model, cells: _Cells, eq: Equation, failing: bool, values: Mapping[str, Number | None]) -> bool:
    """Add ``eq``'s rows: a rule of the failing group always holds; another holds, its cells read blank
    filled, when a cell of it changes (an "active" binary the change forces on). A rule over a cell not
    read at all is left out: it cannot be evaluated and vouches for nothing. False when a rule of the
    group holds such a cell."""
    row: dict[int, float] = {}
    constant, low, high, blank = 0.0, 0.0, 0.0, False
    for sign, key in eq.signed_terms:
        if key in cells.options:
            a, b = cells.term(key, sign, row)
            low, high = low + a, high + b
        elif values.get(key) is None:
            blank = True
        else:
            constant += sign * float(values[key])  # type: ignore[arg-type]
    if failing:
        model.rows.append((row, -constant, -constant if eq.op == "==" else np.inf))
        return not blank
    if blank:  # a cell blank for good (not OCR'd): the rule cannot be evaluated and vouches for nothing
        return True
    active = model.add(0, 0, 1)
    keys = list(dict.fromkeys(k for k in eq.keys if k in cells.options))
    lost = [cells.picks[k][0] for k in keys if cells.options[k][0][0] is None]
    for key in keys:
        model.rows.append(({active: 1.0, cells.picks[key][0]: 1.0}, 1.0, np.inf))  # a change makes the rule hold
    for kept in lost:
        model.rows.append(({active: 1.0, kept: 1.0}, -np.inf, 1.0))  # and its cells read blank be filled
    low, high = low + constant, high + constant
    model.rows.append(({**row, active: low}, low - constant, np.inf))
    if eq.op == "==":
        model.rows.append(({**row, active: high}, -np.inf, high - constant))
    return True


def _balances(chosen: Assignment, group: list[Equation], equations: list[Equation],
              values: Mapping[str, Number | None]) -> bool:
    """Checked in exact arithmetic: every rule of the group holds, and every rule over a changed cell
    that can be evaluated."""
    now = _after(chosen, values)
    changed = {k for k, (v, _) in chosen.items() if v != values[k]}
    return all(e.holds(now) is True if e in group else e.holds(now) is not False
               for e in equations if e in group or changed & set(e.keys))


def _after(chosen: Assignment, values: Mapping[str, Number | None]) -> dict[str, Number | None]:
    return {**values, **{k: v for k, (v, _) in chosen.items()}}
