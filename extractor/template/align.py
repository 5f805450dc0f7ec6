"""Put a row's tokens into its columns when cells were lost, blank or doubled in extraction.

A placement keeps the values in order and must not break the row's own equations. The search is
dynamic programming over (values used, columns filled, running sums of the open equations), so
its work is polynomial; a row far longer than its columns (a table flattened onto one line) is not
searched at all: its first values are taken and its cells flagged. A row of an OCR'd page grid
whose cells' places fill its columns is placed by those places first (``_by_slot``): there a
value's column is where its cell stands, not its rank among the values read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import combinations
from math import comb
from statistics import median

from extractor.geometry import Box
from extractor.ingest.document import Span
from extractor.ingest.marks import SPLIT
from extractor.template.numbers import Number, Token, parse_number, tokenize
from extractor.template.onefit import only_fit
from extractor.template.rules import Equation
from extractor.template.spec import threshold

Outcome = tuple[tuple[Number | None, ...], tuple[int | None, ...]]
"""Numbers per remaining column and the index of the value placed there (None for a gap)."""


@dataclass(slots=True)
class Aligned:
    """Tokens per cell key; ``alternatives``: other placements the row's own arithmetic allows as well."""

    cells: dict[str, Token | None]
    suspect: bool = False
    notes: list[str] = field(default_factory=list)
    alternatives: list[dict[str, Token | None]] = field(default_factory=list)


class _TooMuchWork(Exception):
    pass


class _Search:
    """Order-keeping placements of ``values`` into ``columns`` that no equation of ``rules`` rejects.

    With more values than columns some are skipped and at least one equation must hold; with fewer,
    some columns stay empty (an equation with an empty cell is not evaluated). Up to two placements
    with different numbers are kept: two mean the arithmetic cannot decide.
    """

    def __init__(self, values: list[Token], columns: list[str], rules: list[Equation]) -> None:
        self.numbers = [parse_number(t.raw) for t in values]
        self.m, self.n = len(values), len(columns)
        self.rules = rules
        self.terms = [[(e, s) for e, eq in enumerate(rules) for s, k in eq.signed_terms if k == c] for c in columns]
        last = [max(columns.index(k) for k in eq.keys) for eq in rules]
        self.closes = [[e for e in range(len(rules)) if last[e] == j] for j in range(self.n)]
        self.budget = int(threshold("max_alignment_states"))
        self.memo: dict[tuple, list[Outcome]] = {}

    def run(self) -> list[Outcome]:
        return self._from(0, 0, (Decimal(0),) * len(self.rules), False)

    def _from(self, i: int, j: int, sums: tuple[Decimal | None, ...], held: bool) -> list[Outcome]:
        if j == self.n:
            done = i == self.m if self.m <= self.n else held
            return [((), ())] if done else []
        state = (i, j, sums, held)
        if state in self.memo:
            return self.memo[state]
        if len(self.memo) >= self.budget:
            raise _TooMuchWork
        found: list[Outcome] = []
        left, room = self.m - i, self.n - j
        if i < self.m:
            found += self._place(i, i, j, sums, held)
        if left < room:
            found += self._place(None, i, j, sums, held)
        if left > room:
            found += self._from(i + 1, j, sums, held)
        self.memo[state] = _two_distinct(found)
        return self.memo[state]

    def _place(self, index: int | None, i: int, j: int, sums: tuple[Decimal | None, ...], held: bool
               ) -> list[Outcome]:
        """Value ``index`` (None: a gap) into column ``j``; equations ending at ``j`` are judged."""
        number = None if index is None else self.numbers[index]
        after = list(sums)
        for e, sign in self.terms[j]:
            total = after[e]
            after[e] = None if total is None or number is None else total + sign * Decimal(str(number))
        for e in self.closes[j]:
            total, after[e] = after[e], Decimal(0)
            if total is None:
                continue
            if not self.rules[e].accepts(total):
                return []
            held = True
        rest = self._from(i if index is None else i + 1, j + 1, tuple(after), held)
        return [((number, *nums), (index, *idx)) for nums, idx in rest]


