"""The labelled corpus (annotations/items.jsonl): read and validated against the taxonomy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from extractor.classify.taxonomy import label_keys
from extractor.errors import DataError


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    kind: str
    labels: tuple[str, ...]
    split: str
    group: str


def read_corpus(path: Path) -> list[Item]:
    """Every line one item; unknown labels, kinds or splits are a DataError naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"cannot read corpus {path}: {exc.strerror}") from exc
    known = set(label_keys())
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = Item(row["id"], row["text"], row["kind"], tuple(row["labels"]), row["split"], row["groups"][0])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise DataError(f"{path}:{number}: malformed item ({exc})") from exc
        if not item.labels or set(item.labels) - known:
            raise DataError(f"{path}:{number}: labels {list(item.labels)} not in taxonomy.json")
        if item.kind not in ("problem", "improvement") or item.split not in ("train", "test"):
            raise DataError(f"{path}:{number}: kind/split must be problem|improvement and train|test")
        items.append(item)
    return items
