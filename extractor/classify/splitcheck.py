"""The item splitter measured against hand-split gold: items found, extra items, kind right.

A gold item is found when one splitter item, not already matched, shares at least MATCH_OVERLAP of
the longer one's characters with it (letters and digits only, list markers dropped; difflib's
matching blocks). Kind right is counted over found items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from extractor.classify.realcorpus import Passage, RealItem
from extractor.text.items import assign, units
from extractor.text.nlp import strip_list_marker

MATCH_OVERLAP = 0.8


@dataclass
class SplitScore:
    gold: int = 0
    found: int = 0
    extra: int = 0
    kind_right: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong_kind: list[str] = field(default_factory=list)

    def add(self, other: SplitScore) -> None:
        for name in ("gold", "found", "extra", "kind_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong_kind += other.wrong_kind

    def figures(self) -> dict:
        return {
            "gold_items": self.gold,
            "found": self.found,
            "found_rate": round(self.found / self.gold, 4) if self.gold else 0.0,
            "extra": self.extra,
            "kind_right": self.kind_right,
            "kind_right_rate": round(self.kind_right / self.found, 4) if self.found else 0.0,
        }


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", strip_list_marker(text.strip()))


def overlap(a: str, b: str) -> float:
    """Shared characters over the longer text's length (0 when either is empty)."""
    x, y = _letters(a), _letters(b)
    if not x or not y:
        return 0.0
    shared = sum(block.size for block in SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks())
    return shared / max(len(x), len(y))


def score_passage(passage: Passage, gold: list[RealItem]) -> SplitScore:
    """Greedy one-to-one matching of gold items to splitter items, best overlap first."""
    found = assign(units(passage.text))
    pairs = sorted(
        ((overlap(g.text, f[1]), gi, fi) for gi, g in enumerate(gold) for fi, f in enumerate(found)),
        reverse=True,
    )
    used_g: dict[int, int] = {}
    used_f: set[int] = set()
    for value, gi, fi in pairs:
        if value < MATCH_OVERLAP:
            break
        if gi not in used_g and fi not in used_f:
            used_g[gi] = fi
            used_f.add(fi)
    result = SplitScore(gold=len(gold), found=len(used_g), extra=len(found) - len(used_f))
    result.kind_right = sum(gold[gi].kind == found[fi][0] for gi, fi in used_g.items())
    result.misses = [f"{passage.id}: {g.kind} {g.text[:60]}" for gi, g in enumerate(gold) if gi not in used_g]
    result.extras = [f"{passage.id}: {f[0]} {f[1][:60]}" for fi, f in enumerate(found) if fi not in used_f]
    result.wrong_kind = [
        f"{passage.id}: gold {gold[gi].kind}, found {found[fi][0]}: {gold[gi].text[:50]}"
        for gi, fi in used_g.items() if gold[gi].kind != found[fi][0]
    ]
    return result


def score_split(passages: dict[str, Passage], items: list[RealItem]) -> SplitScore:
    """All passages that have gold items, summed."""
    total = SplitScore()
    for pid, passage in passages.items():
        gold = [i for i in items if i.passage == pid]
        if gold:
            total.add(score_passage(passage, gold))
    return total
