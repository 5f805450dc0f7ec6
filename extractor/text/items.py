"""Section 五 into problem items and improvement items, kept verbatim.

Real sections mix their halves in many ways: a problem stated in a sentence before the first 一是,
remedies announced by 下一步/接下来/为此/对此/进行改进 inside a paragraph, "（一）存在的问题/（二）改进措施"
sub-headings (on their own line or run into the text, as pages copied without line breaks have
them), one numbered list that restarts at 一是 for the remedies, items each carrying a problem and
its remedy, improvements with their own titled sub-headings. So the text is read as a stream of
units (sub-headings, lead-ins, enumerated items, plain sentences) and a small state machine gives
each unit its kind:

- a sub-heading (存在的问题 / 改进措施 / 下一步工作打算 …) sets the kind until the next one; a
  remedy lead-in or announcement also ends a problem sub-heading's scope;
- a sentence opening with a remedy lead-in (针对上述问题, 下一步, 接下来, 为此 …) switches to
  improvements; bare announcements ("存在以下问题：", "将从以下几个方面改进：", "但离要求还有差距。")
  are not items, nor is a remedy sentence that only introduces a numbered list of remedies;
- without a sub-heading in force, an item's own wording can flip the kind: an item opening with an
  action (加强/完善/进一步 …) and stating no shortcoming is an improvement, an item stating a
  shortcoming with no action opening is a problem;
- before any remedy, a plain sentence that states no shortcoming (praise, context) is not an item.

Items follow the guidelines (annotations/guidelines.md): one enumerated clause, or one sentence
where there is no enumerator; a titled group of sub-items is its sub-items. The words and phrase
patterns are data (extractor/data/items.json). Measured against hand-split real passages by
``extractor.classify.splitcheck`` (``nianbao train`` prints the figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractor.resources import load_json

PROBLEM = "problem"
IMPROVEMENT = "improvement"
_SEPARATORS = " \t\r\n；;，,。：:、"
_MIN_ITEM_CHARS = 4


@dataclass(frozen=True)
class Unit:
    """One piece of the section.

    ``role``: ``heading`` (sets ``kind``), ``enumerated`` (an item; ``kind`` set when it is labelled,
    "3．整改措施：…"), ``sentence``, ``tail`` (a sentence continuing the item before it) or ``leadin``
    (a fragment running straight into a list).
    """

    text: str
    role: str
    kind: str | None = None


@cache
def _words() -> dict:
    return load_json("items.json")


def _alt(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    w = _words()
    o = w["ordinal_chars"]
    heading_words = _alt(w["problem_heading_words"] + w["improvement_heading_words"])
    return {
        "main_heading": re.compile(
            rf"^\s*#*\s*[{o}]{{1,2}}\s*[、.．]\s*[^。；;:：\n]{{0,40}}?(?:{heading_words})[^。；;:：\s（(]{{0,8}}[。:：]?(?:\s+|$|(?=[（(][{o}][)）]))"
        ),
        "main_heading_both": re.compile(
            rf"^\s*#*\s*[{o}]{{1,2}}\s*[、.．]\s*[^。；;:：\n]{{0,30}}?(?:{_alt(w['problem_heading_words'])})[^。；;:：\n]{{0,16}}?"
            rf"(?:{_alt(w['main_heading_ends'])})[。:：]?"
        ),
        "sub_heading": re.compile(
            rf"^\s*#*\s*(?:[（(]\s*[{o}\d]{{1,2}}\s*[)）]|[{o}]{{1,2}}\s*[、.．]|\d{{1,2}}\s*[、.．])?\s*"
            rf"(?P<title>[^。；;:：\n，,]{{0,14}}?(?:{heading_words})[^。；;:：\n，,]{{0,8}}?)\s*(?:[:：。]|$)"
        ),
        "inline_heading": re.compile(
            rf"(?P<enum>[（(][{o}][)）]|(?:(?<=^)|(?<=[。；;！？\s]))[{o}]、)\s*(?P<title>{w['inline_heading']})"
            rf"\s*[:：。]?",
            re.M,
        ),
        "remedy_lead": re.compile(
            rf"^[^。；;]{{0,{w['remedy_lead_window']}}}?(?:{_alt(w['remedy_leads'])})"
        ),
        "clause_remedy": re.compile(rf"(?<=[，,；;])(?=(?:{_alt(w['clause_remedy_leads'])}))"),
        "action_start": re.compile(rf"^(?:{_alt(w['action_starts'])})"),
        "problem_cue": re.compile(_alt(w["problem_cues"])),
        "problem_leadin": re.compile(w["problem_leadin"]),
        "generic_remedy": re.compile(w["generic_remedy"]),
        "marker": re.compile(
            rf"^\s*(?:[（(]\s*(?:[{o}]{{1,2}}|\d{{1,2}})\s*[)）]\s*是?|[{o}]{{1,2}}[是要]|\d{{1,2}}\s*是|其[{o}]{{1,2}}[，,、]?"
            rf"|第[{o}]{{1,2}}[，,、]|[{o}]{{1,2}}\s*[、.．]|\d{{1,2}}\s*(?:[．、]|\.(?!\d))|(?:{_alt(w['sequence_words'])})[，,])\s*"
        ),
    }


@cache
def _enumerations() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Enumerator styles; a cut is only made where an item can start (not inside 第一时间, 唯一是 …)."""
    o = _words()["ordinal_chars"]
    seq = _alt(_words()["sequence_words"])
    start = r"(?:(?<=^)|(?<=[\s。；;：:！？，,]))"
    return (
        ("shi", re.compile(rf"(?:(?<![统唯之第万专同单划])[{o}]{{1,2}}|{start}\d{{1,2}})(?:是(?![否非])|要(?=[\u4e00-\u9fff]))")),
        ("paren", re.compile(rf"{start}[（(]\s*[{o}]{{1,2}}\s*[)）]")),
        ("paren_digit", re.compile(rf"{start}[（(]\s*\d{{1,2}}\s*[)）]")),
        ("digit", re.compile(rf"{start}\d{{1,2}}\s*(?:[．、]|\.(?!\d))")),
        ("chinese", re.compile(rf"{start}[{o}]{{1,2}}\s*、")),
        ("di", re.compile(rf"{start}(?:第|其)[{o}]{{1,2}}[，,、]")),
        ("sequence", re.compile(rf"{start}(?:{seq})[，,]")),
    )


