"""Decisions onto a record: the cell's value and status, the tables, the checks and ``verified`` anew."""

from __future__ import annotations

from extractor.record import Category, Cell, Check, Report, Tables
from extractor.review.decisions import Decision
from extractor.template.solve import rederive
from extractor.template.verify import cell_key

__all__ = ["apply", "cell_key", "failing", "targets"]


def _set_table_value(tables: Tables, cell: Cell, value: int | float | None) -> None:
    if cell.table == "t4":
        tables.t4[cell.col] = value
    elif cell.table == "t3":
        tables.t3.setdefault(cell.row or "", {})[cell.col] = value
    else:
        block, row = (cell.row or ".").split(".", 1)
        tables.t2.setdefault(block, {}).setdefault(row, {})[cell.col] = value


def _apply_cell(report: Report, cell: Cell, decision: Decision) -> None:
    if decision.action in ("correct", "accept"):
        value = decision.new if decision.action == "correct" else cell.value
    else:
        value = None
    if isinstance(value, list):
        raise ValueError(f"{decision.target}: a cell takes a number, not {value!r}")
    cell.value = value
    cell.status = "reviewed"
    _set_table_value(report.tables, cell, value)


def _apply_item(report: Report, decision: Decision) -> None:
    kind, _, index = decision.target.partition(".")
    items = report.problems if kind == "problems" else report.improvements
    labels = decision.new if isinstance(decision.new, list) else []
    items[int(index)].categories = [Category(label=label, score=1.0) for label in labels]


def targets(report: Report) -> set[str]:
    keys = {cell_key(c) for c in report.cells}
    keys |= {f"problems.{i}" for i in range(len(report.problems))}
    keys |= {f"improvements.{i}" for i in range(len(report.improvements))}
    return keys


def apply(report: Report, decisions: list[Decision]) -> Report:
    """A reviewed copy of ``report``; the original is left as extracted."""
    mine = [d for d in decisions if d.sha256 == report.source.sha256]
    if not mine:
        return report
    out = report.model_copy(deep=True)
    cells = {cell_key(c): c for c in out.cells}
    for decision in mine:
        if decision.target in cells:
            _apply_cell(out, cells[decision.target], decision)
        elif decision.target.startswith(("problems.", "improvements.")) and decision.target in targets(out):
            _apply_item(out, decision)
    rederive(out)
    return out


def failing(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok and c.severity == "hard"]
