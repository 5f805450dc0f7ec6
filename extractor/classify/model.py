"""The trained section-五 tagger: features, one linear scorer per label, per-label thresholds.

Run time is light: the tf-idf features, then one sparse product and a logistic function (the
per-label logistic regressions' weights; no calibration object exists at run time).

The bundle (one skops file) is validated on load: only the types in TRUSTED_TYPES are read (no code
runs), the labels must equal the packaged taxonomy's, there is one finite threshold in (0, 1) per
label, and the weight matrix must have one row per label and one column per feature the vectorizers
produce. Any mismatch is a DataError (exit 8), never a wrong answer.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from extractor.classify.taxonomy import OTHER, label_keys
from extractor.errors import DataError

MODEL_FILE = "model.skops"
BUNDLE_FORMAT = 2
_CJK = re.compile(r"[\u4e00-\u9fff]")
TRUSTED_TYPES = [
    "extractor.classify.features.Segmenter",
    "extractor.classify.features.TextCleaner",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "numpy.float64",
    "numpy.int64",
]


@dataclass(frozen=True)
class Model:
    features: Pipeline
    coef: np.ndarray  # (labels, features): logit weights
    intercept: np.ndarray  # (labels,)
    labels: tuple[str, ...]
    thresholds: tuple[float, ...]

    def proba(self, texts: list[str]) -> np.ndarray:
        """Probability per item and label, shape (len(texts), len(labels))."""
        return self.proba_of(self.vectors(texts))

    def proba_of(self, vectors) -> np.ndarray:
        """``proba`` from feature rows already computed by ``vectors`` (segmentation is the slow part)."""
        if vectors.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        logits = np.clip(np.asarray(vectors @ self.coef.T) + self.intercept, -50.0, 50.0)
        return 1.0 / (1.0 + np.exp(-logits))

    def decide(self, proba: np.ndarray, texts: list[str]) -> list[list[tuple[str, float]]]:
        """Labels over their threshold, best first (see ``decide_row``); text with no Chinese is ``other``."""
        return [decide_row(row, self.labels, self.thresholds, has_chinese(t)) for row, t in zip(proba, texts)]

    def tag(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """``decide`` over ``proba``: the labels of each text, best first."""
        return self.decide(self.proba(texts), texts)

    def vectors(self, texts: list[str]):
        """The tf-idf feature rows (L2-normalised per block): the scorer's input, also used for similarity."""
        return self.features.transform(texts)

    def save(self, folder: Path) -> Path:
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        if path.is_symlink():
            path = path.resolve()
        bundle = {
            "format": BUNDLE_FORMAT,
            "features": _slim(self.features),
            "coef": np.asarray(self.coef, dtype=np.float64),
            "intercept": np.asarray(self.intercept, dtype=np.float64),
            "labels": list(self.labels),
            "thresholds": [float(t) for t in self.thresholds],
        }
        partial = path.with_name(path.name + ".partial")
        sio.dump(bundle, partial, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        os.replace(partial, path)
        return path


def has_chinese(text: str) -> bool:
    """Whether ``text`` has a CJK ideograph: the taxonomy's topics are only recognised in Chinese."""
    return _CJK.search(text) is not None


def decide_row(
    row: np.ndarray, labels: tuple[str, ...], thresholds: tuple[float, ...], content: bool = True
) -> list[tuple[str, float]]:
    """Topical labels over their threshold, best first.

    When none passes, a clause with content keeps its best topical label if that outranks ``other``
    (a reader tags every substantive clause with something); otherwise the item is ``other``.
    """
    scores = {label: float(p) for label, p in zip(labels, row)}
    if not content:
        return [(OTHER, round(scores.get(OTHER, 0.0), 4))]
    passed = [lab for lab, thr in zip(labels, thresholds) if lab != OTHER and scores[lab] >= thr]
    if not passed:
        best = max((lab for lab in labels if lab != OTHER), key=lambda lab: scores[lab])
        if scores[best] < scores.get(OTHER, 0.0):
            return [(OTHER, round(scores.get(OTHER, 0.0), 4))]
        passed = [best]
    return sorted(((lab, round(scores[lab], 4)) for lab in passed), key=lambda pair: (-pair[1], pair[0]))


def _vectorizers(features: Pipeline) -> list:
    return [
        step.steps[-1][1] if isinstance(step, Pipeline) else step
        for _, step in features.named_steps["union"].transformer_list
    ]


def _slim(features: Pipeline) -> Pipeline:
    """Drop the vectorizers' ``stop_words_`` (every pruned n-gram): introspection only, most of the file."""
    for vectorizer in _vectorizers(features):
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
    return features


def feature_count(features: Pipeline) -> int:
    """Columns the fitted vectorizers produce (the weight matrix must have as many)."""
    return sum(len(v.vocabulary_) for v in _vectorizers(features))


def validate_bundle(bundle: object, file: Path) -> Model:
    """A Model from a loaded bundle, or a DataError naming what does not fit."""
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise DataError(f"model {file} is not a format-{BUNDLE_FORMAT} section-五 bundle (run `nianbao train`)")
    try:
        labels = tuple(str(x) for x in bundle["labels"])
        thresholds = tuple(float(t) for t in bundle["thresholds"])
        coef = np.asarray(bundle["coef"], dtype=np.float64)
        intercept = np.asarray(bundle["intercept"], dtype=np.float64)
        features = bundle["features"]
        columns = feature_count(features)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"model {file} is incomplete: {exc}") from exc
    if labels != label_keys():
        raise DataError(f"model {file} labels {list(labels)} do not match taxonomy.json {list(label_keys())}")
    if len(thresholds) != len(labels) or not all(0.0 < t < 1.0 for t in thresholds):
        raise DataError(f"model {file} has {len(thresholds)} thresholds for {len(labels)} labels, or one outside (0, 1)")
    if coef.shape != (len(labels), columns) or intercept.shape != (len(labels),):
        raise DataError(
            f"model {file} weights {coef.shape}/{intercept.shape} do not fit {len(labels)} labels x {columns} features"
        )
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
        raise DataError(f"model {file} has non-finite weights")
    return Model(features, coef, intercept, labels, thresholds)


def load_model(path: Path) -> Model:
    """Read a skops bundle with the explicit trusted-type list, then validate it (see module docstring)."""
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    file = path / MODEL_FILE if path.is_dir() else path
    try:
        bundle = sio.load(file, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException as exc:
        raise DataError(f"model {file} contains untrusted types: {exc}") from exc
    except Exception as exc:
        raise DataError(f"model {file} is unreadable: {exc}") from exc
    return validate_bundle(bundle, file)
