"""Regions of rows → template slots for t2, t3 and t4, with the format detected per table."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from extractor.geometry import Box
from extractor.ingest.document import Row, Span
from extractor.ingest.marks import FUSED, PLACE_DOUBT
from extractor.layout.sections import squash
from extractor.record import Check
from extractor.resources import load_json
from extractor.template.align import Aligned, align
from extractor.template.blocks import block_places
from extractor.template.match import Label, best_match, label
from extractor.template.numbers import Token, parse_number, split_fused
from extractor.template.rules import Equation, rule_set, within
from extractor.template.slots import Slot
from extractor.template.spec import Block, Template, template, threshold
from extractor.template.gridrows import grid_rows
from extractor.template.stream import Stream, read_stream


#: why a row's values are suspect as a whole (the warning names the rows)
PLACED = "rows placed by their position in the table, their labels not read (no rule tells one row from another)"
JOINED_OVER_PAGES = "rows whose numbers were joined from the two pages a page break cut them over"
DISOWNED = ("rows next to a ruled row placed by its position that the row's own label, read after it, took back "
            "(the row above may have lost the cut rest of its numbers, the row reopened part of its own)")
CELL_GUESSED = "rows where a cell's edge was guessed (a value split off its label, or a cell cut along a lost rule)"


@dataclass(slots=True)
class Mapped:
    """Slots of one table plus what the mapping doubted."""

    slots: dict[str, Slot] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    suspect_rows: set[str] = field(default_factory=set)
    checks: list[Check] = field(default_factory=list)
    alternatives: dict[str, list[dict[str, Token | None]]] = field(default_factory=dict)
    doubts: dict[str, set[str]] = field(default_factory=dict)  # why → suspect rows the warnings do not name yet


def _doubt(mapped: Mapped, stream: Stream) -> None:
    """Rows the stream opened by their place or joined over a page break: suspect, and why."""
    mapped.suspect_rows |= stream.weak | stream.disowned
    for why, rows in ((PLACED, stream.placed), (JOINED_OVER_PAGES, stream.weak - stream.placed),
                      (DISOWNED, stream.disowned)):
        if rows:
            mapped.doubts.setdefault(why, set()).update(rows)


def detect_format(rows: list[Row], year: int | None, table: str) -> str:
    """2019 or 2021 for one table, by the markers its own text carries; the year decides a tie. A t3
    showing no 2021 marker is 2019 unless the year says 2021 and it is a page grid with exactly as
    many ruled rows as the 2021 layout's data rows (``stream.grid_rows``: a light copy whose labels
    are specks; some 2021 reports keep the 2019 layout, and a fax's broken rule may cut a row in two,
    so neither the year nor the count alone tells)."""
    text = squash("".join(r.text for r in rows))
    data = load_json("template.json")["format_detection"]
    hits = {v: sum(_shows(text, squash(m)) for m in data[f"{v}_markers"]) for v in ("2019", "2021")}
    if table == "t3":
        counted = _by_year(year) == "2021" and _counted_2021(rows)
        return "2021" if hits["2021"] or counted else ("2019" if rows else _by_year(year))
    if hits["2019"] != hits["2021"]:
        return max(hits, key=hits.__getitem__)
    return _by_year(year)


def _counted_2021(rows: list[Row]) -> bool:
    """A t3 grid's ruled rows are the 2021 layout's data rows in number, not the 2019 one's."""
    new, old = template("2021"), template("2019")
    return grid_rows(rows, len(new.t3_cols)) == len(new.t3_data_rows) != len(old.t3_data_rows)


def _shows(text: str, marker: str) -> bool:
    """``marker`` is in ``text``, or (a long one) a stretch of it has ``marker_fuzzy`` of its characters
    in place: OCR of a poor copy swaps single glyphs but keeps the length of a printed phrase."""
    if marker in text:
        return True
    if len(marker) < threshold("marker_fuzzy_chars"):
        return False
    need = threshold("marker_fuzzy") * len(marker)
    return any(sum(a == b for a, b in zip(text[i:i + len(marker)], marker)) >= need
               for i in range(len(text) - len(marker) + 1))


