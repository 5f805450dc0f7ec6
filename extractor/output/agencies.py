"""One key per agency across its reports: names as printed vary by year (spaces, 人民政府/政府, reforms)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from extractor.resources import load_json


@cache
def _names() -> dict:
    return load_json("agency_names.json")


def agency_key(name: str | None, former_names: dict[str, str] | None = None) -> str | None:
    """The normalised name reports of one agency share: NFKC, no whitespace or brackets, one form per
    equivalent spelling, renamed units under today's name, former names (data, then ``former_names``) mapped."""
    if not name:
        return None
    flat = re.sub(r"[\s\u3000()（）〔〕\[\]【】]", "", unicodedata.normalize("NFKC", name))
    known = {**_names()["former_names"], **(former_names or {})}
    flat = known.get(flat, flat)
    for old, new in _names()["renamed_suffixes"]:
        if flat.endswith(old):
            flat = flat[: -len(old)] + new
            break
    for long, short in _names()["equivalent"]:
        flat = flat.replace(long, short)
    return flat or None
