"""Numbers the prose states (收到申请N件, 行政复议N件) checked against the tables: soft checks."""

from __future__ import annotations

import re
from functools import cache

from extractor.record import Check, Tables
from extractor.resources import load_json
from extractor.text.nlp import get_nlp


@cache
def _facts() -> dict:
    return load_json("facts.json")


def stated_numbers(overview: str) -> dict[str, tuple[str, int]]:
    """Table cell key → (rule, number) for the first sentence of section 一 that states it."""
    found: dict[str, tuple[str, int]] = {}
    for sentence in get_nlp()(overview[:20_000]).sents:
        for fact in _facts()["facts"]:
            match = re.search(fact["pattern"], sentence.text)
            if match and fact["key"] not in found:
                found[fact["key"]] = (fact["rule"], int(match.group(1)))
        for key, pattern in _facts()["none_patterns"].items():
            if key not in found and re.search(pattern, sentence.text):
                found[key] = ("TEXT_VS_T3", 0)
    return found


def _cell(tables: Tables, key: str) -> int | float | None:
    parts = key.split(".")
    if parts[0] == "t4":
        return tables.t4.get(parts[1])
    return tables.t3.get(parts[1], {}).get(parts[2])


def text_checks(stated: dict[str, tuple[str, int]], tables: Tables) -> list[Check]:
    """One soft check per stated number whose table cell holds a value."""
    checks = []
    for key, (rule, number) in stated.items():
        value = _cell(tables, key)
        if value is not None:
            checks.append(Check(rule=rule, scope=key.split(".", 1)[1], ok=value == number, expected=number,
                                actual=value, severity="soft", cells=[key]))
    return checks