def _by_year(year: int | None) -> str:
    return "2019" if year is not None and year <= 2020 else "2021"


def _fill(mapped: Mapped, table: str, row: str | None, cols: list[str], aligned: Aligned,
          scales: dict[str, int] | None = None) -> None:
    for col in cols:
        slot = Slot(table, row, col)
        slot.fill(aligned.cells.get(slot.key), (scales or {}).get(col, 1))
        mapped.slots[slot.key] = slot
    if aligned.suspect:
        mapped.suspect_rows.add(row or table)
    if aligned.alternatives:
        mapped.alternatives[row or table] = aligned.alternatives
    mapped.warnings.extend(f"{table}.{row or ''}: {note}" for note in aligned.notes if "header" not in note)


def _header_columns(stream: Stream, tpl: Template) -> list[str]:
    """The t3 columns the header shows; a header that lost 总计 makes rows of six values legible."""
    text = squash("".join(stream.header)).replace("法人或其他组织", "")
    shown = []
    for col in sorted(tpl.t3_cols, key=lambda c: len(c.label), reverse=True):
        if col.label in text:
            shown.append(col.id)
            text = text.replace(col.label, "", 1)
    order = [c.id for c in tpl.t3_cols]
    return sorted(shown, key=order.index) if len(shown) >= 4 else order


def _own_rules(rules: tuple[Equation, ...], keys: list[str]) -> list[Equation]:
    """The hard equations over a row's cells alone: what may place its values."""
    return [e for e in within(rules, keys) if e.hard]


def _keys(prefix: str, cols: list[str]) -> list[str]:
    return [f"{prefix}.{c}" for c in cols]


def map_t3(rows: list[Row], tpl: Template, rules: tuple[Equation, ...]) -> Mapped:
    mapped = Mapped()
    labels = [label(r.id, r.label) for r in tpl.t3_rows]
    stream = read_stream([_unfused(row, labels) for row in rows], labels, {r.id for r in tpl.t3_data_rows},
                         len(tpl.t3_cols))
    _doubt(mapped, stream)
    _doubt_guessed_cells(mapped, stream)
    cols = [c.id for c in tpl.t3_cols]
    header = _header_columns(stream, tpl)
    for spec in tpl.t3_data_rows:
        tokens = stream.rows.get(spec.id)
        if tokens is None:
            mapped.warnings.append(f"t3.{spec.id}: row not found")
        keys = _keys(f"t3.{spec.id}", cols)
        tokens = _split_subtotal(tokens or [], keys, rules, mapped)
        aligned = align(tokens, keys, _keys(f"t3.{spec.id}", header), _own_rules(rules, keys))
        _fill(mapped, "t3", spec.id, cols, aligned)
    return mapped


def _split_subtotal(tokens: list[Token], keys: list[str], rules: tuple[Equation, ...], mapped: Mapped
                    ) -> list[Token]:
    """A printed 法人或其他组织 subtotal (8 values: person, subtotal, 5 kinds, total) is checked, then dropped.

    The official table has no such column (T3_LEGAL_SUBTOTAL applies only where a report prints it);
    it is recognised by its arithmetic, so the column never shifts the five kinds.
    """
    values = [t for t in tokens if t.kind == "value"]
    printed = [keys[0], keys[0].rsplit(".", 1)[0] + ".legal_subtotal", *keys[1:]]
    subtotal = within(rules, printed, "T3_LEGAL_SUBTOTAL")
    numbers = dict(zip(printed, (parse_number(t.raw) for t in values)))
    if len(values) != len(printed) or not subtotal or not any(numbers.values()):
        return tokens
    if not all(eq.holds(numbers) for eq in subtotal):
        return tokens
    mapped.checks.extend(c for c in (eq.check(numbers) for eq in subtotal) if c is not None)
    return [t for t in tokens if t is not values[1]]


