"""The trained section-五 tagger: pipeline, label order and per-label thresholds in one skops file.

Loading never executes code: skops reads only the types listed in TRUSTED_TYPES, anything else in
the file is a DataError. The label keys must equal the packaged taxonomy's.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from extractor.classify.features import build_features
from extractor.classify.taxonomy import OTHER, label_keys
from extractor.errors import DataError

MODEL_FILE = "model.skops"
_CJK = re.compile(r"[\u4e00-\u9fff]")
TRUSTED_TYPES = [
    "extractor.classify.features.Segmenter",
    "extractor.classify.features.TextCleaner",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.svm._classes.LinearSVC",
    "numpy.float64",
]


def build_pipeline(seed: int, c: float = 2.0) -> Pipeline:
    """Features, then one linear SVM per label with a sigmoid fitted on its 3-fold out-of-fold scores.

    ``ensemble=False`` keeps one SVM per label (fitted on all data) instead of one per fold: a third
    of the file, and in cross-validation on the train split it scored no worse.
    """
    svm = LinearSVC(C=c, class_weight="balanced", max_iter=10000, random_state=seed)
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False)
    return Pipeline([("features", build_features()), ("clf", OneVsRestClassifier(calibrated))])


@dataclass(frozen=True)
class Model:
    pipeline: Pipeline
    labels: tuple[str, ...]
    thresholds: tuple[float, ...]

    def proba(self, texts: list[str]) -> np.ndarray:
        """Calibrated probability per item and label, shape (len(texts), len(labels))."""
        return self.proba_of(self.vectors(texts))

    def proba_of(self, vectors) -> np.ndarray:
        """``proba`` from feature rows already computed by ``vectors`` (segmentation is the slow part)."""
        if vectors.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        return np.asarray(self.pipeline.named_steps["clf"].predict_proba(vectors), dtype=float)

    def decide(self, proba: np.ndarray, texts: list[str]) -> list[list[tuple[str, float]]]:
        """Labels over their threshold, best first (see ``decide_row``); text with no Chinese is ``other``."""
        return [decide_row(row, self.labels, self.thresholds, has_chinese(t)) for row, t in zip(proba, texts)]

    def tag(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """``decide`` over ``proba``: the labels of each text, best first."""
        return self.decide(self.proba(texts), texts)

    def vectors(self, texts: list[str]):
        """The tf-idf feature rows (L2-normalised per block): the classifier's input, also used for similarity."""
        return self.pipeline.named_steps["features"].transform(texts)

    def save(self, folder: Path) -> Path:
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        if path.is_symlink():
            path = path.resolve()
        bundle = {"pipeline": _slim(self.pipeline), "labels": list(self.labels), "thresholds": list(self.thresholds)}
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


def _slim(pipeline: Pipeline) -> Pipeline:
    """Drop the vectorizers' ``stop_words_`` (every pruned n-gram): introspection only, most of the file."""
    for step in pipeline.named_steps["features"].named_steps["union"].transformer_list:
        vectorizer = step[1].steps[-1][1] if isinstance(step[1], Pipeline) else step[1]
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
    return pipeline


def load_model(path: Path) -> Model:
    """Read a skops bundle with the explicit trusted-type list; reject foreign types and label drift."""
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    file = path / MODEL_FILE if path.is_dir() else path
    try:
        bundle = sio.load(file, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException as exc:
        raise DataError(f"model {file} contains untrusted types: {exc}") from exc
    except Exception as exc:
        raise DataError(f"model {file} is unreadable: {exc}") from exc
    labels = tuple(bundle["labels"])
    if labels != label_keys():
        raise DataError(f"model {file} labels {list(labels)} do not match taxonomy.json {list(label_keys())}")
    return Model(bundle["pipeline"], labels, tuple(float(t) for t in bundle["thresholds"]))
