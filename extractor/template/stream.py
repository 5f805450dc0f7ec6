"""Walk a table region as one stream of tokens: a label opens a row, the values after it fill it.

This is what makes every layout look alike: one cell per line, tab rows, grids with blanks,
labels stacked or split over lines or pages — row labels come in template order, and the
numbers that follow a label belong to that row until the next label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.ingest.document import Row
from extractor.template.match import Label, best_match, resembles
from extractor.template.numbers import Token, tokenize
from extractor.template.spec import threshold


@dataclass(slots=True)
class Stream:
    """Tokens per matched row id, plus the text seen before the first row (the header)."""

    rows: dict[str, list[Token]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    header_by_row: dict[str, list[str]] = field(default_factory=dict)
    loose: list[Token] = field(default_factory=list)
    weak: set[str] = field(default_factory=set)  # rows opened by their place only (label badly read)


def _physical_row(row: Row) -> list[Token]:
    """Tokens of one physical row; blanks count only between real tokens of a row that holds values."""
    tokens = [t for span in row.spans for t in tokenize(span, row.table)]
    if not any(t.kind == "value" for t in tokens):
        return [t for t in tokens if t.kind != "blank"]
    while tokens and tokens[0].kind == "blank":
        tokens.pop(0)
    while tokens and tokens[-1].kind == "blank":
        tokens.pop()
    return tokens


def _expected(token: Token, labels: list[Label], current: int, opens_row: bool) -> Label | None:
    """The row expected next, when ``token`` opens a table row of values and resembles its label:
    OCR mangles a short label ("行政处罚" read "行政器", "规章" read "规章一" off a cell rule) beyond
    fuzzy matching, but rows come in template order — the table's first row too, since the header
    text before it holds no values."""
    if not opens_row or current + 1 >= len(labels):
        return None
    return labels[current + 1] if resembles(token.raw, labels[current + 1]) else None


def _full(tokens: list[Token], width: int) -> bool:
    """A row's worth of cells: from its first number on, ``width`` cells but one (a lost last cell
    leaves no blank), a garbled cell ("ü") counting as one, at least half of them numbers."""
    first = next((i for i, t in enumerate(tokens) if t.kind == "value"), None)
    values = sum(t.kind == "value" for t in tokens)
    return first is not None and values * 2 >= width and len(tokens) - first >= width - 1


def _by_place(stream: Stream, labels: list[Label], current: int, data_ids: set[str], width: int,
              tokens: list[Token]) -> Label | None:
    """The data row after ``current`` in template order, when a ruled row of values (``tokens``)
    whose label matched nothing follows a row that already holds its ``width`` cells, a heading of
    rows ("(三)不予公开", no values of its own) or, with a label read however badly, the table's
    header: a grid row is one template row, and a label the copy garbled ("部分公开" read "百分公1")
    or lost to a label column whose row rules the fax broke must not pour its values into the row
    above or be dropped. Under the header a row with no label at all is the columns' numbers
    ("1 2 3 …"), no template row. Opened by its place only, so its values stay suspect."""
    if width <= 0 or not _full(tokens, width):
        return None
    if current >= 0 and labels[current].id in data_ids and not _full(stream.rows.get(labels[current].id, []), width):
        return None
    return next((lab for lab in labels[current + 1:] if lab.id in data_ids), None)


def _between(stream: Stream, labels: list[Label], current: int, data_ids: set[str], after: list[Row]) -> Label | None:
    """The data row after ``current`` in template order, when a ruled row of values whose label
    matched nothing (a fax reads 规章 "现幸") stands after the table's header or a row that already
    holds values, and the next label read is the row after that one: rows come in template order,
    so the row between is the one skipped. Opened by its place only, so its values stay suspect."""
    if current + 2 >= len(labels) or labels[current + 1].id not in data_ids:
        return None
    if current >= 0 and not any(t.kind == "value" for t in stream.rows.get(labels[current].id, [])):
        return None
    following = next((t for row in after for t in _physical_row(row) if t.kind == "text"), None)
    if following is None:
        return None
    found = best_match(following.raw, labels[current + 1:], threshold("row_floor"))
    return labels[current + 1] if found is labels[current + 2] else None


def read_stream(rows: list[Row], labels: list[Label], data_ids: set[str], width: int = 0) -> Stream:
    """Assign every value/blank token to the last row label matched before it (in template order).

    ``width`` (a table whose rows all have that many columns): a ruled row of values with no label
    matched opens the next row once the current one is full (``_by_place``). In any table such a
    row opens the next row when the next label read is the row after it (``_between``)."""
    stream = Stream()
    current = -1
    pending_text: list[str] = []
    for index, row in enumerate(rows):
        tokens = _physical_row(row)
        valued = row.table and any(t.kind == "value" for t in tokens)
        first_text = next((t for t in tokens if t.kind == "text"), None)
        opened, garbled = False, False
        for token in tokens:
            if token.kind == "value" and valued and not opened:
                opened = True
                placed = _by_place(stream, labels, current, data_ids, width, tokens) if garbled or current >= 0 else None
                if placed is None and garbled:
                    placed = _between(stream, labels, current, data_ids, rows[index + 1:])
                if placed is not None:
                    current = labels.index(placed)
                    stream.weak.add(placed.id)
                    stream.header_by_row[placed.id] = pending_text
                    pending_text = []
                    stream.rows.setdefault(placed.id, [])
            if token.kind == "text":
                found = best_match(token.raw, labels[current + 1:], threshold("header_floor" if current < 0 else "row_floor"))
                if found is None and (found := _expected(token, labels, current, valued and token is first_text)):
                    stream.weak.add(found.id)
                if found is None:
                    (stream.header if current < 0 else pending_text).append(token.raw)
                    garbled = True
                    continue
                current, opened = labels.index(found), found.id in data_ids
                stream.header_by_row[found.id] = pending_text
                pending_text = []
                stream.rows.setdefault(found.id, [])
                continue
            if current < 0:
                stream.loose.append(token)
            elif labels[current].id in data_ids:
                stream.rows[labels[current].id].append(token)
    return stream