def map_t4(rows: list[Row], tpl: Template, rules: tuple[Equation, ...]) -> Mapped:
    mapped = Mapped()
    stream = read_stream(rows, [], set())
    cols = [c.id for c in tpl.t4_cols]
    keys = _keys("t4", cols)
    tokens = stream.loose
    if not any(t.kind == "value" for t in tokens):
        mapped.warnings.append("t4: no values found")
    row = _value_row(tokens, keys)
    kept = {id(t) for t in row or tokens}
    if any(t.kind == "value" and id(t) not in kept for t in tokens):
        # what was dropped may have been part of the row (a number's head cut off by a page break)
        mapped.suspect_rows.add("t4")
        mapped.warnings.append("t4: values outside the table's one value row of the page grid dropped; cells suspect")
    _fill(mapped, "t4", None, cols, align(row or tokens, keys, keys, _own_rules(rules, keys)))
    return mapped


def _value_row(tokens: list[Token], keys: list[str]) -> list[Token] | None:
    """The tokens of the one OCR'd grid row that holds values for most of table 四's columns.

    Table 四 has a single data row, so its mapper takes every value of the region in order; on a fax
    a header's stacked glyphs read as a digit ("尚未审结" as "4", at a page's foot above the row on the
    next) put one value more before the row and shift every cell. The cells of one grid row share
    their page and their top and bottom edges; None when no such row, or more than one, holds values
    for over half the columns.
    """
    groups: dict[tuple[int | None, float, float], list[Token]] = {}
    for token in tokens:
        box = token.span.bbox
        if box is not None and token.span.method == "ocr":
            groups.setdefault((token.span.page, box.y0, box.y1), []).append(token)
    rows = [g for g in groups.values() if 2 * sum(t.kind == "value" for t in g) > len(keys)]
    return rows[0] if len(rows) == 1 else None


def _money_scale(header: str, column_unit: str | None) -> tuple[int, str | None]:
    """Scale to 元 for a money column: the unit printed in the header wins over the template's."""
    hints = load_json("variants.json")["header_unit_hints"]
    for unit in sorted(hints, key=len, reverse=True):
        if unit in header:
            return hints[unit], None
    if column_unit in hints:
        return hints[column_unit], None
    return 1, "money unit not printed; taken as 元"


def _unit_text(header: str, label: str) -> str:
    """The header text a money column's unit is printed in: the few characters after the column's label.
    The label garbled past finding (a fax: 采购总金额（万元） read "碧金额(万元)"), a unit of more than one
    glyph (万元) anywhere in the block's header is the column's: no other column of a block with a money
    column prints a unit (before, the header's first characters were searched, the block's heading and
    信息内容, and 101.99 万元 was taken as 101.99 元). A lone 元 there is not taken: it may be a 万元 whose
    万 the fax lost, and the template's unit stands."""
    head = squash(label)[:4]
    if head in header:
        return header.split(head, 1)[-1][:12]
    return next((unit for unit in load_json("variants.json")["header_unit_hints"] if len(unit) > 1 and unit in header),
                "")


def _t2_scales(block: Block, header: str) -> tuple[dict[str, int], list[str]]:
    scales, notes = {}, []
    for col in block.columns:
        if col.type == "money":
            scales[col.id], note = _money_scale(_unit_text(header, col.label), col.unit)
            if note:
                notes.append(f"t2.{block.id}.{col.id}: {note}")
    return scales, notes


