"""Put a row's tokens into its columns when cells were lost, blank or doubled in extraction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from extractor.template.numbers import Number, Token, parse_number

Consistent = Callable[[dict[str, Number | None]], bool | None]


@dataclass(slots=True)
class Aligned:
    cells: dict[str, Token | None]
    suspect: bool = False
    notes: list[str] = field(default_factory=list)


def _values(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind == "value"]


def _numbers(cells: dict[str, Token | None]) -> dict[str, Number | None]:
    return {c: (parse_number(t.raw) if t is not None and t.kind == "value" else None) for c, t in cells.items()}


def _by_rule(values: list[Token], columns: list[str], consistent: Consistent) -> Aligned | None:
    """Try every order-keeping placement; take the first the rule accepts if all accepted agree on values."""
    accepted: list[dict[str, Token | None]] = []
    for chosen in combinations(range(len(columns)), len(values)):
        cells: dict[str, Token | None] = dict.fromkeys(columns)
        for token, index in zip(values, chosen):
            cells[columns[index]] = token
        if consistent(_numbers(cells)) is not False:
            accepted.append(cells)
    if not accepted:
        return None
    first = accepted[0]
    agree = all(_numbers(a) == _numbers(first) for a in accepted) or len(accepted) == 1
    note = "placed by the table's arithmetic" if agree else "placement ambiguous; first consistent taken"
    return Aligned(first, suspect=not agree, notes=[note])


def _drop_extra(values: list[Token], columns: list[str], consistent: Consistent) -> Aligned:
    """More values than columns: keep the order-keeping subset the rule accepts, else the first ones."""
    for kept in combinations(range(len(values)), len(columns)):
        cells = {c: values[i] for c, i in zip(columns, kept)}
        if consistent(_numbers(cells)) is True:
            return Aligned(cells, notes=[f"{len(values) - len(columns)} extra value(s) dropped by the arithmetic"])
    return Aligned(dict(zip(columns, values)), suspect=True, notes=["extra values; the first ones taken"])


def align(tokens: list[Token], columns: list[str], header: list[str], consistent: Consistent) -> Aligned:
    """Map a row's value/blank tokens onto ``columns``.

    ``header`` lists the columns the table's header actually shows (a dropped 总计 column shows as
    a shorter header); ``consistent`` evaluates the row's own rule for a candidate placement.
    """
    values = _values(tokens)
    n = len(columns)
    if not tokens:
        return Aligned(dict.fromkeys(columns))
    if len(header) < n and len(values) == len(header):
        cells: dict[str, Token | None] = dict.fromkeys(columns)
        cells.update(zip(header, values))
        return Aligned(cells, notes=["columns taken from the table header"])
    if len(values) == n:
        return Aligned(dict(zip(columns, values)))
    if len(values) > n:
        return _drop_extra(values, columns, consistent)
    if any(t.kind == "blank" for t in tokens):
        tail = tokens[-n:]
        padded: list[Token | None] = [None] * (n - len(tail)) + list(tail)
        return Aligned(dict(zip(columns, padded)))
    placed = _by_rule(values, columns, consistent)
    if placed is not None:
        return placed
    cells = dict.fromkeys(columns)
    cells.update(zip(columns, values))
    return Aligned(cells, suspect=True, notes=["values could not be placed by the arithmetic; left-aligned"])
