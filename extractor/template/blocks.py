"""Table 二's blocks as its grid shows them: a heading (第二十条第（X）项), a column header (信息内容 …),
then the block's data rows, as many as the template says. Where a light copy garbled every label,
this is what still tells which ruled row of values is which."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from extractor.ingest.document import Row
from extractor.layout.sections import squash
from extractor.template.gridrows import Table, band, physical_row
from extractor.template.match import Label, best_match
from extractor.template.spec import threshold


@dataclass(frozen=True, slots=True)
class Run:
    """Ruled rows of values one after another (their indices), how many column headers stand before
    them, and whether one stands among the rows with no values right before them."""

    rows: list[int]
    headers: int
    headed: bool


def block_places(rows: list[Row], blocks: list[list[Label]], header: str) -> dict[int, Label]:
    """Index in ``rows`` of a ruled row of values → the data row its block's count places it at.

    The ruled rows of values come in runs, one per block, each after the rows with no values of its
    block's heading and column header. Which block a run is, either of two counts tells: as many
    column headers read as such (``column_header``) as the template has blocks, a run after the k-th
    is the k-th block's; as many runs as blocks, the k-th run is. Neither count holding (a header and
    a block's whole run lost), the labels read tell it (``_by_labels``). A block whose one run stands right
    after a column header read as such and has exactly as many rows as the block has data rows
    places them, one each, in order; a run of another size (a row lost, one cut in two by a broken
    rule) places nothing, the other blocks still do. The two counts disagreeing, or a label read in a
    run naming a row of another block, say the runs are not the blocks: nothing is placed; a label
    naming another row of its own block leaves that block to its labels."""
    labels = [lab for block in blocks for lab in block]
    table = Table(labels, {lab.id for lab in labels}, 0)
    heads = [column_header(row, header) for row in rows]
    runs = _runs(rows, table, heads)
    headers = sum(heads)
    by_header = [run.headers - 1 for run in runs] if headers == len(blocks) else None
    by_count = list(range(len(runs))) if len(runs) == len(blocks) else None
    if by_header is not None and by_count is not None and by_header != by_count:
        return {}
    owners = by_header or by_count or _by_labels([_blocks_named(rows, run, table, blocks) for run in runs], len(blocks))
    places: dict[int, Label] = {}
    for rank, block in enumerate(blocks):
        own = [run for run, owner in zip(runs, owners) if owner == rank]
        named = [_named(rows[index], table) for run in own for index in run.rows]
        if any(found is not None and found not in block for found in named):
            return {}
        if (len(own) == 1 and own[0].headed and len(own[0].rows) == len(block)
                and all(found in (None, lab) for found, lab in zip(named, block))):
            places.update(zip(own[0].rows, block))
    return places


def _blocks_named(rows: list[Row], run: Run, table: Table, blocks: list[list[Label]]) -> set[int]:
    """The blocks whose rows the labels read in ``run`` name."""
    named = {found for index in run.rows if (found := _named(rows[index], table)) is not None}
    return {rank for rank, block in enumerate(blocks) if named & set(block)}


def _by_labels(named: list[set[int]], count: int) -> list[int | None]:
    """Each run's block as the labels read in the runs tell it: a run naming rows of one block only is
    that block's (an anchor), and the runs between two anchors (before the first, after the last) are
    the blocks between, in order, where there are as many of each; elsewhere no block. A fax that lost
    one block's column header and let its run read no value (office_2019_03228: 规章's block and two
    more read only by their places, "其他对外管理服务事项" read "具他对外管理服务事项", 政府集中采购's
    values unread) leaves neither count holding; the labels still read fix the runs around them. Runs
    naming two blocks, or anchors out of the blocks' order, fix nothing."""
    owners: list[int | None] = [None] * len(named)
    anchors = [(-1, -1)] + [(i, next(iter(ranks))) for i, ranks in enumerate(named) if len(ranks) == 1]
    if any(len(ranks) > 1 for ranks in named) or any(b <= a for (_, a), (_, b) in zip(anchors, anchors[1:])):
        return owners
    anchors.append((len(named), count))
    for (run, rank), (next_run, next_rank) in zip(anchors, anchors[1:]):
        if 0 <= rank < count:
            owners[run] = rank
        between = range(run + 1, next_run)
        if len(between) == next_rank - rank - 1:
            for offset, index in enumerate(between):
                owners[index] = rank + 1 + offset
    return owners


def _runs(rows: list[Row], table: Table, heads: list[bool]) -> list[Run]:
    """The runs of ruled rows of values (``band``); a column header (``heads``: each row's
    ``column_header``) is never one of a run's rows (a fax may read a garbled header glyph as a number)."""
    runs: list[Run] = []
    run: list[int] = []
    headers, headed = 0, False
    for index, (row, head) in enumerate(zip(rows, heads)):
        if not head and band(row, table, physical_row(row, table)):
            run.append(index)
            continue
        if run:
            runs.append(Run(run, headers, headed))
            run, headed = [], False
        headers, headed = headers + head, headed or head
    if run:
        runs.append(Run(run, headers, headed))
    return runs


def column_header(row: Row, header: str) -> bool:
    """A ruled row whose first text starts like the blocks' column header word (信息内容), at least
    ``block_header_fuzzy`` of its characters alike: a fax reads it 信日内容, 息内容, 信皂內容."""
    text = next((squash(s.text) for s in row.spans if squash(s.text)), "")
    return row.table and SequenceMatcher(None, text[:len(header)], header).ratio() >= threshold("block_header_fuzzy")


def _named(row: Row, table: Table) -> Label | None:
    """The data row a label read in ``row`` names, if any."""
    texts = (t.raw for t in physical_row(row, table) if t.kind == "text")
    return next((found for raw in texts if (found := best_match(raw, table.labels, threshold("row_floor")))), None)