def _two_distinct(found: list[Outcome]) -> list[Outcome]:
    out: list[Outcome] = []
    for outcome in found:
        if all(outcome[0] != o[0] for o in out):
            out.append(outcome)
        if len(out) == 2:
            break
    return out


def _values(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind == "value"]


def _placed(values: list[Token], columns: list[str], outcome: Outcome) -> dict[str, Token | None]:
    return {c: (None if i is None else values[i]) for c, i in zip(columns, outcome[1])}


def _too_many(values: list[Token], columns: list[str]) -> Aligned:
    cells: dict[str, Token | None] = dict.fromkeys(columns)
    cells.update(zip(columns, values))
    return Aligned(cells, suspect=True, notes=[f"too many values ({len(values)} for {len(columns)} columns): "
                                               "not placed by the arithmetic; the first ones taken, cells suspect"])


def _by_rules(values: list[Token], columns: list[str], rules: list[Equation]) -> Aligned:
    """Place by the row's equations; ambiguous or impossible placements leave the row suspect."""
    extra = len(values) - len(columns)
    try:
        found = _Search(values, columns, rules).run() if rules else []
    except _TooMuchWork:
        return _too_many(values, columns)
    if not found:
        fallback: dict[str, Token | None] = dict.fromkeys(columns)
        fallback.update(zip(columns, values))
        what = "extra values; the first ones taken" if extra > 0 else \
            "values could not be placed by the arithmetic; left-aligned"
        return Aligned(fallback, suspect=True, notes=[what])
    if len(found) > 1:
        return Aligned(_placed(values, columns, found[0]), suspect=True,
                       notes=["placement ambiguous; first consistent taken"])
    if extra > 0 and any(t.span.method == "ocr" for t in values):
        # a ruled grid gives one value per column: an extra one is a foreign mark (page number,
        # seal remnant, a number split in two), and a fit that drops it may hold by chance (0 = 0 + 0)
        return Aligned(_placed(values, columns, found[0]), suspect=True,
                       notes=[f"{extra} extra value(s) in an OCR'd row dropped by the arithmetic; cells suspect"])
    note = f"{extra} extra value(s) dropped by the arithmetic" if extra > 0 else "placed by the table's arithmetic"
    return Aligned(_placed(values, columns, found[0]), notes=[note])


def _parts(digits: str, count: int) -> Iterator[list[str]]:
    """``digits`` cut into ``count`` printed numbers (no number but 0 itself starts with 0)."""
    if count == 1:
        if digits == "0" or not digits.startswith("0"):
            yield [digits]
        return
    for cut in range(1, len(digits) - count + 2):
        head = digits[:cut]
        if head == "0" or not head.startswith("0"):
            for rest in _parts(digits[cut:], count - 1):
                yield [head, *rest]


def _readings(runs: list[str], count: int) -> Iterator[list[str]]:
    """Every way the runs of digits (split only inside a run) make ``count`` cells."""
    if not runs:
        if count == 0:
            yield []
        return
    rest_min, rest_max = len(runs) - 1, sum(len(r) for r in runs[1:])
    for own in range(max(1, count - rest_max), min(len(runs[0]), count - rest_min) + 1):
        for head in _parts(runs[0], own):
            for tail in _readings(runs[1:], count - own):
                yield [*head, *tail]


