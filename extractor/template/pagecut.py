"""Numbers a page break cut: the last lines of a tall row's wrapped numbers atop the next page."""

from __future__ import annotations

from dataclasses import replace

from extractor.ingest.marks import PAGE_CUT
from extractor.template.numbers import Token


def cut_joins(above: list[Token], rest: list[Token]) -> dict[int, Token] | None:
    """{index in ``above``: joined token} for the numbers ``rest`` (a page's first grid row, the cut
    rest of the row ``above`` ends) each standing in the column of a number ``above`` holds on the
    page before: that number's digits run on ("2" over "4718" is 24718). None when one of them
    stands under no such number or over more than one (a row of its own, a cell whose column rule
    the copy lost, columns that do not line up)."""
    joins: dict[int, Token] = {}
    for token in rest:
        box = token.span.bbox
        if box is None or token.span.page is None:
            return None
        found = [i for i, t in enumerate(above) if t.kind == "value" and t.span.bbox is not None
                 and t.span.page is not None and t.span.page < token.span.page
                 and box.x0 <= (t.span.bbox.x0 + t.span.bbox.x1) / 2 <= box.x1]
        if len(found) != 1 or found[0] in joins or not token.raw.isdigit() or not above[found[0]].raw.isdigit():
            return None
        head = above[found[0]]
        span = replace(head.span, text=head.raw + token.raw,
                       repairs=tuple(dict.fromkeys((*head.span.repairs, PAGE_CUT))))
        joins[found[0]] = Token("value", head.raw + token.raw, span)
    return joins or None
