"""The baseline: a tagger that fires a label when one of its taxonomy cue phrases occurs verbatim."""

from __future__ import annotations

from extractor.classify.model import clean
from extractor.classify.taxonomy import OTHER, cue_lists


def cue_tag(text: str) -> list[str]:
    """Labels whose cues occur in ``text`` (taxonomy order); ``other`` when none does."""
    cleaned = clean(text)
    hits = [label for label, cues in cue_lists().items() if any(cue in cleaned for cue in cues)]
    return hits or [OTHER]