def map_t2(rows: list[Row], tpl: Template, rules: tuple[Equation, ...]) -> Mapped:
    mapped = Mapped()
    owners = [(block, spec) for block in tpl.t2 for spec in block.rows]
    labels = [label(f"{block.id}.{spec.id}", spec.label) for block, spec in owners]
    rows = [_unfused(row, labels) for row in rows]
    blocks = [[lab for lab in labels if lab.id.split(".")[0] == block.id] for block in tpl.t2]
    stream = read_stream(rows, labels, {lab.id for lab in labels}, blocks=block_places(rows, blocks, tpl.t2_header))
    _doubt(mapped, stream)
    _doubt_guessed_cells(mapped, stream)
    header = ""
    for block, spec in owners:
        key = f"{block.id}.{spec.id}"
        if key in stream.header_by_row and stream.header_by_row[key]:
            header = squash("".join(stream.header_by_row[key]))
        elif block.rows[0] is spec:
            header = squash("".join(stream.header))
        cols = [c.id for c in block.columns]
        scales, notes = _t2_scales(block, header)
        tokens: list[Token] | None = stream.rows.get(key)
        if tokens is None:
            mapped.warnings.append(f"t2.{key}: row not found")
        keys = _keys(f"t2.{key}", cols)
        _fill(mapped, "t2", key, cols, align(tokens or [], keys, keys, _own_rules(rules, keys)), scales)
        mapped.warnings.extend(note for note in notes if _unitless_money(mapped.slots, key, note))
    return mapped




def _doubt_guessed_cells(mapped: Mapped, stream: Stream) -> None:
    """Rows with a value whose cell edge was guessed (``PLACE_DOUBT``: split off its label, cut along a
    lost rule) are suspect."""
    cut = {key for key, tokens in stream.rows.items() if any(PLACE_DOUBT & set(t.span.repairs) for t in tokens)}
    mapped.suspect_rows |= cut
    if cut:
        mapped.doubts.setdefault(CELL_GUESSED, set()).update(cut)


def _unfused(row: Row, labels: list[Label]) -> Row:
    """``row`` with each OCR'd "label+number" region ("行政事业性收费344.00", table 三's
    "四、结转下年度继续办理0": a fax lost the rule between the label's cell and its value's, and OCR read both as
    one) cut in two, but only where the text before the number is a data row's label (the template says a
    value stands after it). The value is marked ``FUSED``: its row is suspect, as where the label ends was
    guessed."""
    spans: list[Span] = []
    for span in row.spans:
        fused = split_fused(span.text) if span.method == "ocr" else None
        if fused is None or best_match(fused[0], labels, threshold("row_floor")) is None:
            spans.append(span)
            continue
        head, tail = _cut_box(span.bbox, *fused)
        spans += [replace(span, text=fused[0], bbox=head),
                  replace(span, text=fused[1], bbox=tail, repairs=tuple(dict.fromkeys((*span.repairs, FUSED))))]
    return Row(spans, row.table) if len(spans) != len(row.spans) else row


def _cut_box(box: Box | None, head: str, tail: str) -> tuple[Box | None, Box | None]:
    """``box`` cut where ``head`` ends, a CJK glyph taken twice as wide as a digit."""
    if box is None:
        return None, None
    width = [sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in part) for part in (head, tail)]
    x = box.x0 + (box.x1 - box.x0) * width[0] / max(1, sum(width))
    return Box(box.x0, box.y0, x, box.y1), Box(x, box.y0, box.x1, box.y1)


def _unitless_money(slots: dict[str, Slot], row_key: str, note: str) -> bool:
    """Warn about an unprinted unit only when a non-zero amount was read without one."""
    col = note.split(":", 1)[0].rsplit(".", 1)[-1]
    slot = slots.get(f"t2.{row_key}.{col}")
    return bool(slot and slot.value and slot.raw and not any(u in slot.raw for u in ("元", "万")))


MAPPERS = {"t2": map_t2, "t3": map_t3, "t4": map_t4}


def map_table(table: str, rows: list[Row], version: str) -> Mapped:
    return MAPPERS[table](rows, template(version), rule_set(version, version))