def unwrap(text: str) -> str:
    """Join hard-wrapped lines: a line that does not end a sentence continues on the next."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out: list[str] = []
    for line in lines:
        if out and not re.search(r"[。！？；;:：]$", out[-1]) and not _opens_block(line) and not _is_heading(out[-1]):
            out[-1] += " " + line if _is_title(out[-1]) else line
        else:
            out.append(line)
    return "\n".join(out)


def _is_title(line: str) -> bool:
    """"（一）加强组织领导": an enumerated short title whose text follows on the next line."""
    return _opens_block(line) and len(line) <= _words()["group_title_chars"] and not re.search(r"[，,。；;！？]", line)


def _opens_block(line: str) -> bool:
    return any(p.match(line) for _, p in _enumerations()) or _is_heading(line)


def _is_heading(line: str) -> bool:
    return _heading_kind(line) is not None and _patterns()["sub_heading"].match(line) is not None


def _heading_kind(line: str) -> str | None:
    """PROBLEM / IMPROVEMENT for a sub-heading naming one half; None otherwise (or both halves).

    A short clause that merely contains 不足 or 措施 (业务水平不足。落实各项措施。) is not a heading: a
    problem title names the half (问题, 存在, 不足之处), a remedy title is not itself an action.
    """
    match = _patterns()["sub_heading"].match(line)
    if match is None:
        return None
    title = match.group("title").strip()
    w = _words()
    problem = any(k in title for k in w["problem_title_words"])
    shortfall = _patterns()["problem_cue"].sub("", title.replace("问题", "").replace("不足", "")) != title.replace("问题", "").replace("不足", "")
    acts = title.startswith(tuple(w["title_action_starts"]))
    remedy = any(k in title for k in w["improvement_heading_words"]) and not acts and "将" not in title and not shortfall
    if problem == remedy:
        return None
    return PROBLEM if problem else IMPROVEMENT


def _strip_main_heading(text: str) -> str:
    """Drop the section's own heading (五、存在的主要问题及改进情况), also when the body follows on its line."""
    match = _patterns()["main_heading_both"].match(text) or _patterns()["main_heading"].match(text)
    return text[match.end():] if match else text


def _break_headings(text: str) -> str:
    """Put sub-headings run into the text on their own line ("…利用率不高。（二）改进措施一是…", as pages
    copied without line breaks have them); only known heading phrases after an enumerator count."""

    def cut(match: re.Match[str]) -> str:
        return "\n" + match.group().strip() + "\n"

    return _patterns()["inline_heading"].sub(cut, text)


