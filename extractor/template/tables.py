"""The template stage's entry point: a Document's rows → tables, cells and checks for the record."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.ingest.document import Row
from extractor.layout.sections import Heading
from extractor.record import Cell, Check, Tables
from extractor.template.correct import Rereader, audit_blanks, audit_unruled, correct
from extractor.template.mapping import detect_format, map_table
from extractor.template.regions import table_regions
from extractor.template.rules import check, check_nonnegative, infer, template_instances
from extractor.template.slots import Slot
from extractor.template.spec import template


@dataclass(slots=True)
class TableResult:
    tables: Tables
    cells: list[Cell]
    checks: list[Check]
    formats: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    slots: dict[str, Slot] = field(default_factory=dict)


def _typed_keys(slots: dict[str, Slot], t2_version: str) -> tuple[set[str], set[str]]:
    """Keys of signed (本年增/减) and money cells, which NONNEG_INT treats apart."""
    signed, money = set(), set()
    for block in template(t2_version).t2:
        for col in block.columns:
            for spec in block.rows:
                key = f"t2.{block.id}.{spec.id}.{col.id}"
                if col.type == "signed_int":
                    signed.add(key)
                elif col.type == "money":
                    money.add(key)
    return signed & slots.keys(), money & slots.keys()


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
        confidence=slot.confidence, status=slot.status,  # type: ignore[arg-type]
    )


def map_tables(rows: list[Row], headings: list[Heading], year: int | None,
               rereader: Rereader | None = None) -> TableResult:
    """Find t2/t3/t4, map them onto the detected formats, infer lost cells, check every rule.

    ``rereader`` (OCR'd sources) reads cells again when a rule fails: see ``correct``.
    """
    regions = table_regions(rows, headings)
    formats: dict[str, str] = {}
    slots: dict[str, Slot] = {}
    warnings: list[str] = []
    suspect: set[str] = set()
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
        printed_extra += mapped.checks
    for slot in slots.values():
        if (slot.row or slot.table) in suspect and slot.status == "read":
            slot.status = "suspect"
    rule_set = template_instances(template(formats["t2"]), template(formats["t3"]))
    signed, money = _typed_keys(slots, formats["t2"])
    if rereader is not None:
        warnings.extend(correct(rule_set, slots, rereader, signed) + audit_unruled(rule_set, slots, signed, rereader)
                        + audit_blanks(slots))
    warnings.extend(infer(rule_set, slots))
    checks = check(rule_set, slots) + check_nonnegative(slots, signed, money) + printed_extra
    warnings.extend(f"check failed: {c.rule} ({c.scope}): {c.actual} ≠ {c.expected}" for c in checks
                    if not c.ok and c.severity == "hard" and c.rule != "NONNEG_INT")
    return TableResult(to_tables(slots), [to_cell(s) for s in slots.values()], checks, formats, warnings, slots)


def _slots_from_record(tables: Tables) -> dict[str, Slot]:
    slots: dict[str, Slot] = {}
    for col, value in tables.t4.items():
        slots[f"t4.{col}"] = Slot("t4", None, col, value, status="read")
    for row, cols in tables.t3.items():
        for col, value in cols.items():
            slots[f"t3.{row}.{col}"] = Slot("t3", row, col, value, status="read")
    for block, rows in tables.t2.items():
        for row, cols in rows.items():
            for col, value in cols.items():
                slots[f"t2.{block}.{row}.{col}"] = Slot("t2", f"{block}.{row}", col, value, status="read")
    return slots


def recheck(tables: Tables, formats: dict[str, str], stated: list[Check]) -> list[str]:
    """Disagreements between the checks a record states and the checks its tables imply."""
    slots = _slots_from_record(tables)
    t2v, t3v = formats.get("t2", "2021"), formats.get("t3", "2021")
    rule_set = template_instances(template(t2v), template(t3v))
    signed, money = _typed_keys(slots, t2v)
    implied = {(c.rule, c.scope): c.ok for c in check(rule_set, slots) + check_nonnegative(slots, signed, money)}
    said = {(c.rule, c.scope): c.ok for c in stated}
    recomputable = {i.rule for i in rule_set} | {"NONNEG_INT"}
    problems = [f"{rule} ({scope}): record says ok={said.get((rule, scope))}, tables give ok={ok}"
                for (rule, scope), ok in implied.items() if said.get((rule, scope)) != ok]
    problems += [f"{rule} ({scope}): stated but not implied by the tables"
                 for (rule, scope) in said.keys() - implied.keys() if rule in recomputable]
    return problems
