"""Where a ruled row of values that no label read opened goes: the evidence of its place (likeness,
a full grid row, order, the grid's count of rows) and what rules a place out."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.ingest.document import Row, Span
from extractor.template.gridrows import Table, band, physical_row
from extractor.template.match import Label, best_match, resembles
from extractor.template.numbers import Token
from extractor.template.spec import threshold


@dataclass(frozen=True, slots=True)
class Placement:
    """The row a ruled row of values opens by its place, whether its label resembles that row's, and
    whether the grid's count of rows placed it (its cells are then its own, not the row above's)."""

    label: Label
    alike: bool
    counted: bool = False


@dataclass(frozen=True, slots=True)
class Unopened:
    """A ruled row of values that no label read opened: its tokens, the text before its first value
    that matched no label (its label, however garbled), the rows after it and whether it stands
    right under a row of values."""

    tokens: list[Token]
    unread: list[Token]
    after: list[Row]
    under_values: bool  # the physical row above holds values: a row with no label may be its second line
    first: bool  # no ruled row of values joined the current row since it opened
    block: Label | None = None  # the data row its block's count places it at (``blocks.block_places``)


def full(tokens: list[Token], width: int) -> bool:
    """A row's worth of cells: from its first number on, ``width`` cells but ``full_row_lost_cells``
    (a lost last cell leaves no blank), a garbled cell ("ü") counting as one, at least
    ``full_row_value_share`` of them numbers."""
    first = next((i for i, t in enumerate(tokens) if t.kind == "value"), None)
    values = sum(t.kind == "value" for t in tokens)
    return (first is not None and values >= threshold("full_row_value_share") * width
            and len(tokens) - first >= width - threshold("full_row_lost_cells"))


def what_precedes(rows: dict[str, list[Token]], table: Table, current: int) -> str:
    """What stands before the row: the table's "header", a "heading" of rows (no values of its
    own), a "full" row (all its cells), a row that "holds" values, or an "empty" one."""
    if current < 0:
        return "header"
    if table.labels[current].id not in table.data_ids:
        return "heading"
    tokens = rows.get(table.labels[current].id, [])
    if table.width and full(tokens, table.width):
        return "full"
    return "holds" if any(t.kind == "value" for t in tokens) else "empty"


def rows_on(table: Table, current: int, after: list[Row]) -> tuple[int, int] | None:
    """(k, n): the next label read after a row is the one ``k`` rows on from ``current``, and ``n``
    rows that start a template row (``starts_row``) stand between; None when none is read."""
    between, above = 0, True
    for row in after:
        tokens = physical_row(row, table)
        for token in (t for t in tokens if t.kind == "text"):
            found = best_match(token.raw, table.labels[current + 1:], threshold("row_floor"))
            if found is not None:
                return table.labels.index(found) - current, between
        valued = row.table and any(t.kind == "value" for t in tokens)
        between += valued and starts_row(tokens, above)
        above = valued
    return None


def starts_row(tokens: list[Token], under_values: bool) -> bool:
    """A ruled row of values starts a template row when it shows a label, however garbled, or stands
    under a row with no values (a block's column header): a row with neither, right under a row of
    values, may be that row's second line (a fax's broken rule cuts one row in two)."""
    return any(t.kind == "text" for t in tokens) or not under_values


def counted(table: Table, current: int, after: list[Row]) -> bool:
    """A grid's rows come one ruled row of values per template row: from a ruled row of values no
    label read opened, the first after the current row's own, up to the next label read (or the
    table's end) stand exactly as many ruled rows of values as the template has data rows between,
    so each of them is the next one's, in order.

    This is what places the rows of a page whose labels the copy made unreadable (a light fax: many
    labels read as specks, some not at all), where no single row's label, cells or neighbours tell;
    a count off by one (a row cut in two by a broken rule, a row whose values were all lost) places
    none of them."""
    bands = 1
    for row in after:
        tokens = physical_row(row, table)
        for token in (t for t in tokens if t.kind == "text"):
            found = best_match(token.raw, table.labels[current + 1:], threshold("row_floor"))
            if found is not None:
                return bands == data_rows(table, current, table.labels.index(found))
        bands += band(row, table, tokens)
    return bands == data_rows(table, current, len(table.labels))


def data_rows(table: Table, current: int, stop: int) -> int:
    """How many data rows the template has after ``current`` and before ``stop``."""
    return sum(lab.id in table.data_ids for lab in table.labels[current + 1:stop])


def next_by_place(rows: dict[str, list[Token]], table: Table, current: int, row: Unopened) -> Placement | None:
    """The data row after ``current`` in template order for a ruled row of values that no label
    read opened: rows come in template order, so a label the copy garbled ("规章" read "现幸" or
    "规章一", "部分公开" read "百分公1") or lost with its cell's rules must neither pour its values
    into the row above nor be dropped. Any one of five kinds of evidence places it:

    - *likeness*: its label resembles the row expected next (``positional_fuzzy``), whatever stands
      before it — the table's first row too, since the header text before it holds no values;
    - *a full grid row* (tables whose rows all have ``width`` cells): it holds a row's worth of cells
      and follows a full row or a heading of rows, or the table's header when a label was read
      (under the header a row with no label is the columns' numbers "1 2 3 …", no template row);
    - *order*: it starts a template row (a label read however badly, or none under a block's
      column header: ``starts_row``), it follows the header or a row holding values, and the next
      label read is ``k`` rows on with exactly ``k - 2`` such rows between (at most
      ``place_in_order_rows`` rows in all): the rows skipped are these, in order;
    - *count* (tables of fixed width): it is the first ruled row of values after the current row's
      own, and as many such rows stand up to the next label read as the template has data rows
      between (``counted``): each is the next one's, however many labels the copy lost;
    - *block count* (table 二): its block, after a column header read as such, has as many ruled rows
      of values as the template has data rows (``blocks.block_places``): it is its block's row of
      that rank, after the current row — the rows between, of blocks a copy emptied, stay unfound.

    Opened by its place only, the row is weak: its values stay suspect, never verified. A row placed
    by likeness or by count opens at its label, as if the label were read (its blank cells are its
    own); one placed by its cells or by order opens at its first number, the blank cells before it
    (the label's merged column, or a lost cell: its place cannot tell) staying with the row above —
    but in a page grid whose label columns' edge is known a blank cell with a place is a lost value,
    its row's own (``held_cells``)."""
    upcoming = table.labels[current + 1:]
    following = next((lab for lab in upcoming if lab.id in table.data_ids), None)
    if following is None:
        return None
    label = row.unread[0] if row.unread and row.unread[0] is next(t for t in row.tokens if t.kind == "text") else None
    if label is not None and upcoming[0] is following and resembles(label.raw, following):
        return Placement(following, alike=True)
    if row.block is not None and table.labels.index(row.block) > current:
        return Placement(row.block, alike=False, counted=True)
    before = what_precedes(rows, table, current)
    after_full = before in ("heading", "full") or (before == "header" and bool(row.unread))
    if table.width and full(row.tokens, table.width) and after_full and not named_next(table, current, following, row):
        return Placement(following, alike=False)
    if in_order(table, current, row, before):
        return Placement(following, alike=False)
    if table.width and row.first and counted(table, current, row.after):
        return Placement(following, alike=False, counted=True)
    return None


def named_next(table: Table, current: int, following: Label, row: Unopened) -> bool:
    """A row with no label, whose next label read is ``following``'s own (or a heading's before it)
    with no ruled row starting a template row between, is no ``following``: rows come in template
    order, so it is the rest of the row above (a tall row the page break cut, its wrapped numbers'
    last lines atop the next page under the repeated header) or nothing. The label must be read in a
    ruled row of the grid: a line outside it may be this row's own label, beside it, that the grid
    lost (结转下年度继续办理 read as prose next to its values)."""
    ahead = rows_on(table, current, row.after)
    if row.unread or ahead is None or ahead[1] != 0 or ahead[0] > table.labels.index(following) - current:
        return False
    named = next(r for r in row.after if any(
        t.kind == "text" and best_match(t.raw, table.labels[current + 1:], threshold("row_floor")) is not None
        for t in physical_row(r, table)))
    return named.table


def in_order(table: Table, current: int, row: Unopened, before: str) -> bool:
    """The *order* evidence of ``next_by_place``."""
    upcoming = table.labels[current + 1:]
    following = next(lab for lab in upcoming if lab.id in table.data_ids)
    starts = starts_row(row.unread, row.under_values)
    if not starts or upcoming[0] is not following or before not in ("header", "full", "holds"):
        return False
    ahead = rows_on(table, current, row.after)
    if ahead is None:
        return False
    k, between = ahead
    return (2 <= k <= threshold("place_in_order_rows") + 1 and between == k - 2
            and all(lab.id in table.data_ids for lab in upcoming[:k - 1]))


def astray(table: Table, current: int, row: Row, unread: list[Token], under_values: bool, page_top: bool) -> bool:
    """A row of a page grid (cells with places, a table of fixed width) that nothing placed keeps
    its values to itself: it is a ruled row of its own, and only a row with no label right under a
    row of values may be that row's second line (``starts_row``), or the first ruled row of a page
    the rest of a row the page break cut; any other would mix two rows' values in one (a fax's next
    page under its repeated header poured into the last row placed)."""
    return (bool(table.width) and current >= 0 and not page_top
            and any(s.bbox is not None and s.method == "ocr" for s in row.spans) and starts_row(unread, under_values))


def stack_holds(cell: Span, rows: list[Row], table: Table, count: int) -> bool:
    """The ruled rows of values beside a label cell that names ``count`` rows (``match.stacked``) are
    those rows, one each in order: from the row the cell stands in (``rows[0]``) on, exactly ``count``
    rows of a table of fixed width have their middle within the cell's height, each a row's worth of
    cells (``full``: a row a broken rule cut in two is not) and none a label of its own; lines outside
    the grid between them do not count. A row lost or one too many leaves the count off: the rows
    are then left to ``next_by_place``."""
    if cell.bbox is None or not table.width:
        return False
    seen = 0
    for index, row in enumerate(rows):
        boxes = [s.bbox for s in row.spans if s.bbox is not None and s is not cell and s.page == cell.page]
        if not row.table:
            continue  # a word the grid left outside its cells (a photo's stray "1") is no ruled row
        if not boxes:
            break
        middle = sorted((b.y0 + b.y1) / 2 for b in boxes)[len(boxes) // 2]
        if not cell.bbox.y0 <= middle <= cell.bbox.y1:
            break
        tokens = physical_row(row, table)
        if index and any(t.kind == "text" for t in tokens) or not full(tokens, table.width):
            return False
        seen += 1
    return seen == count
