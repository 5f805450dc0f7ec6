"""The template stage's entry point: a Document's rows → tables, cells and checks for the record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.ingest.document import Row
from extractor.layout.sections import Heading
from extractor.record import Cell, Check, Tables
from extractor.template.correct import (Rereader, audit_blanks, audit_doubtful_sums, audit_faxed, audit_holes,
                                        audit_inferred, audit_lost_cells, audit_money, audit_signs, audit_weak, correct,
                                        explain_filled, values_of, weak_readings)
from extractor.template.mapping import detect_format, map_table
from extractor.template.numbers import Number, Token, parse_number
from extractor.template.onefit import only_fit
from extractor.template.pinned import fill_pinned
from extractor.template.regions import table_regions
from extractor.template.rules import checks as rule_checks
from extractor.template.rules import Equation, infer, nonnegative, rule_set, typed_keys, verified
from extractor.template.slots import Slot

#: a count read with its point before groups of three digits ("3.430"): the grouping comma a fax turned
_GROUPED_BY_POINT = re.compile(r"\d{1,3}(\.\d{3})+")


@dataclass(slots=True)
class TableResult:
    tables: Tables
    cells: list[Cell]
    checks: list[Check]
    formats: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    slots: dict[str, Slot] = field(default_factory=dict)


def to_tables(slots: dict[str, Slot]) -> Tables:
    tables = Tables()
    for slot in slots.values():
        if slot.table == "t4":
            tables.t4[slot.col] = slot.value
        elif slot.table == "t3":
            tables.t3.setdefault(slot.row or "", {})[slot.col] = slot.value
        else:
            block, row = (slot.row or ".").split(".", 1)
            tables.t2.setdefault(block, {}).setdefault(row, {})[slot.col] = slot.value
    return tables


def to_cell(slot: Slot) -> Cell:
    span = slot.span
    return Cell(
        table=slot.table, row=slot.row, col=slot.col, value=slot.value, raw=slot.raw,
        page=span.page if span else None,
        bbox=span.bbox.rounded() if span and span.bbox else None,
        method=slot.method or (span.method if span else "none"),
        engine=span.engine if span else None,
        confidence=slot.confidence, status=slot.status, verified=slot.verified,  # type: ignore[arg-type]
    )


def map_tables(rows: list[Row], headings: list[Heading], year: int | None,
               rereader: Rereader | None = None, faxed: set[int] | frozenset[int] = frozenset()) -> TableResult:
    """Find t2/t3/t4, map them onto the detected formats, infer lost cells, check every rule.

    ``rereader`` (OCR'd sources) reads cells again when a rule fails: see ``correct``. ``faxed``: the
    pages read off a fax, whose readings no rule checks are suspect (``correct.audit_faxed``).
    """
    regions = table_regions(rows, headings)
    formats: dict[str, str] = {}
    slots: dict[str, Slot] = {}
    warnings: list[str] = []
    suspect: set[str] = set()
    doubts: dict[tuple[str, str], set[str]] = {}  # (table, why) → rows suspect as a whole
    alternatives: dict[str, list[dict[str, Token | None]]] = {}
    printed_extra: list[Check] = []
    for table in ("t2", "t3", "t4"):
        region = regions.get(table)
        part = rows[region.start:region.stop] if region else []
        version = detect_format(part, year, table) if table != "t4" else formats.get("t3", "2021")
        if table != "t4":
            formats[table] = version
        if region is None:
            warnings.append(f"{table}: table not found")
        mapped = map_table(table, part, version)
        slots.update(mapped.slots)
        warnings.extend(mapped.warnings if region else [])
        suspect |= mapped.suspect_rows
        for why, ids in mapped.doubts.items():
            doubts[table, why] = ids
        alternatives.update(mapped.alternatives)
        printed_extra += mapped.checks
    rules = rule_set(formats["t2"], formats["t3"])
    for row in settle(alternatives, slots, suspect, rules):
        suspect.discard(row)
        warnings.append(f"{row}: cut settled by the table's equations")
    turned: dict[str, None] = {}  # rows, in template order, whose read values turned suspect
    for slot in slots.values():
        if (slot.row or slot.table) in suspect and slot.status == "read":
            slot.status = "suspect"
            turned[slot.row or slot.table] = None
    warnings.extend(_doubted(doubts, turned))
    signed, money = (keys & slots.keys() for keys in typed_keys(formats["t2"]))
    warnings.extend(_fractional_counts(slots, money) + _minus_on_counts(slots, signed | money))
    if rereader is not None:
        warnings.extend(correct(rules, slots, rereader, signed) + audit_signs(slots, signed, rereader)
                        + audit_blanks(slots))
    values = values_of(slots)
    trusted = {k: None if slots[k].status == "suspect" else v for k, v in values.items()}
    inferred, notes = infer(rules, trusted, {k for k, s in slots.items() if s.status == "missing"})
    for key, eq in inferred.items():
        values[key] = trusted[key]
        _infer_slot(slots, key, values[key], eq.keys)
        notes.append(f"{key} inferred as {values[key]} from {eq.rule} ({eq.scope})")
    warnings.extend(notes)
    copied = {k for k, s in slots.items() if s.span is not None and s.span.page in faxed}
    _mark_verified(slots, rules, values, inferred, copied, weak_readings(slots, rules))
    warnings.extend(audit_holes(rules, slots) + audit_weak(slots, signed, rereader))
    # every weak reading is now backed by re-reads or suspect: the rules verify what stands
    _mark_verified(slots, rules, values, inferred, copied)
    if notes := audit_doubtful_sums(rules, slots):
        warnings.extend(notes)
        _mark_verified(slots, rules, values, inferred, copied)
    # a copy is judged by what its page images gave; rows handed in without them are no copy
    warnings.extend((audit_lost_cells(slots) if rereader is not None else []) + audit_money(slots, money)
                    + audit_faxed(slots, faxed))
    if notes := audit_inferred(slots, inferred):
        warnings.extend(notes)
        _mark_verified(slots, rules, values, inferred, copied)
    # a fax page's erased cells, pinned by the arithmetic of its weak readings: suspect, verified by nothing
    blank = {k for k, s in slots.items() if s.value is None}
    warnings.extend(fill_pinned(rules, slots, values, slots.keys() - signed - money, faxed))
    if rereader is not None and (filled := {k for k in blank if slots[k].value is not None}):
        if notes := explain_filled(rules, slots, rereader, signed, filled):
            values.update(values_of(slots))
            warnings.extend(notes + _judged_again(slots, rules, values, inferred, copied))
    checks = (rule_checks(rules, values) + nonnegative(values, {k: s.table for k, s in slots.items()}, signed, money)
              + printed_extra)
    warnings.extend(f"check failed: {c.rule} ({c.scope}): {c.actual} ≠ {c.expected}" for c in checks
                    if not c.ok and c.severity == "hard" and c.rule != "NONNEG_INT")
    return TableResult(to_tables(slots), [to_cell(s) for s in slots.values()], checks, formats, warnings, slots)


def _doubted(doubts: dict[tuple[str, str], set[str]], turned: dict[str, None]) -> list[str]:
    """One warning per table and reason naming, in template order, its rows whose read values turned
    suspect as a whole (``warnings[]`` says which and why)."""
    return [f"suspect: {why}: {', '.join(f'{table}.{r}' for r in turned if r in ids)}"
            for (table, why), ids in doubts.items() if ids & turned.keys()]


def _fractional_counts(slots: dict[str, Slot], money: set[str]) -> list[str]:
    """A count read with a fraction ("1.75" for 175, a speck taken for a point; "19.1" for 494) is no
    count: suspect, whatever its place says. Money may have cents. One whose point stands before
    groups of three digits ("3.430": "3," over "430" wrapped in a narrow cell, the comma a fax made a
    point) is that grouped whole number, suspect all the same."""
    fractional = sorted(k for k, s in slots.items() if k not in money and isinstance(s.value, float))
    doubtful = [k for k in fractional if slots[k].status == "read"]
    for key in fractional:
        slots[key].status = "suspect"
        raw = (slots[key].raw or "").strip()
        if _GROUPED_BY_POINT.fullmatch(raw):
            slots[key].value = parse_number(raw.replace(".", ""))
    return [f"suspect: a count read with a fraction: {', '.join(doubtful)}"] if doubtful else []


def _minus_on_counts(slots: dict[str, Slot], signed: set[str]) -> list[str]:
    """An OCR'd count read below zero ("-5": a speck or a rule's stub before the 5) has no minus: no
    count is negative, only 本年增/减 cells are signed. Its digits are the reading, suspect."""
    negative = sorted(k for k, s in slots.items() if k not in signed and s.method == "ocr"
                      and isinstance(s.value, int | float) and s.value < 0)
    for key in negative:
        slots[key].value = -slots[key].value  # type: ignore[operator]
        slots[key].status = "suspect"
    return [f"suspect: a count read with a minus, taken without it: {', '.join(negative)}"] if negative else []


def _judged_again(slots: dict[str, Slot], rules: tuple[Equation, ...], values: dict[str, Number | None],
                  inferred: dict[str, Equation], copied: set[str]) -> list[str]:
    """After values suggested late (over a fax page's filled cells): ``verified`` afresh, and the audits
    that judge a cell by another's doubt asked again (a rule holding only through a suggested value, an
    inferred value resting on one)."""
    _mark_verified(slots, rules, values, inferred, copied)
    notes = audit_doubtful_sums(rules, slots) + audit_inferred(slots, inferred)
    _mark_verified(slots, rules, values, inferred, copied)
    return notes


def _mark_verified(slots: dict[str, Slot], rules: tuple[Equation, ...], values: dict[str, Number | None],
                   inferred: dict[str, Equation], copied: set[str],
                   weak: set[str] | frozenset[str] = frozenset()) -> None:
    """Set each slot's ``verified`` from the passing rules that can vouch for it (``rules.verified``;
    ``copied``: the cells read off a fax page)."""
    doubtful = {k for k, s in slots.items() if s.status == "suspect"}
    covered = verified(rules, values, inferred, doubtful, weak, copied)
    for key, slot in slots.items():
        slot.verified = key in covered and key not in doubtful


def settle(alternatives: dict[str, list[dict[str, Token | None]]], slots: dict[str, Slot], suspect: set[str],
           rules: tuple[Equation, ...]) -> list[str]:
    """Rows that several cuts fit (cells run together) settled jointly by the table's hard equations:
    the one combination of cuts under which no equation fails is taken; cells of other suspect rows
    count as unknown, so they can neither confirm nor refute a cut. Returns the rows settled."""
    rows = list(alternatives)
    if not rows:
        return []
    doubtful = {k for k, s in slots.items() if (s.row or s.table) in suspect and (s.row or s.table) not in rows}
    base = {k: None if k in doubtful else s.value for k, s in slots.items()}
    keys = {k for r in rows for cut in alternatives[r] for k in cut}
    involved = [e for e in rules if e.hard and keys & set(e.keys)]

    def values_of(combination: tuple[dict[str, Token | None], ...]) -> dict[str, Number | None]:
        return base | {k: None if t is None else parse_number(t.raw) for cut in combination for k, t in cut.items()}

    fitting = only_fit([alternatives[r] for r in rows], values_of, involved)
    if fitting is None:
        return []
    for cut in fitting:
        for key, token in cut.items():
            slots[key].fill(token)
    return rows


def _infer_slot(slots: dict[str, Slot], key: str, value: Number | None, basis: list[str]) -> None:
    slot = slots[key]
    slot.value, slot.status, slot.method = value, "inferred", "inferred"
    slot.confidence = min((slots[k].confidence for k in basis if k != key), default=1.0)
