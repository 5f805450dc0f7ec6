"""Level of government from an agency name, by the last administrative unit it names."""

from __future__ import annotations

from functools import cache

from extractor.resources import load_json


@cache
def _rules() -> tuple[list[str], list[tuple[str, str]], list[str], list[str]]:
    data = load_json("gov_levels.json")
    units = sorted(((u["suffix"], u["level"]) for u in data["units"]), key=lambda u: -len(u[0]))
    not_units = sorted(data["not_units"], key=len, reverse=True)
    return not_units, units, data["national_prefixes"], data["provincial_cities"]


def government_level(agency: str | None) -> str | None:
    """``provincial`` | ``municipal`` | ``county`` | ``township`` | ``national``, or None when no unit is named.

    Words that merely contain a unit character (市场, 社区, 经济区) are skipped, so 钦州市市场监督管理局
    is municipal and 自治区北部湾经济区规划建设管理办公室 provincial.
    """
    if not agency:
        return None
    not_units, units, national, provincial_cities = _rules()
    level, end, i = None, 0, 0
    while i < len(agency):
        skip = next((w for w in not_units if agency.startswith(w, i)), None)
        if skip:
            i += len(skip)
            continue
        unit = next(((s, lv) for s, lv in units if agency.startswith(s, i)), None)
        if unit:
            level, end = unit[1], i + len(unit[0])
            i = end
        else:
            i += 1
    if level == "municipal" and any(agency[:end].endswith(city) for city in provincial_cities):
        return "provincial"
    if level is None and any(agency.startswith(p) for p in national):
        return "national"
    return level
