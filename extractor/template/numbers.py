"""Cell text to tokens and numbers: blanks, "/" as null, counts, signed changes, money in 元."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from extractor.ingest.document import Span
from extractor.resources import load_json

Number = int | float


@dataclass(frozen=True, slots=True)
class Token:
    """One piece of a cell: a label fragment, a value (maybe a null like "/"), or a printed blank."""

    kind: str  # "text" | "value" | "blank"
    raw: str
    span: Span


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str]]:
    variants = load_json("variants.json")
    units = "|".join(sorted((re.escape(u) for u in [*variants["money_units"], *variants["count_suffixes"]]),
                            key=len, reverse=True))
    value = rf"[-−－]?\d[\d,，]*(?:\.\d+)?\s*(?:{units})?"
    nulls = frozenset(variants["null_tokens"])
    null_alt = "|".join(sorted((re.escape(n) for n in nulls), key=len, reverse=True))
    item = rf"(?:{value}|{null_alt})"
    one = re.compile(item)
    many = re.compile(rf"{item}(?:\s+{item})*")
    trailing = re.compile(rf"^(?P<label>.*?[^\d\s.,，])\s+(?P<values>{item}(?:\s+{item})*)$")
    return one, many, trailing, nulls


def tokenize(span: Span, in_table: bool) -> list[Token]:
    """Split one cell into tokens; a label followed by space-separated numbers becomes both."""
    one, many, trailing, _ = _patterns()
    text = unicodedata.normalize("NFKC", span.text).strip()
    if not text:
        return [Token("blank", "", span)] if in_table else []
    if many.fullmatch(text):
        return [Token("value", m.group(0).strip(), span) for m in one.finditer(text)]
    flat = _flattened(text, span, one)
    if flat:
        return flat
    split = trailing.match(text)
    if split and not re.search(r"\d\s*[.、]$", split.group("label")):
        values = split.group("values")
        return [Token("text", split.group("label"), span),
                *(Token("value", m.group(0).strip(), span) for m in one.finditer(values))]
    return [Token("text", text, span)]


#: a label's last glyph: CJK or a closing bracket, never a digit, sign or separator
_FUSED = re.compile(r"^(?P<label>.*[\u4e00-\u9fff）)])(?P<values>\d.*)$")


def split_fused(text: str) -> tuple[str, str] | None:
    """(label, values) of a label with its numbers stuck to it ("行政事业性收费344.00", "政府集中采购0 95.3"),
    as OCR reads across a rule a fax lost between a label's cell and its value's; None otherwise.

    Only the split is offered: whether a value stands there is for the caller (the template) to say.
    """
    _, many, _, _ = _patterns()
    found = _FUSED.match(unicodedata.normalize("NFKC", text).strip())
    if found is None or re.search(r"\d", found.group("label")) or not many.fullmatch(found.group("values")):
        return None
    return found.group("label"), found.group("values")


def is_null(raw: str) -> bool:
    return raw in _patterns()[3] or raw == ""


def parse_number(raw: str, scale: int = 1) -> Number | None:
    """A number from a value token; units in the token win over ``scale`` (the header's unit)."""
    text = unicodedata.normalize("NFKC", raw).strip().replace("−", "-").replace("－", "-")
    if is_null(text):
        return None
    variants = load_json("variants.json")
    for unit in sorted(variants["money_units"], key=len, reverse=True):
        if text.endswith(unit):
            text, scale = text[: -len(unit)].strip(), variants["money_units"][unit]
            break
    else:
        for suffix in variants["count_suffixes"]:
            text = text.removesuffix(suffix).strip()
    try:
        number = Decimal(text.replace(",", "").replace("，", "")) * scale
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else float(round(number, 2))


def _flattened(text: str, span: Span, one: re.Pattern[str]) -> list[Token]:
    """A table flattened onto one line ("规章 0 0 5 规范性文件 3 1 12 …"): one token per word.

    Taken as such only with two runs of two or more values, which prose ("截至 2021 年 12 月 31 日")
    does not have; a unit after a space ("1.5 万元") stays with its number.
    """
    tokens: list[Token] = []
    for word in text.split():
        last = tokens[-1] if tokens else None
        if last is not None and last.kind == "value" and one.fullmatch(f"{last.raw} {word}"):
            tokens[-1] = Token("value", f"{last.raw} {word}", span)
        else:
            tokens.append(Token("value" if one.fullmatch(word) else "text", word, span))
    kinds = "".join("v" if t.kind == "value" else "t" for t in tokens)
    return tokens if len(re.findall("vv+", kinds)) >= 2 else []
