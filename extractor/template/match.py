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
    """How surely ``fragment`` starts the row ``target`` (0 = not at all)."""
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


def best_match(fragment: str, candidates: list[Label], floor: float = 0.6) -> Label | None:
    """The best-scoring candidate (earliest wins a tie), or None under ``floor``."""
    best, best_score = None, floor
    for candidate in candidates:
        s = score(fragment, candidate)
        if s > best_score:
            best, best_score = candidate, s
    return best
