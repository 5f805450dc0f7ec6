"""Indicators of one report (申请总量, 予以公开率, 复议纠错率 …) computed as ``extractor/data/indicators.json`` defines them."""

from __future__ import annotations

from functools import cache
from typing import Any

from extractor.record import Number, Report
from extractor.resources import load_json


@cache
def definitions() -> list[dict[str, Any]]:
    return load_json("indicators.json")["indicators"]


def cell_values(report: Report) -> dict[str, Number | None]:
    """``t3.row.col`` / ``t4.col`` / ``fact.key`` → value, the keys indicator terms name."""
    values: dict[str, Number | None] = {}
    for cell in report.cells:
        values[f"{cell.table}.{cell.col}" if cell.table == "t4" else f"{cell.table}.{cell.row}.{cell.col}"] = cell.value
    for fact in report.legacy.facts if report.legacy else []:
        values[f"fact.{fact.key}"] = fact.value
    return values


def _term(values: dict[str, Number | None], term: str) -> Number | None:
    """One term: a cell, the sum of the rows matching ``prefix*`` (null when none holds a number), or a fact."""
    if "*" not in term:
        return values.get(term)
    head, _, col = term.rpartition(".")
    prefix = head[:-1]
    present = [v for k, v in values.items() if k.startswith(prefix) and k.endswith(f".{col}") and v is not None]
    return sum(present) if present else None


def _total(values: dict[str, Number | None], terms: list[str]) -> Number | None:
    found = [_term(values, t) for t in terms]
    return None if any(v is None for v in found) else sum(found)  # type: ignore[arg-type]


def indicators(values: dict[str, Number | None]) -> list[dict[str, Any]]:
    """One row per indicator whose terms are all present: value, numerator, denominator, the formula used."""
    rows = []
    for spec in definitions():
        for alternative in spec["alternatives"]:
            numerator = _total(values, alternative["numerator"])
            has_denominator = "denominator" in alternative
            denominator = _total(values, alternative["denominator"]) if has_denominator else None
            if numerator is None or (has_denominator and denominator is None):
                continue
            value = (numerator / denominator if denominator else None) if has_denominator else numerator
            formula = " + ".join(alternative["numerator"])
            if has_denominator:
                formula = f"({formula}) / ({' + '.join(alternative['denominator'])})"
            rows.append({"indicator": spec["id"], "label": spec["label"], "value": value, "numerator": numerator,
                         "denominator": denominator, "unit": spec["unit"], "formula": formula})
            break
    return rows
