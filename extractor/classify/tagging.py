"""Tag section-五 items and link each improvement to the problems it answers.

Addresses: an improvement answers problem i when they share a predicted topical label, or, if it
shares none with any problem, when their tf-idf vectors (the model's own word + character
features) have cosine similarity >= LINK_SIMILARITY. ``other`` never links.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from extractor.classify.model import Model, load_model
from extractor.classify.taxonomy import OTHER
from extractor.errors import DataError
from extractor.record import Category, Improvement, Problem
from extractor.resources import data_path
from extractor.settings import Settings

PACKAGED_MODEL = "models/model.npz"
LINK_SIMILARITY = 0.3
MAX_ITEM_CHARS = 5000


@cache
def _cached_model(path: str) -> Model:
    return load_model(Path(path))


def get_model(settings: Settings | None = None) -> Model:
    """The model of ``settings.model_path`` or the packaged one, loaded once per process."""
    if settings is not None and settings.model_path is not None:
        return _cached_model(str(settings.model_path))
    packaged = data_path(PACKAGED_MODEL)
    if not packaged.is_file():
        raise DataError("no packaged section-五 model (run `nianbao train`)")
    return _cached_model(str(packaged))


def classify_items(
    problems: list[str], improvements: list[str], settings: Settings | None = None
) -> tuple[list[Problem], list[Improvement]]:
    """Categories for every item (best first) and ``addresses`` for every improvement."""
    if not problems and not improvements:
        return [], []
    model = get_model(settings)
    texts = [t[:MAX_ITEM_CHARS] for t in problems + improvements]
    vectors = model.vectors(texts)
    decided = model.decide(model.proba_of(vectors), texts)
    cats = [[Category(label=lab, score=score) for lab, score in row] for row in decided]
    n = len(problems)
    links = addresses(decided[:n], decided[n:], _cosine(vectors[n:], vectors[:n]))
    return (
        [Problem(text=t, categories=c) for t, c in zip(problems, cats[:n])],
        [Improvement(text=t, categories=c, addresses=a) for t, c, a in zip(improvements, cats[n:], links)],
    )


def addresses(
    problem_tags: list[list[tuple[str, float]]], improvement_tags: list[list[tuple[str, float]]], similarity: np.ndarray
) -> list[list[int]]:
    """Shared topical labels first; lexical similarity only for improvements sharing no label."""
    problem_sets = [_topical(tags) for tags in problem_tags]
    result = []
    for j, tags in enumerate(improvement_tags):
        mine = _topical(tags)
        shared = [i for i, theirs in enumerate(problem_sets) if mine & theirs]
        if not shared and mine:
            shared = [i for i in range(len(problem_sets)) if similarity[j, i] >= LINK_SIMILARITY]
        result.append(shared)
    return result


def _topical(tags: list[tuple[str, float]]) -> set[str]:
    return {label for label, _ in tags if label != OTHER}


def _cosine(a: list[dict[int, float]], b: list[dict[int, float]]) -> np.ndarray:
    """Cosine similarity of sparse rows (each block is L2-normalised, so renormalise the union)."""
    out = np.zeros((len(a), len(b)))
    for i, x in enumerate(a):
        nx = sum(v * v for v in x.values()) ** 0.5
        for j, y in enumerate(b):
            ny = sum(v * v for v in y.values()) ** 0.5
            dot = sum(v * y[k] for k, v in x.items() if k in y)
            out[i, j] = dot / max(nx * ny, 1e-12)
    return out
