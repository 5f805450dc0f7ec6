"""Reports of the 2008 regulations' era (no national template): sections under their own headings, key figures.

Before 2019 each agency chose its own headings and order (概述, 主动公开, 依申请公开, 收费及减免,
复议诉讼, 存在的主要问题及改进措施, 其他 in most); they are recognised by their words, not their
numbers, and mapped onto s1..s6 as ``extractor/data/legacy.json`` says. Section prose stops at the
statistics tables and the signature, so section 五's items never run into them. Key figures are
read from the prose, each with the sentence it came from, because no template table holds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from extractor.ingest.document import Row
from extractor.layout.sections import Heading, squash
from extractor.record import Fact, Metadata, Section
from extractor.resources import load_json
from extractor.text.items import split_items
from extractor.text.metadata import is_signature_line, read_metadata, report_year

_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


@cache
def _data() -> dict:
    return load_json("legacy.json")


@dataclass(slots=True)
class LegacyText:
    metadata: Metadata
    sections: dict[str, Section]
    headings: list[Heading]
    problems: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def legacy_headings(rows: list[Row]) -> list[Heading]:
    """Top-level numbered headings (一、… ) whose words name a 2008-era section, in document order."""
    pattern = re.compile(_data()["heading"])
    found: list[Heading] = []
    for index, row in enumerate(rows):
        if row.table:
            continue
        match = pattern.match(squash(row.text))
        if not match:
            continue
        title = match.group("title")
        section = next((s["section"] for s in _data()["sections"] if re.search(s["pattern"], title)), None)
        if section is not None:
            found.append(Heading(section, index, row.text.strip().lstrip("#").strip()))
    return found


def is_legacy(rows: list[Row], page: dict[str, str] | None) -> bool:
    """A report on a year before the national template, with no trace of the template's tables in it."""
    year = report_year(rows, page)
    if year is None or year > _data()["last_legacy_year"]:
        return False
    marks = _data()["template_marks"]
    return not any(mark in squash(row.text) for row in rows for mark in marks)


def _sections(rows: list[Row], headings: list[Heading]) -> dict[str, Section]:
    """Prose under each heading up to the next (tables left out), an appendix line, or — after the last
    heading — the first table or the signature."""
    stop_line = re.compile(_data()["prose_stop"])
    out: dict[str, Section] = {}
    for position, heading in enumerate(headings):
        end = headings[position + 1].row if position + 1 < len(headings) else len(rows)
        lines = []
        last = position + 1 == len(headings)
        for row in rows[heading.row + 1:end]:
            if stop_line.match(squash(row.text)) or (row.table and last):
                break  # an appendix, or a table after the last section's prose: not prose
            if not row.table:
                lines.append(row.text.strip())
        while last and lines and is_signature_line(lines[-1]):
            lines.pop()
        text = "\n".join(line for line in lines if line)
        if heading.section in out:
            old = out[heading.section]
            out[heading.section] = Section(title=old.title, text="\n".join(t for t in (old.text, heading.title, text) if t))
        else:
            out[heading.section] = Section(title=heading.title, text=text)
    return out


def _number(raw: str) -> int:
    return int(raw.replace(",", "").replace("，", ""))


def _fact(rule: dict, sid: str, sentence: str) -> Fact | None:
    """The key figure a rule reads in one sentence; a stated 'none' is read clause by clause, so that
    '未收到…申请，未收到…行政复议申请' gives the requests their 0 although the sentence names a review."""
    if "pattern" in rule:
        if "exclude" in rule and re.search(rule["exclude"], sentence):
            return None
        match = re.search(rule["pattern"], sentence)
        if match:
            return Fact(key=rule["key"], label=rule["label"], value=_number(match.group(1)), unit=match.group(2),
                        section=sid, sentence=sentence)  # type: ignore[arg-type]
        return None
    for clause in re.split(r"[，,]", sentence):
        if re.search(rule["zero"], clause) and not ("exclude" in rule and re.search(rule["exclude"], clause)):
            return Fact(key=rule["key"], label=rule["label"], value=0, section=sid, sentence=sentence)  # type: ignore[arg-type]
    return None


def key_facts(sections: dict[str, Section]) -> list[Fact]:
    """The first sentence stating each key figure, read only in the sections that report it (legacy.json:
    a count in 概述 is often of something else, such as approvals at a service centre)."""
    rules = _data()["facts"]
    found: list[Fact] = []
    for key in dict.fromkeys(rule["key"] for rule in rules):
        own = [rule for rule in rules if rule["key"] == key]
        fact = next((f for sid in own[0]["sections"] if sid in sections
                     for sentence in (s.strip() for s in _SENTENCE.findall(sections[sid].text))
                     for rule in own if (f := _fact(rule, sid, sentence)) is not None), None)
        if fact is not None:
            found.append(fact)
    return found


def read_legacy(rows: list[Row], page: dict[str, str] | None) -> LegacyText:
    """Metadata (format legacy), sections, section-五 items and key figures of a pre-2019 report."""
    headings = legacy_headings(rows)
    sections = _sections(rows, headings)
    metadata = read_metadata(rows, headings, page).model_copy(update={"format": "legacy"})
    result = LegacyText(metadata, sections, headings, facts=key_facts(sections))
    missing = sorted({"s1", "s2", "s3", "s4", "s5"} - sections.keys())
    if missing:
        result.warnings.append(f"sections not found: {', '.join(missing)}")
    if "s5" in sections:
        result.problems, result.improvements = split_items(sections["s5"].text)
    return result


def section_at(headings: list[Heading]) -> Callable[[int], str | None]:
    """A function from a row index to the section it stands in (None before the first heading)."""
    def at(index: int) -> str | None:
        current = None
        for heading in headings:
            if heading.row > index:
                break
            current = heading.section
        return current

    return at
