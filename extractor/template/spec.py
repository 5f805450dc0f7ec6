"""The official template as frozen objects, built from the packaged template.json."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from extractor.errors import DataError
from extractor.resources import load_json

FORMATS = ("2019", "2021")


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    label: str
    type: str = "int"
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class RowSpec:
    id: str
    label: str
    data: bool = True


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[RowSpec, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str
    equation: str
    for_each: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Template:
    version: str
    t2: tuple[Block, ...]
    t2_header: str  # the first cell of each t2 block's column header row (信息内容)
    t3_rows: tuple[RowSpec, ...]
    t3_cols: tuple[Column, ...]
    t4_cols: tuple[Column, ...]
    rules: tuple[Rule, ...]
    markers: tuple[str, ...]

    @property
    def t3_data_rows(self) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.t3_rows if r.data)


def _column(raw: dict) -> Column:
    return Column(raw["id"], raw["label"], raw.get("type", "int"), raw.get("unit"))


def _rule(raw: dict) -> Rule:
    each = tuple((k, tuple(v)) for k, v in raw.get("for_each", {}).items())
    return Rule(raw["id"], raw["severity"], raw["equation"], each)


@cache
def template(version: str) -> Template:
    """The template of ``version`` ("2019" or "2021"); a malformed file is a DataError."""
    data = load_json("template.json")
    try:
        fmt = data["formats"][version]
        tables = fmt["tables"]
        blocks = tuple(
            Block(b["id"], b["caption"], tuple(_column(c) for c in b["columns"]),
                  tuple(RowSpec(r["id"], r["label"]) for r in b["rows"]))
            for b in tables["t2"]["blocks"]
        )
        t3 = tables["t3"]
        return Template(
            version=version,
            t2=blocks,
            t2_header=tables["t2"]["column_header"],
            t3_rows=tuple(RowSpec(r["id"], r["label"], bool(r.get("data", True))) for r in t3["rows"]),
            t3_cols=tuple(_column(c) for c in t3["columns"]),
            t4_cols=tuple(_column(c) for c in tables["t4"]["columns"]),
            rules=tuple(_rule(r) for r in fmt["rules"]),
            markers=tuple(data["format_detection"][f"{version}_markers"]),
        )
    except (KeyError, TypeError) as exc:
        raise DataError(f"template.json: format {version} lacks {exc}") from exc


@cache
def threshold(name: str) -> float:
    """A named threshold of the template stage from template_thresholds.json; missing is a DataError."""
    try:
        return float(load_json("template_thresholds.json")[name]["value"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"template_thresholds.json: {name} lacks a numeric value") from exc