def _run_together(values: list[Token], columns: list[str], rules: list[Equation]) -> Aligned | None:
    """Cells run together ("713000074" for seven cells, as page text copied from a table has them):
    the digits are cut into the columns in every possible way, and the one way the row's own
    equations accept is the reading (text only: an OCR'd number is a cell's whole reading, and a row with
    printed blanks has lost nothing); a few accepted ways are kept as alternatives for the whole table's
    equations to choose from (``tables.settle``). Exactly one digit per column needs no equation (every
    cell printed one digit) but is only taken as read where the equations check it.
    """
    runs = [t.raw for t in values]
    total = sum(len(r) for r in runs)
    if (not values or len(values) >= len(columns) or not all(r.isdigit() and r.isascii() for r in runs)
            or any(t.span.method == "ocr" for t in values)
            or total < len(columns) or total > len(columns) + threshold("max_run_together_extra_digits")):
        return None
    span = values[0].span
    accepted: list[list[str]] = []
    for n, cells in enumerate(_readings(runs, len(columns))):
        if n >= threshold("max_run_together_readings"):
            return None
        numbers = {c: parse_number(v) for c, v in zip(columns, cells)}
        if rules and all(e.holds(numbers) for e in rules) and cells not in accepted:
            accepted.append(cells)
    placed = [dict(zip(columns, (Token("value", v, span) for v in cells))) for cells in accepted]
    if len(placed) == 1:
        return Aligned(placed[0], notes=["cells run together: cut where the row's arithmetic holds"])
    if 1 < len(placed) <= threshold("max_run_together_alternatives"):
        return Aligned(placed[0], suspect=True, alternatives=placed,
                       notes=[f"cells run together: {len(placed)} cuts fit the row; the first taken, cells suspect"])
    if total == len(columns):
        tokens = [Token("value", d, span) for d in "".join(runs)]
        return Aligned(dict(zip(columns, tokens)), suspect=True,
                       notes=["cells run together: one digit per cell, unchecked"])
    return None


def _cells(tokens: list[Token]) -> list[Span]:
    """The cells a row's tokens were read from, in order, each once."""
    spans: list[Span] = []
    for token in tokens:
        if not spans or spans[-1] is not token.span:
            spans.append(token.span)
    return spans


def _whole(share: float) -> int | None:
    """``share`` (a length in column widths) as a whole number of columns, None when it is not one."""
    count = round(share)
    return count if abs(share - count) <= threshold("slot_width_slack") else None


def _pieces(span: Span) -> list[Token]:
    """What one cell holds, left to right: numbers and unreadable bits ("0." off a speck), no blanks."""
    return [t for t in tokenize(span, True) if t.kind != "blank"]


def _unit(cells: list[Span]) -> float | None:
    """The width of one column: the median width of the cells holding at most one thing, when most do."""
    single = [s.bbox.x1 - s.bbox.x0 for s in cells if s.bbox is not None and len(_pieces(s)) <= 1]
    return median(single) if len(single) >= 2 and 2 * len(single) >= len(cells) else None


def _one_grid_row(cells: list[Span]) -> list[Box] | None:
    """The cells' boxes when they are cells of one row of one OCR'd page grid, left to right."""
    boxes = [s.bbox for s in cells if s.bbox is not None]
    if (len(boxes) != len(cells) or any(s.method != "ocr" for s in cells) or len({s.page for s in cells}) != 1
            or max(b.y0 for b in boxes) >= min(b.y1 for b in boxes)):
        return None
    return boxes if all(a.x0 < b.x0 for a, b in zip(boxes, boxes[1:])) else None


def _split_off(token: Token, box: Box, index: int, count: int) -> Token:
    """The ``index``-th of ``count`` numbers a merged region held, boxed by its own column slot."""
    step = (box.x1 - box.x0) / count
    own = Box(box.x0 + index * step, box.y0, box.x0 + (index + 1) * step, box.y1)
    repairs = tuple(dict.fromkeys((*token.span.repairs, SPLIT)))
    return Token(token.kind, token.raw, replace(token.span, bbox=own, repairs=repairs))


def _hole(token: Token | None, span: Span) -> Token:
    """A column whose cell gave no number (read empty, or only an unreadable bit) as a cell read
    blank: a lost number there keeps the audits of blanks and of their neighbours (``correct``)."""
    return token if token is not None and token.kind == "value" else Token("blank", "", token.span if token else span)


