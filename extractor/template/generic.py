"""Tables of reports that follow no national template (pre-2019): kept as printed, typed cell by cell.

Each run of table rows becomes one table: the leading rows without numbers are its header (joined
per column with '/'), every later row a labelled row of values. A 单位 column gives each row its
unit; a unit in a column header (（万元）, （件）) is that column's. Nothing is mapped or inferred.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from extractor.ingest.document import Row
from extractor.record import GenericRow, GenericTable, Number
from extractor.resources import load_json

_NUMBER = re.compile(r"^([-−－]?\d[\d,，]*(?:\.\d+)?)\s*(\S{0,3})$")
_HEADER_UNIT = re.compile(r"[（(]\s*(?:单位[:：]?)?\s*([^（()）]{1,4})\s*[)）]\s*$")
_UNIT_COLUMN = re.compile(r"^(?:计量)?单位$")
_PERIOD = re.compile(r"^(?:年度?|月份?|季度)$")  # "2014年度" heads a column of that year's figures


def _parse(raw: str) -> tuple[Number | None, str | None]:
    """(number, unit printed after it) of one cell; blanks and null marks are (None, None)."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or text in load_json("variants.json")["null_tokens"]:
        return None, None
    found = _NUMBER.match(text)
    if not found or _PERIOD.match(found.group(2)):
        return None, None
    digits = found.group(1).replace(",", "").replace("，", "").replace("−", "-").replace("－", "-")
    value: Number = float(digits) if "." in digits else int(digits)
    return value, found.group(2) or None


def _is_data(cells: list[str]) -> bool:
    return any(_parse(c)[0] is not None for c in cells[1:])


def _is_label_only(cells: list[str]) -> bool:
    """A row with a label and only blanks or null marks (一、主动公开情况 | — | —): data, not header."""
    nulls = load_json("variants.json")["null_tokens"]
    return bool(cells[0]) and all(not c or c in nulls for c in cells[1:])


def _table(rows: list[Row], title: str | None, section: str | None) -> GenericTable | None:
    grid = [[s.text.strip() for s in r.spans] for r in rows]
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    header_count = next((i for i, r in enumerate(grid) if _is_data(r) or (i and _is_label_only(r))), len(grid))
    if header_count == len(grid) or width < 2:
        return None
    headers = ["/".join(dict.fromkeys(h[c] for h in grid[:header_count] if h[c])) for c in range(width)]
    unit_col = next((c for c in range(1, width) if _UNIT_COLUMN.match(headers[c].replace(" ", ""))), None)
    value_cols = [c for c in range(1, width) if c != unit_col]
    units = [(_HEADER_UNIT.search(headers[c]) or [None, None])[1] for c in value_cols]
    out = GenericTable(section=section, title=title, columns=[headers[c] for c in value_cols], units=units)  # type: ignore[arg-type]
    for cells in grid[header_count:]:
        parsed = [_parse(cells[c]) for c in value_cols]
        printed = {u for _, u in parsed if u}
        stated = cells[unit_col] if unit_col is not None else ""
        nulls = load_json("variants.json")["null_tokens"]
        unit = stated if stated and stated not in nulls else (printed.pop() if len(printed) == 1 else None)
        if cells[0] or any(v is not None for v, _ in parsed):
            out.rows.append(GenericRow(label=cells[0], values=[v for v, _ in parsed], raw=[cells[c] for c in value_cols], unit=unit))
    return out


def generic_tables(rows: list[Row], section_at: Callable[[int], str | None]) -> list[GenericTable]:
    """Every run of table rows that holds a number, with the prose line above it as its title."""
    tables: list[GenericTable] = []
    start = None
    for index in range(len(rows) + 1):
        inside = index < len(rows) and rows[index].table
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            above = rows[start - 1].text.strip() if start > 0 and not rows[start - 1].table else None
            title = above if above and len(above) <= 40 and "表" in above else None
            table = _table(rows[start:index], title, section_at(start))
            if table is not None and table.rows:
                tables.append(table)
            start = None
    return tables
