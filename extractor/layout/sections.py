"""Where the six sections start: shared by the template stage (table regions) and the text stage."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from extractor.ingest.document import Row
from extractor.resources import load_json

_NUMBERING = re.compile(r"^[#\s]*([一二三四五六七八九十]{1,2})\s*[、.．，,]\s*")
_PAREN_NUMBERING = re.compile(r"^[#\s]*[（(]\s*[一二三四五六七八九十]{1,2}\s*[）)]")
_MAX_TITLE_LINE = 40


@dataclass(frozen=True, slots=True)
class Heading:
    section: str
    row: int
    title: str


def squash(text: str) -> str:
    """NFKC, no whitespace, no quotes, brackets half-width: the form labels are compared in."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s\u3000\"“”‘’'「」『』]", "", text)
    return text.replace("（", "(").replace("）", ")")


@cache
def _section_titles() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(section id, numeral, squashed title variants) for both formats, union of variants."""
    merged: dict[str, tuple[str, set[str]]] = {}
    for fmt in load_json("template.json")["formats"].values():
        for sec in fmt["sections"]:
            no, variants = merged.setdefault(sec["id"], (sec["no"], set()))
            variants.update(squash(v) for v in [sec["title"], *sec["title_variants"]])
    return tuple((sid, no, tuple(sorted(v, key=len, reverse=True))) for sid, (no, v) in sorted(merged.items()))


@cache
def _letters(text: str) -> Counter[str]:
    return Counter(text)


def _title_match(rest: str, variants: tuple[str, ...]) -> bool:
    letters = Counter(rest)
    for variant in variants:
        if variant in rest and len(rest) <= len(variant) + 10:
            return True
        # the ratio is at most 2·(shared characters)/(both lengths): checking that bound first
        # gives the same answer and keeps long texts of prose from taking minutes
        need = 0.85 * (len(rest) + len(variant))
        if 2 * min(len(rest), len(variant)) < need:
            continue
        if 2 * sum(min(letters[c], n) for c, n in _letters(variant).items()) < need:
            continue
        if SequenceMatcher(None, rest, variant).ratio() >= 0.85:
            return True
    return False


def heading_of(text: str) -> tuple[str, str] | None:
    """(section id, title) when ``text`` is a top-level section heading line, else None."""
    flat = squash(text).lstrip("#")
    if not flat or len(flat) > _MAX_TITLE_LINE or _PAREN_NUMBERING.match(flat):
        return None
    numbered = _NUMBERING.match(flat)
    rest = flat[numbered.end():] if numbered else flat
    rest = rest.rstrip("。.:：")
    for sid, no, variants in _section_titles():
        if numbered and numbered.group(1) != no:
            continue
        if _title_match(rest, variants):
            return sid, text.strip().lstrip("#").strip()
    return None


def find_headings(rows: list[Row]) -> list[Heading]:
    """The first heading of each section, in document order, each after the one before."""
    found: list[Heading] = []
    order = [sid for sid, _, _ in _section_titles()]
    last = -1
    for index, row in enumerate(rows):
        first = next((s.text for s in row.spans if s.text.strip()), "")
        hit = heading_of(first)
        if hit is None:
            continue
        sid, title = hit
        if order.index(sid) > last:
            found.append(Heading(sid, index, title))
            last = order.index(sid)
    return found
