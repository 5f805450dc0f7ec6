"""The real corpus (annotations/real/): published section-五 passages and their hand-split items.

Layout (written by the annotators, read here):
- ``passages*.jsonl``: one passage a line: id, source, agency, level, year, file (text verbatim);
- ``items-<annotator>.jsonl``: one hand-split item a line: id, passage, text (verbatim span), kind,
  labels (taxonomy keys).

Every passage is checked against the evaluation hold-out (``annotations/holdout.txt``) as it is
read: a reserved passage makes the whole corpus a DataError, it is never silently used or dropped.
A passage split by two annotators has one primary annotation (the annotator named on the passage
line, else the first file in name order); the other is a second pass used for agreement, as is
``second-pass.jsonl`` (id, kind, labels: a blind relabelling of a sample of items).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from extractor.classify.holdout import is_held_out, read_prints
from extractor.classify.taxonomy import label_keys
from extractor.errors import DataError

LEVELS = ("central", "province", "city", "county", "township")
KINDS = ("problem", "improvement")
HOLDOUT_FILE = "holdout.txt"
SECOND_PASS_FILE = "second-pass.jsonl"


@dataclass(frozen=True)
class Passage:
    id: str
    source: str
    agency: str
    level: str
    year: int
    text: str
    annotator: str


@dataclass(frozen=True)
class RealItem:
    id: str
    passage: str
    text: str
    kind: str
    labels: tuple[str, ...]
    annotator: str


@dataclass(frozen=True)
class RealCorpus:
    passages: dict[str, Passage]
    items: dict[str, list[RealItem]]  # annotator -> items
    not_verbatim: tuple[str, ...]
    relabelled: dict[str, tuple[str, tuple[str, ...]]]  # item id -> (kind, labels) of a blind second pass

    def primary(self) -> list[RealItem]:
        """Per passage, the items of its primary annotator, in file order."""
        return [i for ann, items in sorted(self.items.items()) for i in items if self._primary_of(i.passage) == ann]

    def second_pass(self) -> dict[str, tuple[list[RealItem], list[RealItem]]]:
        """Passages split by two annotators: passage id -> (primary items, other items)."""
        result = {}
        for pid in self.passages:
            by = {ann: [i for i in items if i.passage == pid] for ann, items in self.items.items()}
            done = [ann for ann, items in sorted(by.items()) if items]
            if len(done) >= 2:
                first = self._primary_of(pid)
                other = next(a for a in done if a != first)
                result[pid] = (by[first], by[other])
        return result

    def _primary_of(self, pid: str) -> str:
        named = self.passages[pid].annotator
        have = sorted(ann for ann, items in self.items.items() if any(i.passage == pid for i in items))
        return named if named in have else (have[0] if have else named)


def _rows(path: Path) -> list[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append((number, json.loads(line)))
            except ValueError as exc:
                raise DataError(f"{path}:{number}: not JSON ({exc})") from exc
    return rows


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_passages(folder: Path, prints: frozenset[str]) -> dict[str, Passage]:
    """Every passage of ``passages*.jsonl``; a held-out, duplicate or malformed one is a DataError."""
    root = folder.parent.parent if folder.name == "real" else folder
    passages: dict[str, Passage] = {}
    for path in sorted(folder.glob("passages*.jsonl")):
        for number, row in _rows(path):
            try:
                file = root / row["file"] if not Path(row["file"]).is_absolute() else Path(row["file"])
                if not file.is_file():
                    file = folder / "passages" / Path(row["file"]).name
                text = file.read_text(encoding="utf-8")
                passage = Passage(str(row["id"]), str(row["source"]), str(row["agency"]), str(row["level"]),
                                  int(row["year"]), text, str(row.get("annotator", "")))
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"{path}:{number}: malformed passage ({exc})") from exc
            except OSError as exc:
                raise DataError(f"{path}:{number}: passage file unreadable ({exc.strerror})") from exc
            if passage.level not in LEVELS:
                raise DataError(f"{path}:{number}: level {passage.level!r} not one of {', '.join(LEVELS)}")
            if passage.id in passages:
                raise DataError(f"{path}:{number}: passage {passage.id} listed twice")
            if is_held_out(text, prints):
                raise DataError(f"{path}:{number}: passage {passage.id} is a held-out evaluation passage; remove it")
            passages[passage.id] = passage
    return passages


def read_items(path: Path, passages: dict[str, Passage]) -> tuple[list[RealItem], list[str]]:
    """One annotator's items, validated; also the ids whose text is not a verbatim span of its passage."""
    annotator = path.stem.split("-", 1)[1] if "-" in path.stem else path.stem
    known = set(label_keys())
    items, drift, seen = [], [], set()
    for number, row in _rows(path):
        try:
            item = RealItem(str(row["id"]), str(row["passage"]), str(row["text"]), str(row["kind"]),
                            tuple(row["labels"]), annotator)
        except (KeyError, TypeError) as exc:
            raise DataError(f"{path}:{number}: malformed item ({exc})") from exc
        if item.passage not in passages:
            raise DataError(f"{path}:{number}: item {item.id} names unknown passage {item.passage}")
        if item.kind not in KINDS:
            raise DataError(f"{path}:{number}: kind {item.kind!r} must be problem or improvement")
        if not item.labels or set(item.labels) - known:
            raise DataError(f"{path}:{number}: labels {list(item.labels)} not in taxonomy.json")
        if item.id in seen:
            raise DataError(f"{path}:{number}: item id {item.id} repeated")
        seen.add(item.id)
        if _squash(item.text) not in _squash(passages[item.passage].text):
            drift.append(item.id)
        items.append(item)
    return items, drift


def read_real(folder: Path, holdout: Path | None = None) -> RealCorpus:
    """The whole real corpus under ``folder`` (annotations/real), hold-out checked on every passage."""
    prints = read_prints(holdout or folder.parent / HOLDOUT_FILE)
    passages = read_passages(folder, prints)
    items: dict[str, list[RealItem]] = {}
    drift: list[str] = []
    for path in sorted(folder.glob("items-*.jsonl")):
        found, off = read_items(path, passages)
        items[found[0].annotator if found else path.stem] = found
        drift += off
    if not any(items.values()):
        raise DataError(f"{folder}: no annotated items (items-<annotator>.jsonl)")
    return RealCorpus(passages, items, tuple(drift), read_second_pass(folder / SECOND_PASS_FILE, items))


def read_second_pass(path: Path, items: dict[str, list[RealItem]]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The blind second labelling pass over a sample (id, kind, labels); none when the file is absent."""
    if not path.is_file():
        return {}
    known_ids = {i.id for found in items.values() for i in found}
    known = set(label_keys())
    result = {}
    for number, row in _rows(path):
        try:
            item_id, kind, labels = str(row["id"]), str(row["kind"]), tuple(row["labels"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"{path}:{number}: malformed second-pass label ({exc})") from exc
        if item_id not in known_ids or kind not in KINDS or not labels or set(labels) - known:
            raise DataError(f"{path}:{number}: unknown item {item_id} or kind/labels not in the taxonomy")
        result[item_id] = (kind, labels)
    return result
