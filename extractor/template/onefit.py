"""The one combination of readings under which equations hold: how run-together cells are settled.

Cells run together or doubled leave several readings of a row (``align._settled``: the regions of
one grid row; ``tables.settle``: the cuts of several rows at once). Each combination of readings is
tried against the equations over them; one is taken only when no other fits as well. A guess among
several that fit would be a placement by chance.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import product
from math import prod
from typing import TypeVar

from extractor.template.rules import Equation, Values
from extractor.template.spec import threshold

C = TypeVar("C")


def fits(equations: Sequence[Equation], values: Values) -> bool:
    """No equation fails and at least one holds: an equation over an empty cell proves nothing."""
    verdicts = [e.holds(values) for e in equations]
    return any(verdicts) and all(v is not False for v in verdicts)


def only_fit(choices: Sequence[Sequence[C]], values_of: Callable[[tuple[C, ...]], Values],
             equations: Sequence[Equation], same: Callable[[Values], Hashable] | None = None) -> tuple[C, ...] | None:
    """The combination (one of each of ``choices``) under which ``equations`` fit, when it is the only
    one; combinations that ``same`` maps alike count once (the first kept), else each counts alone.
    None when none fits, when several do, or past ``max_run_together_combinations`` (a work bound)."""
    if prod(len(c) for c in choices) > threshold("max_run_together_combinations"):
        return None
    fitting: dict[Hashable, tuple[C, ...]] = {}
    for n, combination in enumerate(product(*choices)):
        values = values_of(combination)
        if fits(equations, values):
            fitting.setdefault(n if same is None else same(values), combination)
    return next(iter(fitting.values())) if len(fitting) == 1 else None
