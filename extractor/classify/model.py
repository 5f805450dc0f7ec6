"""The trained section-五 tagger at run time: tf-idf features, one linear scorer per label, thresholds.

Run time needs numpy and jieba only: the bundle (``model.npz``, read with ``allow_pickle=False``, so
no code can run from it) holds the two vocabularies with their idf weights, the per-label logistic
weights and the thresholds. The features are computed here exactly as scikit-learn's
``TfidfVectorizer`` computes them in training (``tests/test_classify.py`` pins the equality), so
training and tagging score with one piece of code.

The bundle is validated on load: the labels must equal the packaged taxonomy's, one finite threshold
in (0, 1) per label, and the weights one row per label and one column per vocabulary entry. Any
mismatch is a DataError (exit 8), never a wrong answer.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extractor.classify.taxonomy import OTHER, label_keys
from extractor.errors import DataError
from extractor.text.nlp import normalize, segment, strip_list_marker

MODEL_FILE = "model.npz"
BUNDLE_FORMAT = 3
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"\S+")
_SPACES = re.compile(r"\s\s+")
_ARRAYS = ("labels", "thresholds", "coef", "intercept", "word_vocab", "word_idf", "char_vocab", "char_idf")


def clean(text: str) -> str:
    """Normalised text without its list marker (the marker carries no topic)."""
    return strip_list_marker(normalize(text))


def words_of(cleaned: str) -> list[str]:
    """jieba words (domain dictionary), lower-cased, as the word vectorizer sees them."""
    return _WORD.findall(" ".join(segment(cleaned)).lower())


def chars_of(cleaned: str) -> list[str]:
    """Character 1- and 2-grams, as the character vectorizer sees them."""
    text = _SPACES.sub(" ", cleaned.lower())
    return [text[i:i + n] for n in (1, 2) for i in range(len(text) - n + 1)]


@dataclass(frozen=True)
class Vocabulary:
    """One tf-idf block: term → column, idf per column, columns after ``offset`` in the union."""

    terms: dict[str, int]
    idf: np.ndarray
    offset: int = 0

    def row(self, tokens: list[str]) -> dict[int, float]:
        """Sublinear tf × idf, L2-normalised within the block (scikit-learn's defaults)."""
        counts = Counter(t for t in tokens if t in self.terms)
        weights = {self.terms[t]: (1.0 + math.log(c)) * float(self.idf[self.terms[t]]) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {self.offset + col: w / norm for col, w in weights.items()}


@dataclass(frozen=True)
class Model:
    words: Vocabulary
    chars: Vocabulary
    coef: np.ndarray  # (labels, features): logit weights
    intercept: np.ndarray  # (labels,)
    labels: tuple[str, ...]
    thresholds: tuple[float, ...]

    def vectors(self, texts: list[str]) -> list[dict[int, float]]:
        """Sparse feature rows (column → weight): the scorer's input, also used for similarity."""
        rows = []
        for text in texts:
            cleaned = clean(text)
            rows.append(self.words.row(words_of(cleaned)) | self.chars.row(chars_of(cleaned)))
        return rows

    def proba_of(self, vectors: list[dict[int, float]]) -> np.ndarray:
        """Probability per item and label, shape (len(vectors), len(labels))."""
        logits = np.tile(self.intercept, (len(vectors), 1))
        for i, row in enumerate(vectors):
            if row:
                cols = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
                vals = np.fromiter(row.values(), dtype=np.float64, count=len(row))
                logits[i] += self.coef[:, cols] @ vals
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))

    def proba(self, texts: list[str]) -> np.ndarray:
        return self.proba_of(self.vectors(texts))

    def decide(self, proba: np.ndarray, texts: list[str]) -> list[list[tuple[str, float]]]:
        """Labels over their threshold, best first (see ``decide_row``); text with no Chinese is ``other``."""
        return [decide_row(row, self.labels, self.thresholds, has_chinese(t)) for row, t in zip(proba, texts)]

    def tag(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """``decide`` over ``proba``: the labels of each text, best first."""
        return self.decide(self.proba(texts), texts)

    def save(self, folder: Path) -> Path:
        """The bundle as plain arrays, written beside its final name and renamed into place."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        if path.is_symlink():
            path = path.resolve()
        partial = path.with_name(path.name + ".partial.npz")
        np.savez_compressed(
            partial, format=np.array(BUNDLE_FORMAT), labels=np.array(self.labels), thresholds=np.array(self.thresholds),
            coef=self.coef.astype(np.float64), intercept=self.intercept.astype(np.float64),
            word_vocab=_ordered(self.words.terms), word_idf=self.words.idf,
            char_vocab=_ordered(self.chars.terms), char_idf=self.chars.idf,
        )
        os.replace(partial, path)
        return path


def _ordered(terms: dict[str, int]) -> np.ndarray:
    """The vocabulary as an array whose index is the column."""
    out = [""] * len(terms)
    for term, col in terms.items():
        out[col] = term
    return np.array(out, dtype=str)


def has_chinese(text: str) -> bool:
    """Whether ``text`` has a CJK ideograph: the taxonomy's topics are only recognised in Chinese."""
    return _CJK.search(text) is not None


def decide_row(
    row: np.ndarray, labels: tuple[str, ...], thresholds: tuple[float, ...], content: bool = True
) -> list[tuple[str, float]]:
    """Topical labels over their threshold, best first.

    ``other`` alone when it passes its own threshold and outranks every topical label (a targetless
    remedy shares words with topical ones, so a low topical threshold is often passed too). When no
    topical label passes, a clause with content keeps its best topical label if that outranks
    ``other`` (a reader tags every substantive clause with something); otherwise the item is ``other``.
    """
    scores = {label: float(p) for label, p in zip(labels, row)}
    other = scores.get(OTHER, 0.0)
    if not content:
        return [(OTHER, round(other, 4))]
    best = max((lab for lab in labels if lab != OTHER), key=lambda lab: scores[lab])
    passed = [lab for lab, thr in zip(labels, thresholds) if lab != OTHER and scores[lab] >= thr]
    if other > scores[best] and (not passed or other >= dict(zip(labels, thresholds)).get(OTHER, 1.0)):
        return [(OTHER, round(other, 4))]
    passed = passed or [best]
    return sorted(((lab, round(scores[lab], 4)) for lab in passed), key=lambda pair: (-pair[1], pair[0]))


def validate_bundle(bundle: dict[str, np.ndarray], file: Path) -> Model:
    """A Model from the arrays of a bundle, or a DataError naming what does not fit."""
    if bundle.get("format") is None or int(bundle["format"]) != BUNDLE_FORMAT:
        raise DataError(f"model {file} is not a format-{BUNDLE_FORMAT} section-五 bundle (run `nianbao train`)")
    missing = [name for name in _ARRAYS if name not in bundle]
    if missing:
        raise DataError(f"model {file} is incomplete: no {', '.join(missing)}")
    labels = tuple(str(x) for x in bundle["labels"])
    thresholds = tuple(float(t) for t in np.atleast_1d(bundle["thresholds"]))
    coef, intercept = np.asarray(bundle["coef"], dtype=np.float64), np.asarray(bundle["intercept"], dtype=np.float64)
    words, chars = bundle["word_vocab"], bundle["char_vocab"]
    if labels != label_keys():
        raise DataError(f"model {file} labels {list(labels)} do not match taxonomy.json {list(label_keys())}")
    if len(thresholds) != len(labels) or not all(0.0 < t < 1.0 for t in thresholds):
        raise DataError(f"model {file} has {len(thresholds)} thresholds for {len(labels)} labels, or one outside (0, 1)")
    columns = len(words) + len(chars)
    if coef.shape != (len(labels), columns) or intercept.shape != (len(labels),) \
            or bundle["word_idf"].shape != (len(words),) or bundle["char_idf"].shape != (len(chars),):
        raise DataError(
            f"model {file} weights {coef.shape}/{intercept.shape} do not fit {len(labels)} labels x {columns} features"
        )
    if not all(np.isfinite(a).all() for a in (coef, intercept, bundle["word_idf"], bundle["char_idf"])):
        raise DataError(f"model {file} has non-finite weights")
    return Model(
        Vocabulary({str(t): i for i, t in enumerate(words)}, np.asarray(bundle["word_idf"], dtype=np.float64)),
        Vocabulary({str(t): i for i, t in enumerate(chars)}, np.asarray(bundle["char_idf"], dtype=np.float64), len(words)),
        coef, intercept, labels, thresholds,
    )


def load_model(path: Path) -> Model:
    """Read a bundle's arrays (never pickles), then validate them (see module docstring)."""
    file = path / MODEL_FILE if path.is_dir() else path
    try:
        with np.load(file, allow_pickle=False) as data:
            bundle = {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"model {file} is unreadable: {exc}") from exc
    return validate_bundle(bundle, file)
