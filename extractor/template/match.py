"""Fuzzy label matching: spaced, stacked, split or mangled labels to template row ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from extractor.layout.sections import squash
from extractor.template.spec import threshold

#: "(二" with its ")" lost (a fax, a faint scan) is still the numbering "(二)", not an aside to drop
_NUMBER_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+[、.．,]|\([一二三四五六七八九十]+\)?|\d{1,2}[.．、])")
_PAREN = re.compile(r"\([^()]*\)?")
#: where a numbered label starts inside a longer text: "(三)", "二、", "2.", "3、" (a stacked cell's next label)
_INNER_NUMBER = re.compile(r"\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d{1,2}[.．、]")
#: the same as a fax leaves it: a digit with its dot lost before the label's words, "()" with its numeral lost
_BARE_NUMBER = re.compile(r"\([一二三四五六七八九十]*\)|[一二三四五六七八九十]+、|(?<!\d)\d{1,2}[.．、]?(?=[\u4e00-\u9fff])")


@dataclass(frozen=True, slots=True)
class Label:
    """A template label reduced to what survives bad extraction: its numbering and its core words."""

    id: str
    numbering: str
    core: str


def split_label(text: str) -> tuple[str, str]:
    """(numbering, core): '(二)部分公开(区分处理的,只' → ('(二)', '部分公开')."""
    flat = squash(text)
    numbered = _NUMBER_PREFIX.match(flat)
    numbering = numbered.group(0) if numbered else ""
    core = _PAREN.sub("", flat[len(numbering):]).strip("、.,，:：;；")
    numbering = numbering.rstrip("、.．,")
    return numbering + (")" if numbering.startswith("(") and not numbering.endswith(")") else ""), core


@cache
def label(row_id: str, text: str) -> Label:
    numbering, core = split_label(text)
    return Label(row_id, numbering, core)


def score(fragment: str, target: Label) -> float:
    """How surely ``fragment`` starts the row ``target`` (0 = not at all). A few glyphs before a
    numbered label ("结果2.其他法律…", "三、(一)予以公开": a tall heading's text set one glyph a line
    beside the rows, taken into their cells) are not the label's: it is scored from its numbering too."""
    flat = squash(fragment)
    starts = [m.start() for m in _INNER_NUMBER.finditer(flat, 1) if m.start() <= threshold("label_lead_chars")]
    return max([_score(flat, target), *(_score(flat[i:], target) for i in starts)])


def _score(fragment: str, target: Label) -> float:
    numbering, core = split_label(fragment)
    if not core or not target.core or (len(core) < 2 and not numbering):
        return 0.0
    if len(target.core) <= 3:
        if target.numbering and numbering != target.numbering:
            return 0.0
        return 1.0 if core == target.core else 0.0
    if numbering and target.numbering and numbering != target.numbering and len(target.core) <= 4:
        return 0.0
    if core == target.core:
        return 1.0
    if target.core in core and len(core) <= len(target.core) + 12:
        return 0.95
    same_number = bool(numbering) and numbering == target.numbering
    if target.core.startswith(core) and len(core) >= (1 if same_number else min(4, len(target.core))):
        return 0.85
    ratio = SequenceMatcher(None, core, target.core).ratio()
    if ratio < threshold("min_fuzzy"):
        return 0.0
    # the numbering survived OCR intact and the words are close: as sure as the words alone
    # matching, so the first row of a table ("一、" + a mangled 本年新收…) is not taken for header
    return max(ratio * 0.9, threshold("numbered_fuzzy")) if same_number else ratio * 0.9


def resembles(fragment: str, target: Label) -> bool:
    """``fragment`` is a badly read ``target`` (its numbering, if any, agrees and at least
    ``positional_fuzzy`` of the characters): enough only for the row expected next."""
    numbering, core = split_label(fragment)
    if len(core) < 2 or not target.core or (numbering and target.numbering and numbering != target.numbering):
        return False
    return SequenceMatcher(None, core, target.core).ratio() >= threshold("positional_fuzzy")


def stacked(fragment: str, upcoming: list[Label], data_ids: set[str]) -> list[Label]:
    """The data rows, from the next one on in template order, whose numbered labels ``fragment``
    holds one after another ("1.属于国家秘密2.其他法律行政止公开…8.属于行政查询事项"): a cell the
    copy's grid merged down a block of rows whose thin inner rules it lost. Pieces naming a heading
    of rows ("(三)不予公开", set mid-height beside them; by its words, as a photo reads "(二)") are
    passed over; a piece matching no label in its place, or fewer than two rows, is no stack ([])."""
    flat = squash(fragment)
    return _stack(flat, _INNER_NUMBER, upcoming, data_ids) or _stack(flat, _BARE_NUMBER, upcoming, data_ids)


def _stack(flat: str, numbering: re.Pattern[str], upcoming: list[Label], data_ids: set[str]) -> list[Label]:
    """``stacked`` with the cell's text cut where ``numbering`` matches; the text before the first cut
    is a few foreign glyphs or (its numbering lost) the first row's label."""
    cuts = [m.start() for m in numbering.finditer(flat)]
    rest = [lab for lab in upcoming if lab.id in data_ids]
    if cuts and cuts[0] > threshold("label_lead_chars") and rest and _names(flat[:cuts[0]], rest[0]):
        cuts.insert(0, 0)
    if len(cuts) < 2 or cuts[0] > threshold("label_lead_chars"):
        return []
    pieces = [flat[a:b] for a, b in zip(cuts, [*cuts[1:], len(flat)])]
    headings = [lab for lab in upcoming if lab.id not in data_ids]
    rows: list[Label] = []
    for piece in pieces:
        if rest and _names(piece, rest[0]):
            rows.append(rest.pop(0))
        elif not any(split_label(piece)[1] == lab.core or resembles(piece, lab) for lab in headings):
            return []
    return rows if len(rows) >= 2 else []


def _names(piece: str, target: Label) -> bool:
    """``piece`` is ``target``'s label: scored over the row floor, or its numbering exact and its words alike."""
    return score(piece, target) >= threshold("row_floor") or (
        split_label(piece)[0] == target.numbering != "" and resembles(piece, target))


def best_match(fragment: str, candidates: list[Label], floor: float = 0.6) -> Label | None:
    """The best-scoring candidate (earliest wins a tie), or None under ``floor``."""
    best, best_score = None, floor
    for candidate in candidates:
        s = score(fragment, candidate)
        if s > best_score:
            best, best_score = candidate, s
    return best
