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
    mapping = _map_each(rows, headings, year)
    slots, formats, warnings = mapping.slots, mapping.formats, mapping.warnings
    rules = rule_set(formats["t2"], formats["t3"])
    warnings.extend(_rows_doubted(mapping, rules))
    signed, money = (keys & slots.keys() for keys in typed_keys(formats["t2"]))
    warnings.extend(_fractional_counts(slots, money) + _minus_on_counts(slots, signed | money))
    if rereader is not None:
        warnings.extend(correct(rules, slots, rereader, signed) + audit_signs(slots, signed, rereader)
                        + audit_blanks(slots))
    verifier, notes = _inferred(slots, rules, faxed)
    warnings.extend(notes + _audited(verifier, rereader, signed, money, faxed))
    warnings.extend(_filled(verifier, rereader, signed, money, faxed))
    values = verifier.values
    checks = (rule_checks(rules, values) + nonnegative(values, {k: s.table for k, s in slots.items()}, signed, money)
              + mapping.checks)
    warnings.extend(f"check failed: {c.rule} ({c.scope}): {c.actual} ≠ {c.expected}" for c in checks
                    if not c.ok and c.severity == "hard" and c.rule != "NONNEG_INT")
    return TableResult(to_tables(slots), [to_cell(s) for s in slots.values()], checks, formats, warnings, slots)


@dataclass(slots=True)
class _Mapping:
    """The three tables as their regions mapped them, before any rule is asked."""

    formats: dict[str, str] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    suspect: set[str] = field(default_factory=set)  # rows suspect as a whole
    doubts: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (table, why) → such rows
    alternatives: dict[str, list[dict[str, Token | None]]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)  # of columns a report printed beyond the template


def _map_each(rows: list[Row], headings: list[Heading], year: int | None) -> _Mapping:
    """Each table's region mapped onto its detected format (table 四 follows table 三's)."""
    regions = table_regions(rows, headings)
    out = _Mapping()
    for table in ("t2", "t3", "t4"):
        region = regions.get(table)
        part = rows[region.start:region.stop] if region else []
        version = detect_format(part, year, table) if table != "t4" else out.formats.get("t3", "2021")
        if table != "t4":
            out.formats[table] = version
        if region is None:
            out.warnings.append(f"{table}: table not found")
        mapped = map_table(table, part, version)
        out.slots.update(mapped.slots)
        out.warnings.extend(mapped.warnings if region else [])
        out.suspect |= mapped.suspect_rows
        for why, ids in mapped.doubts.items():
            out.doubts[table, why] = ids
        out.alternatives.update(mapped.alternatives)
        out.checks += mapped.checks
    return out


def _rows_doubted(mapping: _Mapping, rules: tuple[Equation, ...]) -> list[str]:
    """Cut rows the equations settle; every other read value of a row suspect as a whole turns suspect."""
    slots = mapping.slots
    notes = []
    for row in settle(mapping.alternatives, slots, mapping.suspect, rules):
        mapping.suspect.discard(row)
        notes.append(f"{row}: cut settled by the table's equations")
    turned: dict[str, None] = {}  # rows, in template order, whose read values turned suspect
    for slot in slots.values():
        if (slot.row or slot.table) in mapping.suspect and slot.status == "read":
            slot.status = "suspect"
            turned[slot.row or slot.table] = None
    return notes + _doubted(mapping.doubts, turned)


@dataclass(slots=True)
class _Verifier:
    """What ``verified`` is judged by, shared by the audits that may turn a cell suspect after it: the
    slots, the rules, the values they hold, the cells inferred and those read off a fax page."""

    slots: dict[str, Slot]
    rules: tuple[Equation, ...]
    values: dict[str, Number | None]
    inferred: dict[str, Equation]
    copied: set[str]

    def verify(self, weak: set[str] | frozenset[str] = frozenset()) -> None:
        """Set each slot's ``verified`` afresh from the passing rules that can vouch for it
        (``rules.verified``); a suspect slot is never verified."""
        doubtful = {k for k, s in self.slots.items() if s.status == "suspect"}
        covered = verified(self.rules, self.values, self.inferred, doubtful, weak, self.copied)
        for key, slot in self.slots.items():
            slot.verified = key in covered and key not in doubtful

    def verify_after(self, notes: list[str]) -> list[str]:
        """``notes`` of an audit; ``verified`` judged afresh when it turned anything suspect."""
        if notes:
            self.verify()
        return notes


def _inferred(slots: dict[str, Slot], rules: tuple[Equation, ...], faxed: set[int] | frozenset[int]
              ) -> tuple[_Verifier, list[str]]:
    """Missing cells the rules over trusted values name, filled as inferred; the first ``verified``,
    where weak readings cannot vouch yet."""
    values = values_of(slots)
    trusted = {k: None if slots[k].status == "suspect" else v for k, v in values.items()}
    inferred, notes = infer(rules, trusted, {k for k, s in slots.items() if s.status == "missing"})
    for key, eq in inferred.items():
        values[key] = trusted[key]
        _infer_slot(slots, key, values[key], eq.keys)
        notes.append(f"{key} inferred as {values[key]} from {eq.rule} ({eq.scope})")
    copied = {k for k, s in slots.items() if s.span is not None and s.span.page in faxed}
    verifier = _Verifier(slots, rules, values, inferred, copied)
    verifier.verify(weak_readings(slots, rules))
    return verifier, notes


def _audited(verifier: _Verifier, rereader: Rereader | None, signed: set[str], money: set[str],
             faxed: set[int] | frozenset[int]) -> list[str]:
    """The audits that turn cells suspect, each followed by ``verified`` judged afresh where it may
    have changed."""
    slots = verifier.slots
    notes = audit_holes(verifier.rules, slots) + audit_weak(slots, signed, rereader)
    # every weak reading is now backed by re-reads or suspect: the rules verify what stands
    verifier.verify()
    notes += verifier.verify_after(audit_doubtful_sums(verifier.rules, slots))
    # a copy is judged by what its page images gave; rows handed in without them are no copy
    notes += ((audit_lost_cells(slots) if rereader is not None else []) + audit_money(slots, money)
              + audit_faxed(slots, faxed))
    return notes + verifier.verify_after(audit_inferred(slots, verifier.inferred))


def _filled(verifier: _Verifier, rereader: Rereader | None, signed: set[str], money: set[str],
            faxed: set[int] | frozenset[int]) -> list[str]:
    """A fax page's erased cells, pinned by the arithmetic of its weak readings: suspect, verified by
    nothing; then the rules the fill made evaluable asked about the cells read beside them."""
    slots = verifier.slots
    blank = {k for k, s in slots.items() if s.value is None}
    notes = fill_pinned(verifier.rules, slots, verifier.values, slots.keys() - signed - money, faxed)
    filled = {k for k in blank if slots[k].value is not None}
    if rereader is None or not filled:
        return notes
    if late := explain_filled(verifier.rules, slots, rereader, signed, filled):
        verifier.values.update(values_of(slots))
        # the audits that judge a cell by another's doubt asked again: a rule holding only through a
        # suggested value, an inferred value resting on one
        verifier.verify()
        notes += late + audit_doubtful_sums(verifier.rules, slots) + audit_inferred(slots, verifier.inferred)
        verifier.verify()
    return notes


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