def _sentences(text: str) -> list[str]:
    """Sentences ending in 。！？ (the end mark kept); a trailing fragment counts as one."""
    result: list[str] = []
    for sentence in re.findall(r"[^。！？!?]+[。！？!?]*", text):
        parts = _patterns()["clause_remedy"].split(sentence)
        for n, part in enumerate(parts):
            if n and (_is_generic_remedy(part) and not _states_problem(result[-1]) or _leads_remedy(result[-1])):
                result[-1] += part
            else:
                result.append(part)
    return [s for s in result if s.strip(_SEPARATORS)]


def _leads_remedy(clause: str) -> bool:
    """"针对上述问题，": a clause that only opens the remedies; what follows in its sentence is a remedy too."""
    text = clause.strip(_SEPARATORS)
    return _patterns()["remedy_lead"].match(text) is not None and not _states_problem(text)


def _enumerated(paragraph: str) -> tuple[str, list[str]]:
    """(preamble, items) by the style of the first enumerator in the paragraph (nested styles stay inside)."""
    found = [(m.start(), name, p) for name, p in _enumerations() if (m := p.search(paragraph))]
    if not found:
        return paragraph, []
    _, _, pattern = min(found, key=lambda f: f[0])
    starts = [m.start() for m in pattern.finditer(paragraph)]
    items = [paragraph[a:b] for a, b in zip(starts, [*starts[1:], len(paragraph)])]
    return paragraph[: starts[0]], items


def _segments(paragraph: str) -> list[tuple[str, bool]]:
    """The paragraph cut before every sentence that opens with a remedy lead-in or an inline sub-heading.

    Each piece comes with whether it starts inside an enumerated item of the piece before (a tail).
    """
    pieces: list[str] = []
    for sentence in _sentences(paragraph) or [paragraph]:
        head = sentence.strip(_SEPARATORS)
        lead = re.split(r"(?<=[:：])", head, maxsplit=1)[0]
        if pieces and (_patterns()["remedy_lead"].match(head) or _heading_kind(head) is not None or _announces_remedies(lead)):
            pieces.append(sentence)
        elif pieces:
            pieces[-1] += sentence
        else:
            pieces.append(sentence)
    tails = [False] + [bool(_enumerated(before)[1]) for before in pieces[:-1]]
    return list(zip(pieces, tails))


def _at_colon(sentence: str) -> list[str]:
    """"…存在着不足，主要是：X；Y。" → the announcement up to the colon, then the statement."""
    match = re.search(r"[:：]", sentence)
    if match is None or not sentence[match.end():].strip(_SEPARATORS):
        return [sentence]
    return [sentence[: match.end()], sentence[match.end():]]


def _open(piece: str) -> bool:
    """A fragment not closed by 。！？ that runs straight into a list: it introduces the list."""
    return not re.search(r"[。！？!?；;]\s*$", piece)


def _announces_remedies(sentence: str) -> bool:
    """"因此，我们考虑从以下三个方面作进一步的改进：": a remedy announcement with no shortfall in it."""
    return _patterns()["generic_remedy"].search(sentence) is not None and _leadin_kind(sentence) == IMPROVEMENT


def _nested(item: str) -> list[str]:
    """"（一）提高认识 一是…；二是…": a titled group of sub-items is its sub-items (the title is no item)."""
    body = _patterns()["marker"].sub("", item, count=1)
    title, subs = _enumerated(body)
    if len(subs) >= 2 and len(title.strip()) <= _words()["group_title_chars"] and not re.search(r"[。！？；;，,]", title):
        return subs
    return [item]


def _style(text: str) -> str | None:
    """Name of the enumeration style that opens ``text``."""
    return next((name for name, pattern in _enumerations() if pattern.match(text.strip())), None)


def _group_titles(stream: list[Unit]) -> list[Unit]:
    """"2、队伍建设有待加强" alone on its line, then 一是/二是: the line titles the inner items, which are the items."""
    kept = []
    for n, unit in enumerate(stream):
        nxt = stream[n + 1] if n + 1 < len(stream) else None
        if (unit.role == "enumerated" and unit.kind is None and _is_title(unit.text.strip()) and nxt is not None
                and nxt.role == "enumerated" and _style(nxt.text) not in (None, _style(unit.text))):
            continue
        kept.append(unit)
    return kept


def units(section_text: str) -> list[Unit]:
    """The section as a stream of headings, enumerated items and plain sentences, in order."""
    return _group_titles(_units(section_text))