def _gap(span: Span, edge: float, unit: float, index: int) -> Token:
    """The ``index``-th cell of a gap between two cells of a row: a cell whose text was no number
    (dropped before alignment), read as nothing sure (confidence 0)."""
    box = Box(edge + index * unit, span.bbox.y0, edge + (index + 1) * unit, span.bbox.y1) if span.bbox else None
    return Token("blank", "", replace(span, text="", bbox=box, confidence=0.0, repairs=()))


def _doubt(span: Span, box: Box, width: int) -> list[list[Token]]:
    """What a region of ``width`` columns holding other than ``width`` things may mean, as readings
    of its columns, the plain one (its numbers from the left) first: fewer numbers than columns,
    the digits of cells run together cut into the columns ("018" as 0 and 18); more, each choice of
    them in order (a speck or a neighbour's digit beside a number), and in one column all of them
    closed up (a number wrapped inside its cell and read as two)."""
    values = [t for t in _pieces(span) if t.kind == "value"]
    runs = [t.raw for t in values]
    plain: list[Token | None] = [*values, *([None] * width)]
    options: list[list[Token | None]] = [plain[:width]]
    if values and all(r.isdigit() and r.isascii() for r in runs):
        if len(values) < width:
            for n, cut in enumerate(_readings(runs, width)):
                if n >= threshold("max_run_together_readings"):
                    break
                options.append([Token("value", c, span) for c in cut])
        elif width == 1:
            options.append([Token("value", "".join(runs), span)])
    if len(values) > width and comb(len(values), width) <= threshold("max_run_together_combinations"):
        options += [list(choice) for choice in combinations(values, width)]
    if width > 1:
        options = [[None if t is None else _split_off(t, box, i, width) for i, t in enumerate(o)] for o in options]
    return [[_hole(t, span) for t in o] for o in options]


def _by_slot(tokens: list[Token], columns: list[str], rules: list[Equation]) -> Aligned | None:
    """Place an OCR'd grid row's values by where their cells stand, not by their rank among the values.

    A cell read empty, a number lost as an unreadable bit ("0." off a speck, then no value) or a
    column rule the copy lost (two cells read as one region, "(0) 189") would otherwise shift every
    value after it a column. Each cell covers a whole number of column widths and the cells of a
    row stand side by side, so the cells' places give each value its column; taken only when the
    row's cells so counted fill exactly its columns. A region whose count of things differs from its
    columns is in doubt: the reading the row's own equations single out is taken, else its columns
    are left empty, and the row is suspect either way; numbers split out of one region are "split".
    """
    cells = _cells([t for t in tokens if t.span.bbox is not None or t.kind == "value"])
    boxes = _one_grid_row(cells) if cells else None
    unit = _unit(cells) if boxes else None
    if boxes is None or unit is None:
        return None
    placed: list[Token] = []
    doubtful: dict[int, list[list[Token]]] = {}
    edge, moved = boxes[0].x0, False
    for span, box in zip(cells, boxes):
        gap, width = _whole((box.x0 - edge) / unit), _whole((box.x1 - box.x0) / unit)
        if gap is None or width is None or gap < 0 or width < 1:
            return None
        placed += [_gap(span, edge, unit, i) for i in range(gap)]
        pieces = _pieces(span) or [Token("blank", "", span)] * width
        moved = moved or gap > 0 or width > 1 or len(pieces) > 1 or any(t.kind != "value" for t in pieces)
        if len(pieces) == width:
            pieces = [_split_off(t, box, i, width) for i, t in enumerate(pieces)] if width > 1 else pieces
            placed += [_hole(t, span) for t in pieces]
        else:
            doubtful[len(placed)] = _doubt(span, box, width)
            placed += doubtful[len(placed)][0]
        edge = box.x1
    if len(placed) != len(columns):
        return None
    if not doubtful:
        return Aligned(dict(zip(columns, placed)), notes=["placed by the cells' places in the grid"] if moved else [])
    return Aligned(_settled(placed, doubtful, columns, rules), suspect=True,
                   notes=["placed by the cells' places in the grid; a cell held other than one number per column: "
                          "cells suspect"])


