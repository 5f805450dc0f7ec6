"""Report metadata: agency, year, publication date, and contacts as spaCy entities found by rules.

A web page states its article's title, date and publisher (``Document.meta``); those are trusted
first, then the report's signature (the agency and date closing it), then its prose. The agency
must look like one (a unit suffix, no portal words) and be found in the report's own text or title,
so portal chrome (header buttons, site names) is never taken for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date
from functools import cache

from extractor.ingest.document import Row, Span
from extractor.layout.sections import Heading, squash
from extractor.record import Contacts, Metadata
from extractor.resources import load_json
from extractor.text.nlp import get_nlp

_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})年度?(?:政府)?(?:信息公开|政务公开|政府信息)")
_TITLE_YEAR_FIRST = re.compile(r"^(?P<year>(?:19|20)\d{2})年度?(?P<agency>[^\d，。；]{2,40}?)(?:信息公开|政务公开)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0", "O": "0"}
_CN_DATE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_LABELS = {"EMAIL": "emails", "URL": "websites", "PHONE": "phones", "POSTCODE": "postcodes", "ADDRESS": "addresses"}


@cache
def _rules() -> dict:
    return load_json("entities.json")


def _cn_number(text: str) -> int:
    """一 … 三十一 (the month and day of a signature written in numerals)."""
    if "十" not in text:
        return int(_CN_DIGITS[text])
    tens, _, units = text.partition("十")
    return (int(_CN_DIGITS[tens]) if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)


def _iso(text: str) -> str | None:
    """The first date in ``text`` as ISO: 2018-01-20, 2018年1月20日 (full-width too), 二〇一八年一月二十日."""
    text = unicodedata.normalize("NFKC", text)
    found = _DATE.search(text)
    if found:
        parts = (int(found.group(1)), int(found.group(2)), int(found.group(3)))
    else:
        chinese = _CN_DATE.search(text)
        if not chinese:
            return None
        year = int("".join(_CN_DIGITS[c] for c in chinese.group(1)))
        parts = (year, _cn_number(chinese.group(2)), _cn_number(chinese.group(3)))
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def _title(rows: list[Row], stop: int, page_title: str | None = None) -> tuple[str | None, int | None]:
    """Agency and year from the title (the page's stated title first), which may be wrapped over two lines."""
    lines = [squash(r.text).lstrip("#") for r in rows[:stop] if r.text.strip()][:20]
    if page_title:
        stated = _title([Row([Span(page_title)])], 1)
        if stated[1] is not None:
            return stated
    for index, line in enumerate(lines):
        joined = line + (lines[index + 1] if index + 1 < len(lines) else "")
        found = _TITLE.search(line) or (_TITLE.search(joined) if "报告" not in line else None)
        if (found is None or not found.group("agency").strip("：:，,")) and _is_title_line(line):
            found = _TITLE_YEAR_FIRST.search(line) or found  # "2022年上海市政府信息公开工作年度报告"
        if found and found.end("year") <= len(line) and any(w in joined for w in _rules()["title_words"]):
            named = found.group("agency")
            agency = (_year_first_agency(named) if found.re is _TITLE_YEAR_FIRST else named).strip("：:，,")
            for prefix in _rules()["agency_drop_prefixes"]:
                agency = agency.removeprefix(prefix)
            return agency or None, int(found.group("year"))
    return None, None


def _is_title_line(line: str) -> bool:
    """A report's title on its own line (not a sentence of the preamble that starts with the year)."""
    return line.endswith("报告") and len(line) <= 60


def _year_first_agency(named: str) -> str:
    """"上海市政府" before 信息公开 is 上海市 + 政府信息公开; "某县人民政府" keeps its 人民政府."""
    return named if named.endswith("人民政府") else named.removesuffix("政府")


def _info_date(rows: list[Row]) -> str | None:
    """The date a portal prints under the title before the report begins: "时间：2023-01-28 点击率：",
    "日期：2023年01月17日 作者：", or a date alone with its hit counter ("2023年01月19日 (点击: )")."""
    rules = _rules()
    for flat in (squash(r.text).replace("|", "") for r in rows):
        for label in rules["info_labels"]:
            found = re.search(rf"{label}[:：]", flat)
            if found and (iso := _iso(flat[found.end():found.end() + 12])):
                return iso
        rest = _without_date(flat)
        for word in rules["info_furniture"]:
            rest = rest.replace(word, "")
        if _iso(flat) and not re.sub(r"\W", "", rest):
            return _iso(flat)
    return None


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


def _without_date(flat: str) -> str:
    """The line with its date (and the 日 closing it) taken out."""
    text = re.sub(_DATE.pattern + r"\s*日?", "", unicodedata.normalize("NFKC", flat))
    return _CN_DATE.sub("", text).strip()


def _signature(rows: list[Row]) -> tuple[str | None, str | None]:
    """(agency, ISO date) of the closing signature: a date line in the last rows, the body named above it."""
    tail = [r for r in rows[-8:] if not r.table and r.text.strip()]
    for index in range(len(tail) - 1, -1, -1):
        flat = squash(tail[index].text)
        iso = _iso(flat)
        if iso is None or len(flat) > 30:
            continue
        named = _without_date(flat)
        if named and not _plausible_agency(named):
            continue  # a dated line that is not a signature (发布时间：… 来源：…, a sentence)
        above = squash(tail[index - 1].text) if index > 0 else ""
        agency = next((c for c in (named, above) if _plausible_agency(c)), None)
        return agency, iso
    return None, None


def _plausible_agency(name: str | None) -> bool:
    """A body's name: 2-40 characters ending in a unit (局, 人民政府, 街道 …), no digits or portal words."""
    if not name or not 2 <= len(name) <= 40 or re.search(r"[\d：:，,。；;、]", name):
        return False
    if any(word in name for word in _rules()["agency_reject"]):
        return False
    return any(name.endswith(suffix) for suffix in _rules()["agency_suffixes"])


def is_signature_line(text: str) -> bool:
    """A closing line: a date alone, a body's name alone, or the body's name and the date on one line."""
    flat = squash(text)
    if len(flat) > 30:
        return False
    named = _without_date(flat)
    return (_iso(flat) is not None and (not named or _plausible_agency(named))) or _plausible_agency(flat)


def _published(rows: list[Row], year: int | None, page: dict[str, str], stop: int
               ) -> tuple[str | None, str | None]:
    """(ISO date, source): the page's meta tags, else the signature line, else a labelled date in the text."""
    def fits(iso: str | None) -> bool:
        return iso is not None and (year is None or int(iso[:4]) >= year)

    stated = _iso(page.get("published", ""))
    if fits(stated):
        return stated, "meta"
    signed = _signature(rows)[1]
    if fits(signed):
        return signed, "signature"
    beside = _iso(page.get("info", ""))  # the 发布时间/来源 line printed beside the page's title
    if fits(beside):
        return beside, "text"
    flats = [squash(r.text) for r in rows[:31]]
    labels = _rules()["published_labels"]
    for n, flat in enumerate(flats[:30]):
        if any(label in flat for label in labels):
            iso = _iso(flat.split("发布", 1)[-1] if "发布" in flat else flat)
            if iso is None and n + 1 < len(flats) and re.fullmatch(rf"\W*(?:{'|'.join(labels)})\W*", flat):
                iso = _iso(flats[n + 1])  # a label/value list: "发布日期" on its line, the date on the next
            if fits(iso):
                return iso, "text"
    above = _info_date(rows[:stop])
    return (above, "text") if fits(above) else (None, None)


def _agency(rows: list[Row], stop: int, page: dict[str, str], titled: str | None) -> str | None:
    """The title's agency, else the signature's, else the compiler in the preamble, else the page's publisher;
    on a web page each must look like a body, and all but the title's be named in the report's text."""
    if titled and (_plausible_agency(titled) or not page):
        return titled
    text = squash("".join(r.text for r in rows))
    preamble = _agency_fallback(rows, stop)
    for candidate in (_signature(rows)[0], preamble, squash(page.get("source", ""))):
        if candidate and _plausible_agency(candidate) and candidate in text:
            return candidate
    return titled or (preamble if not page else None)


def contacts(text: str) -> Contacts:
    """Phones, e-mails, websites, addresses, postcodes: regex rules turned into spaCy entities."""
    nlp = get_nlp()  # imports spaCy the light way: before any other spaCy import
    from spacy.util import filter_spans

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


def read_metadata(rows: list[Row], headings: list[Heading], page: dict[str, str] | None = None) -> Metadata:
    """Agency, year, publication date (and where it was read) and contacts; the format is set later."""
    page = page or {}
    stop = max(headings[0].row if headings else min(len(rows), 15), 1)
    titled, year = _title(rows, stop, page.get("title"))
    text = "\n".join(r.text for r in rows)
    year = year or _year_fallback(text)
    published, source = _published(rows, year, page, stop)
    return Metadata(
        agency=_agency(rows, stop, page, titled),
        year=year,
        published=published,
        published_source=source,
        contacts=contacts(text),
    )


def report_year(rows: list[Row], page: dict[str, str] | None = None) -> int | None:
    """The year reported on, from the title (or the page's title), else the statistics period."""
    year = _title(rows, max(min(len(rows), 15), 1), (page or {}).get("title"))[1]
    return year or _year_fallback("\n".join(r.text for r in rows[:200]))