def _units(section_text: str) -> list[Unit]:
    result: list[Unit] = []
    for paragraph in unwrap(_break_headings(_strip_main_heading(section_text.strip()))).splitlines():
        for segment, tail in _segments(paragraph.strip()):
            segment = segment.strip()
            kind = _heading_kind(segment)
            if kind is not None:
                match = _patterns()["sub_heading"].match(segment)
                rest = segment[match.end():].strip()
                labelled = segment[: match.end()].rstrip().endswith((":", "："))
                if rest and labelled and _patterns()["marker"].match(segment) and not _enumerated(rest)[1] and len(_sentences(rest)) == 1:
                    result.append(Unit(segment, "enumerated", kind))
                    continue
                result.append(Unit(segment[: match.end()].strip(), "heading", kind))
                segment = rest
            preamble, items = _enumerated(segment)
            pieces = [piece for sentence in _sentences(preamble) for piece in _at_colon(sentence)]
            for n, piece in enumerate(pieces):
                role = "tail" if tail and n == 0 else "sentence"
                result.append(Unit(piece, "leadin" if items and n == len(pieces) - 1 and _open(piece) else role))
            for item in (sub for whole in items for sub in _nested(whole)):
                trailing = re.search(r"(?<=[。；;！？])[^。；;！？]*[:：]\s*$", item)
                announced = _announcement_inside(item)
                if trailing and _leadin_kind(trailing.group()) is not None:
                    result += [Unit(item[: trailing.start()], "enumerated"), Unit(trailing.group(), "leadin")]
                elif announced is not None:
                    start, end = announced
                    result += [Unit(item[:start], "enumerated"), Unit(item[start:end], "leadin")]
                    result += [Unit(rest, "sentence") for rest in _sentences(item[end:])]
                else:
                    result.append(Unit(item, "enumerated"))
    return result


def _announcement_inside(item: str) -> tuple[int, int] | None:
    """Where a later sentence of the item only announces shortcomings ("…提升业务水平。2021年，…但也存在一些问题。
    如…"): it ends the item and opens what follows. (start, end) of that sentence, or None."""
    for match in re.finditer(r"(?<=[。；;！？])[^。；;！？]+[。]?", item):
        text = match.group()
        if text.strip() and _is_problem_leadin(text) and not text.rstrip().endswith((":", "：")) \
                and not re.search(_words()["remedy_words"], text):
            return match.start(), match.end()
    return None


def _body(text: str) -> str:
    return _patterns()["marker"].sub("", text.strip(), count=1).strip(_SEPARATORS)


def _prose(text: str) -> str:
    """The body without bracketed page furniture (【打印本页】【关闭窗口】) and non-Chinese debris."""
    return re.sub(r"【[^】]*】|\[[^\]]*\]|[^\u4e00-\u9fff]", "", _body(text))


def _states_problem(text: str) -> bool:
    """A shortfall is named (有待, 不够, 滞后 …); "这些问题/上述问题" only point back at one."""
    return _patterns()["problem_cue"].search(re.sub(r"(?:这些|上述|以上|此类|前述|存在的)问题", "", text)) is not None


def _acts(text: str) -> bool:
    return _patterns()["action_start"].match(_body(text)) is not None or re.match(r"^[^，,。]{0,8}将", _body(text)) is not None


def _is_problem_leadin(text: str) -> bool:
    """"存在以下问题：", "但仍然存在一些问题。": announces shortcomings without stating one."""
    if text.rstrip().endswith(("：", ":")):
        return True
    clauses = re.split(r"[，,]", text.strip().rstrip("。；;"))
    last = clauses[-1].strip()
    match = _patterns()["problem_leadin"].search(last)
    if match is None:
        return False
    prefix = last[: match.start()]
    if len(prefix) > _words()["leadin_prefix_chars"] and not re.search(_words()["leadin_subject"], prefix):
        return False
    rest = "".join(clauses[:-1])
    for generic in _words()["generic_shortfalls"]:
        rest = rest.replace(generic, "")
    return not _states_problem(rest)


def _is_generic_remedy(text: str) -> bool:
    """"针对上述问题，我局将加以改进。", "将从以下几个方面推进：": announces remedies without naming one."""
    stripped = text.strip()
    return stripped.endswith(("：", ":")) or _patterns()["generic_remedy"].search(stripped) is not None and len(_body(stripped)) < 60


