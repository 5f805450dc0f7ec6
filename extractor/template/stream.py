"""Walk a table region as one stream of tokens: a label opens a row, the values after it fill it.

This is what makes every layout look alike: one cell per line, tab rows, grids with blanks,
labels stacked or split over lines or pages — row labels come in template order, and the
numbers that follow a label belong to that row until the next label. A ruled row of values whose
label was read too badly to match opens the next row by its place (``placement.next_by_place``);
one that nothing places keeps its values to itself unless it may be the row above's second line
(``placement.astray``); a page's first row of values may be the cut rest of the row above
(``pagecut``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.ingest.document import Row
from extractor.template import gridrows, placement
from extractor.template.gridrows import Table, held_cells, label_edges, physical_row
from extractor.template.match import Label, best_match, score, split_label, stacked
from extractor.template.numbers import Token
from extractor.template.pagecut import cut_joins
from extractor.template.placement import Unopened, named_next, next_by_place, stack_holds
from extractor.template.spec import threshold


@dataclass(slots=True)
class Stream:
    """Tokens per matched row id, plus the text seen before the first row (the header)."""

    rows: dict[str, list[Token]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    header_by_row: dict[str, list[str]] = field(default_factory=dict)
    loose: list[Token] = field(default_factory=list)
    weak: set[str] = field(default_factory=set)  # rows opened by their place only, or joined over a page break
    placed: set[str] = field(default_factory=set)  # of them, rows opened by their place only (label badly read)
    disowned: set[str] = field(default_factory=set)  # rows around a place its own label, read later, took back


def _label_tail(tokens: list[Token], upcoming: list[Label]) -> bool:
    """Is the text of a page's first ruled row, if any, the rest of the label above it? The page break
    cuts the label's cell as it cuts the numbers' ("3.危及“三安" | "全、三稳定”"): text before the
    first number that reads as no label to come."""
    first = next((i for i, t in enumerate(tokens) if t.kind == "value"), len(tokens))
    texts = [i for i, t in enumerate(tokens) if t.kind == "text"]
    return all(i < first for i in texts) and not any(
        best_match(tokens[i].raw, upcoming, threshold("row_floor")) is not None for i in texts)


@dataclass(slots=True)
class _Walk:
    """Where the walk through a table's physical rows stands: the row tokens go to (``current``, -1
    before the first), the text seen since it opened, and what the rows before said."""

    table: Table
    stream: Stream = field(default_factory=Stream)
    current: int = -1
    pending_text: list[str] = field(default_factory=list)
    under_values: bool = False  # the physical row before held values
    first: bool = True  # no ruled row of values joined the current row since it opened
    page: int | None = None  # page of the last ruled row
    valued_page: int | None = None  # page of the last ruled row of values
    stack: list[Label] = field(default_factory=list)  # rows a stacked label cell named, each the next ruled row's
    placed_after: int | None = None  # the current row was opened by its place after this one (-1: first)

    def note(self, texts: list[str]) -> None:
        """Text that opened no row: the table's header before the first row, else the next row's."""
        (self.stream.header if self.current < 0 else self.pending_text).extend(texts)

    def put(self, tokens: list[Token]) -> None:
        """Value/blank tokens to the current row (before the first row: loose; under a heading: none)."""
        if self.current < 0:
            self.stream.loose.extend(tokens)
        elif self.table.labels[self.current].id in self.table.data_ids:
            self.stream.rows[self.table.labels[self.current].id].extend(tokens)

    def open(self, label: Label, weak: bool, stack: list[Label] | None = None) -> None:
        """Make ``label``'s row the current one; ``weak``: opened by its place, not by its label read;
        ``stack``: the rows a stacked label cell names after it, opened by the ruled rows that follow."""
        self.current = self.table.labels.index(label)
        self.stack = stack or []
        self.placed_after = None
        if weak:
            self.stream.weak.add(label.id)
            self.stream.placed.add(label.id)
        self.stream.header_by_row[label.id] = self.pending_text
        self.pending_text = []
        self.stream.rows.setdefault(label.id, [])

    def by_place(self, row: Row, unopened: Unopened, held: list[Token], emptied: bool, page_top: bool,
                 lost: list[Token]) -> bool:
        """Open the row a ruled row of values no label opened stands for (``next_by_place``), with the
        blank cells ``held`` before its first value and the ``lost`` first cells of a row that read no
        label (``gridrows.physical_row``: its own, when placed; dropped, as ever, when not); True when
        nothing placed it and it keeps its values to itself (``astray``, or a row of blanks only)."""
        placed = next_by_place(self.stream.rows, self.table, self.current, unopened)
        own: list[Token] = []
        if placed is not None:
            own, held = held_cells(held, row, self.table)
            own = [*lost, *own]
        astray = placed is None and (emptied or placement.astray(self.table, self.current, row, unopened.unread,
                                                        unopened.under_values, page_top))
        claims = placed is not None and (placed.alike or placed.counted)
        self.first = placed is not None
        if not astray and not claims:
            self.put(held)
        if placed is None:
            self.note([t.raw for t in unopened.unread])
            return astray
        before = self.current
        self.open(placed.label, weak=True)
        self.placed_after = before
        self.put(own + held if claims else own)
        return False

    def disowned(self, token: Token) -> int | None:
        """The row the walk stood at before its last place (-1: none), when ``token``, read in a later
        ruled row that holds values of its own, is the label of the row that place opened (its numbering
        exact, scored over ``disown_floor``): that place was wrong, the ruled row placed there was no such
        row (the cut rest of a tall row atop the next page, whose numbers ``cut_joins`` could not line up
        with the row's heads), and every row after it would be read one row late, each label meeting its
        own row already taken. A label read outside the grid or in a row without values is the placed
        row's own, beside it (四、结转下年度继续办理 read as prose after its values): the place stands,
        None."""
        if self.placed_after is None:
            return None
        own = self.table.labels[self.current]
        if (own.numbering and split_label(token.raw)[0] == own.numbering
                and score(token.raw, own) >= threshold("disown_floor")):
            return self.placed_after
        return None

    def take_back(self, before: int) -> None:
        """Undo the last place: its values go to no row (loose), the walk stands at the row before it
        again. That row (its numbers may have lost the cut rest) and the row reopened by its label (its
        values may be a part of its own) are suspect."""
        label = self.table.labels[self.current]
        self.stream.loose.extend(self.stream.rows.pop(label.id, []))
        self.stream.weak.discard(label.id)
        self.stream.placed.discard(label.id)
        self.stream.disowned.add(label.id)
        if before >= 0 and self.table.labels[before].id in self.table.data_ids:
            self.stream.disowned.add(self.table.labels[before].id)
        self.current, self.placed_after = before, None

    def _continues(self, tokens: list[Token], after: list[Row]) -> bool:
        """Join a page grid's first ruled row to the row above when it is that row's cut rest: a tall
        row the page break parted leaves the last lines of its wrapped numbers ("2" | "4718") atop
        the next page, under the repeated header, with no label of their own, and the next label
        read is the next row's. Each of its numbers stands in a column where the row above has a
        number on the page before, and is joined to it ("24718", marked ``PAGE_CUT``); the row
        stays weak (suspect), as the join is by place."""
        table, current = self.table, self.current
        if not table.width or current < 0 or table.labels[current].id not in table.data_ids:
            return False
        following = next((lab for lab in table.labels[current + 1:] if lab.id in table.data_ids), None)
        if following is None or not _label_tail(tokens, table.labels[current + 1:]):
            return False
        if not named_next(table, current, following, Unopened(tokens, [], after, True, False)):
            return False
        own = self.stream.rows[table.labels[current].id]
        joins = cut_joins(own, [t for t in tokens if t.kind == "value"])
        if joins is None:
            return False
        for index, token in joins.items():
            own[index] = token
        self.stream.weak.add(table.labels[current].id)
        return True

    def _heading_early(self, found: Label, rest: list[Token]) -> bool:
        """A heading of rows read in a ruled row whose own label, read after it, is a row before that
        heading: the heading's tall cell lost its top rule to the fax and was met a row or more too
        early ("(六)其他处理" beside "4. 无正当理由大量反复申请", a row of "(五)不予处理"). Opening it
        there would skip the rows between; its own rows' labels still open them."""
        table = self.table
        if found.id in table.data_ids:
            return False
        between = table.labels[self.current + 1:table.labels.index(found)]
        return any(t.kind == "text" and best_match(t.raw, between, threshold("row_floor")) is not None for t in rest)

    def _stacked(self, token: Token, rows: list[Row]) -> bool:
        """Open the rows a label cell the grid merged down a block names, one after another
        (``match.stacked``), when the ruled rows of values beside it are as many (``stack_holds``):
        the first row now, the others as their ruled rows come. Their labels were read, in order, in
        the cell beside their values: they are read rows, not rows placed by position."""
        table = self.table
        stack = stacked(token.raw, table.labels[self.current + 1:], table.data_ids)
        if not stack or not stack_holds(token.span, rows, table, len(stack)):
            return False
        self.open(stack[0], weak=False, stack=stack[1:])
        return True

    def row(self, row: Row, after: list[Row], block: Label | None = None) -> None:
        """Walk one physical row: labels it shows open rows, its values and blanks fill the current one;
        ``block``: the data row its block's count places it at, if no label opens it."""
        table = self.table
        page_top = row.table and row.page != self.page
        self.page = row.page if row.table else self.page
        tokens = physical_row(row, table)
        valued = row.table and any(t.kind == "value" for t in tokens)
        first_valued = valued and row.page != self.valued_page
        self.valued_page = row.page if valued else self.valued_page
        if first_valued and self._continues(tokens, after):
            self.under_values = True
            return
        emptied = not valued and gridrows.emptied(row, table)  # opens a row by its place only, or places nothing
        above, self.under_values = self.under_values, bool(valued)
        if self.stack and valued and not any(t.kind == "text" for t in tokens):
            self.open(self.stack[0], weak=False, stack=self.stack[1:])
            self.first = True
            self.put(tokens)
            return
        opened = astray = False  # astray: a grid row no label or place opened, no second line of the row above
        unread: list[Token] = []
        held: list[Token] = []  # blank cells after a label that matched nothing, before the first number
        lost: list[Token] = []  # blank cells a row that read no label starts with: values the copy lost
        for index, token in enumerate(tokens):
            if (token.kind == "value" and valued or token.kind == "blank" and emptied) and not opened:
                opened = True
                astray = self.by_place(row, Unopened(tokens, unread, after, above, self.first, block), held, emptied,
                                       page_top, lost)
                unread, held, lost = [], [], []
            if token.kind == "blank" and valued and not opened and len(lost) == index:
                lost.append(token)
                continue
            if token.kind == "blank" and unread and not opened:
                held.append(token)
                continue
            if token.kind == "text" and valued and not opened and self._stacked(token, [row, *after]):
                self.note([t.raw for t in unread])
                self.put(held)
                unread, held = [], []
                opened, astray, self.first = True, False, True
                continue
            if token.kind == "text":
                floor = threshold("header_floor" if self.current < 0 else "row_floor")
                found = best_match(token.raw, table.labels[self.current + 1:], floor)
                if found is not None and self._heading_early(found, tokens[index + 1:]):
                    found = None
                before = self.disowned(token) if found is None and valued else None
                if before is not None:
                    found = table.labels[self.current]
                    self.take_back(before)
                if found is None:
                    if opened or not (valued or emptied):
                        self.note([token.raw])
                    else:
                        unread.append(token)
                    continue
                self.note([t.raw for t in unread])
                self.put(held)
                unread, held = [], []
                self.open(found, weak=False)
                opened, astray, self.first = found.id in table.data_ids, False, True
                continue
            if not astray:
                self.put([token])


def read_stream(rows: list[Row], labels: list[Label], data_ids: set[str], width: int = 0,
                blocks: dict[int, Label] | None = None) -> Stream:
    """Assign every value/blank token to the last row label matched before it (in template order).

    ``width`` (a table whose rows all have that many columns, 0 when they vary): a ruled row of
    values that no label read opened may open the next row by its place (``next_by_place``);
    ``blocks`` (table 二): the rows its blocks' counts place, by index (``blocks.block_places``)."""
    walk = _Walk(Table(labels, data_ids, width, label_edges(rows, width)))
    for index, row in enumerate(rows):
        walk.row(row, rows[index + 1:], (blocks or {}).get(index))
    return walk.stream