def _settled(placed: list[Token], doubtful: dict[int, list[list[Token]]], columns: list[str],
             rules: list[Equation]) -> dict[str, Token | None]:
    """The readings of the doubtful regions under which the row's equations hold, when just one set
    of the row's numbers makes them hold (``onefit.only_fit``); else those regions' columns are left
    empty (unknown, for the table's other equations to infer), never filled by a guess at which
    column a number is in."""
    unknown = list(placed)
    for at, options in doubtful.items():
        unknown[at:at + len(options[0])] = [_hole(None, t.span) for t in options[0]]

    def trial(combination: tuple[list[Token], ...]) -> list[Token]:
        tokens = list(placed)
        for at, reading in zip(doubtful, combination):
            tokens[at:at + len(reading)] = reading
        return tokens

    def numbers(combination: tuple[list[Token], ...]) -> dict[str, Number | None]:
        return {c: parse_number(t.raw) if t.kind == "value" else None for c, t in zip(columns, trial(combination))}

    found = only_fit(list(doubtful.values()), numbers, rules, same=lambda values: tuple(values.values()))
    return dict(zip(columns, unknown if found is None else trial(found)))


def _by_count(values: list[Token], columns: list[str]) -> Aligned:
    """One value per column, in order. Where one found cell (a box of a page's grid) gave two of them,
    the count is no evidence: a copy that reads a number twice ("11 11", a fax's dropped scan line)
    fills the row as well as a cell whose rule was lost does, and the values after it stand a column
    off (fax seed 707: 127 placed as 11, read, under no rule): the cells are suspect."""
    cells = dict(zip(columns, values))
    boxed = [id(t.span) for t in values if t.span.bbox is not None]
    if len(boxed) == len(set(boxed)):
        return Aligned(cells)
    return Aligned(cells, suspect=True, notes=["a cell gave more than one value: placed by their count, a guess"])


def _right_aligned(tokens: list[Token], columns: list[str]) -> Aligned:
    """A row of values and blanks placed from its end. Exactly one token per column places itself;
    a row short of cells (or with more) has lost some, and which ones is a guess: its cells are
    suspect (a row whose trailing printed blanks were dropped was shifted right this way, silently)."""
    n = len(columns)
    tail = tokens[-n:]
    padded: list[Token | None] = [None] * (n - len(tail)) + list(tail)
    if len(tokens) == n:
        return Aligned(dict(zip(columns, padded)))
    return Aligned(dict(zip(columns, padded)), suspect=True,
                   notes=[f"{len(tokens)} cells for {n} columns: placed from the row's end, a guess"])


def align(tokens: list[Token], columns: list[str], header: list[str], rules: list[Equation]) -> Aligned:
    """Map a row's value/blank tokens onto ``columns`` (cell keys, in table order).

    ``header`` lists the columns the table's header actually shows (a dropped 总计 column shows as
    a shorter header); ``rules`` are the equations over this row's cells alone.
    """
    values = _values(tokens)
    n = len(columns)
    if not tokens:
        return Aligned(dict.fromkeys(columns))
    by_slot = _by_slot(tokens, columns, rules) if values else None
    if by_slot is not None:
        return by_slot
    if len(header) < n and len(values) == len(header):
        cells: dict[str, Token | None] = dict.fromkeys(columns)
        cells.update(zip(header, values))
        return Aligned(cells, notes=["columns taken from the table header"])
    if len(values) == n:
        return _by_count(values, columns)
    if len(values) > n + threshold("max_extra_values"):
        return _too_many(values, columns)
    if len(values) < n and any(t.kind == "blank" for t in tokens):
        return _right_aligned(tokens, columns)
    run_together = _run_together(values, columns, rules)
    if run_together is not None:
        return run_together
    return _by_rules(values, columns, rules)