def assign(stream: list[Unit]) -> list[tuple[str, str]]:
    """(kind, text) for every unit that is an item, by the rules in the module docstring.

    A plain remedy sentence right before an enumerated list of remedies introduces the list
    ("下一步，我局将针对问题补短板。一是…") and is not an item itself, unless it names what it works
    on (培训, 解读, 依申请公开 …: then it is a remedy of its own).
    """
    out = _assign(stream)
    return [
        (kind, text)
        for n, (kind, text, listed) in enumerate(out)
        if listed or kind == PROBLEM or n + 1 == len(out) or out[n + 1][0] == PROBLEM or not _opens_list(out[n + 1])
        or _names_topic(text)
    ]


def _names_topic(text: str) -> bool:
    """A remedy sentence naming what it works on (培训, 解读, 依申请公开 …) is an item even before a list."""
    return any(topic in text for topic in _words()["remedy_topics"])


def _opens_list(item: tuple[str, str, bool]) -> bool:
    """An enumerated item numbered first (一是, （一）, 1., 第一, 首先): the start of a list."""
    return item[2] and re.match(r"\s*(?:[（(]\s*[一1]\s*[)）]|[一1]\s*[是要、.．]|第一|其一|首先)", item[1]) is not None


def _assign(stream: list[Unit]) -> list[tuple[str, str, bool]]:
    """(kind, text, enumerated?) of every item, before introductions are dropped."""
    state, locked = PROBLEM, False
    out: list[tuple[str, str, bool]] = []
    for unit in stream:
        text = unit.text.strip()
        if unit.role == "heading":
            state, locked = unit.kind or state, True
            continue
        if unit.kind is not None:
            out.append((unit.kind, text, True))
            continue
        if unit.role != "enumerated" and len(_prose(text)) < _MIN_ITEM_CHARS and not _nothing(text):
            continue
        if unit.role == "tail" and state == IMPROVEMENT and out and out[-1][0] == IMPROVEMENT:
            out[-1] = (IMPROVEMENT, out[-1][1] + text, out[-1][2])
            continue
        if unit.role == "leadin":
            kind = _leadin_kind(text)
            if kind == IMPROVEMENT or not locked:
                state = kind or state
            continue
        if _patterns()["remedy_lead"].match(_body(text)) and not (_states_problem(text) and not _acts_later(text)):
            state = IMPROVEMENT
            if not _is_generic_remedy(text):
                out.append((IMPROVEMENT, text, unit.role == "enumerated"))
            continue
        if unit.role != "enumerated":
            if _is_generic_remedy(text) and not _states_problem(text):
                state = state if locked else IMPROVEMENT
                continue
            if _is_problem_leadin(text):
                state = state if locked else PROBLEM
                continue
            if state == PROBLEM and not _states_problem(text) and not _acts(text) and not _nothing(text):
                continue
        if not locked:
            if state == PROBLEM and _acts(text) and not _states_problem(_body(text)):
                state = IMPROVEMENT
            elif state == IMPROVEMENT and _states_problem(_opening(text)) and not _acts(text):
                state = PROBLEM
        out.append((state, text, unit.role == "enumerated"))
    return out


def _opening(text: str) -> str:
    """The body's first sentence: a remedy's later sentences often name the 问题 it fixes."""
    return re.split(r"(?<=[。！？；;])", _body(text), maxsplit=1)[0]


def _leadin_kind(text: str) -> str | None:
    """The half a lead-in opens: a remedy lead (为此/下一步 …) first, then a shortfall announcement."""
    if _patterns()["remedy_lead"].match(_body(text)):
        return IMPROVEMENT
    if _is_problem_leadin(text) and not re.search(_words()["remedy_words"], text):
        return PROBLEM
    return IMPROVEMENT if _patterns()["generic_remedy"].search(text) else None


def _nothing(text: str) -> bool:
    """"无。" / "暂无。": the section says there is nothing to report; an item (labelled other)."""
    return _body(text) in _words()["nothing_to_report"]


def _acts_later(text: str) -> bool:
    """A remedy lead-in followed by a plan (将/要/会 …), not a shortcoming that merely starts with 针对/今后."""
    return re.search(r"将|要|会|拟|计划|力争|着力|继续|进一步|加强|加大", text) is not None


def split_items(section_text: str) -> tuple[list[str], list[str]]:
    """Problem items and improvement items of a section-五 text, each verbatim (hard wraps joined)."""
    problems: list[str] = []
    improvements: list[str] = []
    for kind, text in assign(units(section_text)):
        (problems if kind == PROBLEM else improvements).append(text.strip(_SEPARATORS))
    return problems, improvements
