"""The label set, read from the packaged taxonomy.json (keys as in docs/spec/taxonomy.md)."""

from __future__ import annotations

from functools import cache

from extractor.resources import load_json

OTHER = "other"


@cache
def label_keys() -> tuple[str, ...]:
    """All keys in taxonomy order, ``other`` last."""
    return tuple(entry["key"] for entry in load_json("taxonomy.json")["labels"])


@cache
def cue_lists() -> dict[str, tuple[str, ...]]:
    """Cue phrases per label (``other`` has none)."""
    return {e["key"]: tuple(e["cues"]) for e in load_json("taxonomy.json")["labels"] if e["cues"]}
