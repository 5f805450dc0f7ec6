"""Section 五 into problem items and improvement items, kept verbatim.

First the section is cut where the remedies begin (改进措施, 下一步, 针对上述问题 …); then each half is
cut into items by the enumeration style it uses most (一是/二是, （一）, 1., 首先/其次), falling back
to sentences (spaCy sentencizer) when a half has no enumeration.
"""

from __future__ import annotations

import re
from functools import cache

from extractor.resources import load_json
from extractor.text.nlp import get_nlp

_SEPARATORS = " \t\r\n；;，,。：:"


@cache
def _markers() -> dict:
    return load_json("items.json")


@cache
def _enumerations() -> tuple[re.Pattern[str], ...]:
    o = _markers()["ordinal_chars"]
    seq = "|".join(_markers()["sequence_words"])
    return (
        re.compile(rf"[{o}]是"),
        re.compile(rf"[（(][{o}][)）]"),
        re.compile(r"(?:(?<=^)|(?<=[\n。；;：:]))\s*\d{1,2}\s*[.．、]"),
        re.compile(rf"(?:{seq})[，,]"),
    )


def unwrap(text: str) -> str:
    """Join hard-wrapped lines: a line that does not end a sentence continues on the next."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out: list[str] = []
    for line in lines:
        if out and not re.search(r"[。！？；;:：]$", out[-1]) and not _starts_item(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _starts_item(line: str) -> bool:
    return any(p.match(line) for p in _enumerations())


def split_halves(text: str) -> tuple[str, str]:
    """(problems, improvements): cut at the first remedy marker after the first problem marker."""
    markers = _markers()
    start = min((i for m in markers["problem_markers"] if (i := text.find(m)) >= 0), default=0)
    remedy = re.compile(
        r"(?:^|(?<=[。；;\n！]))\s*(?:[#\s]*[（(][一二三四五六七八九十][)）]\s*)?[^。\n]{0,12}?(?:"
        + "|".join(map(re.escape, markers["improvement_markers"])) + ")",
        re.M,
    )
    found = remedy.search(text, start + 1)
    if found is None:
        return text, ""
    return text[: found.start()], text[found.start():]


def _split_on(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Pieces from each marker to the next; an item ends with its paragraph."""
    starts = [m.start() for m in pattern.finditer(text)]
    pieces = [text[a:b].lstrip().split("\n", 1)[0] for a, b in zip(starts, [*starts[1:], len(text)])]
    return [p.strip(_SEPARATORS) for p in pieces if p.strip(_SEPARATORS)]


def enumerate_items(text: str) -> list[str]:
    """Items of one half by its richest enumeration style; sentences when it has none."""
    text = text.strip()
    if not text:
        return []
    best: list[str] = []
    for pattern in _enumerations():
        items = _split_on(text, pattern)
        if len(items) >= 2 and len(items) > len(best):
            best = items
    if best:
        return best
    body = re.sub(r"^[^。：:\n]{0,20}[：:]", "", text).strip()
    return [s.text.strip(_SEPARATORS) for s in get_nlp()(body).sents if len(s.text.strip(_SEPARATORS)) >= 6]


def split_items(section_text: str) -> tuple[list[str], list[str]]:
    """Problem items and improvement items of a section-五 text."""
    problems, improvements = split_halves(unwrap(section_text))
    return enumerate_items(problems), enumerate_items(improvements)
