"""Report metadata: agency, year, publication date, and contacts as spaCy entities found by rules."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import cache

from extractor.ingest.document import Row
from extractor.layout.sections import Heading, squash
from extractor.record import Contacts, Metadata
from extractor.resources import load_json
from extractor.text.nlp import get_nlp

_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})年度?(?:政府)?(?:信息公开|政务公开|政府信息)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})")
_LABELS = {"EMAIL": "emails", "URL": "websites", "PHONE": "phones", "POSTCODE": "postcodes", "ADDRESS": "addresses"}


@cache
def _rules() -> dict:
    return load_json("entities.json")


def _iso(text: str) -> str | None:
    found = _DATE.search(text)
    if not found:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3))).isoformat()
    except ValueError:
        return None


def _title(rows: list[Row], stop: int) -> tuple[str | None, int | None]:
    """Agency and year from the title, which may be wrapped over two lines."""
    lines = [squash(r.text).lstrip("#") for r in rows[:stop] if r.text.strip()][:20]
    for index, line in enumerate(lines):
        joined = line + (lines[index + 1] if index + 1 < len(lines) else "")
        found = _TITLE.search(line) or (_TITLE.search(joined) if "报告" not in line else None)
        if found and found.end("year") <= len(line) and any(w in joined for w in _rules()["title_words"]):
            agency = found.group("agency").strip("：:，,")
            for prefix in _rules()["agency_drop_prefixes"]:
                agency = agency.removeprefix(prefix)
            return agency or None, int(found.group("year"))
    return None, None


def _agency_fallback(rows: list[Row], stop: int) -> str | None:
    """The compiler named in the preamble (由…编制), else the first line when it names a body."""
    head = "".join(squash(r.text) for r in rows[:stop])
    for pattern in _rules()["compiler_patterns"]:
        found = re.search(pattern, head)
        if found:
            return found.group("agency")
    first = next((squash(r.text).lstrip("#") for r in rows if r.text.strip()), "")
    return first if 4 <= len(first) <= 40 and not re.search(r"\d", first) else None


def _year_fallback(text: str) -> int | None:
    period = re.search(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", text)
    if period:
        return int(period.group(1))
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", text))
    return years.most_common(1)[0][0] if years else None


def _published(rows: list[Row], year: int | None) -> str | None:
    """A labelled 发布日期 near the top, else the signature date at the end."""
    for row in rows[:30]:
        flat = squash(row.text)
        if any(label in flat for label in _rules()["published_labels"]):
            iso = _iso(flat)
            if iso:
                return iso
    for row in reversed(rows[-6:]):
        iso = _iso(row.text)
        if iso and (year is None or int(iso[:4]) >= year):
            return iso
    return None


def contacts(text: str) -> Contacts:
    """Phones, e-mails, websites, addresses, postcodes: regex rules turned into spaCy entities."""
    from spacy.util import filter_spans

    nlp = get_nlp()
    source = text[:200_000]
    doc = nlp.make_doc(source)
    spans = []
    for label, pattern in _rules()["entity_patterns"].items():
        for match in re.finditer(pattern, source):  # not doc.text: spaCy rebuilds that from every token
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            span = doc.char_span(start, match.end(), label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    doc.ents = filter_spans(spans)
    found: dict[str, list[str]] = {field: [] for field in _LABELS.values()}
    for ent in doc.ents:
        if ent.label_ in _LABELS:
            value = ent.text.strip().rstrip("。.")
            bucket = found[_LABELS[ent.label_]]
            if value not in bucket:
                bucket.append(value)
    return Contacts(**found)


def read_metadata(rows: list[Row], headings: list[Heading]) -> Metadata:
    """Agency, year, publication date and contacts; the format is set by the template stage."""
    stop = headings[0].row if headings else min(len(rows), 15)
    agency, year = _title(rows, max(stop, 1))
    text = "\n".join(r.text for r in rows)
    return Metadata(
        agency=agency or _agency_fallback(rows, max(stop, 1)),
        year=year or _year_fallback(text),
        published=_published(rows, year),
        contacts=contacts(text),
    )
