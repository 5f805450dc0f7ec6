"""The trained section-五 tagger: pipeline, label order and per-label thresholds in one skops file.

Loading never executes code: skops reads only the types listed in TRUSTED_TYPES, anything else in
the file is a DataError. The label keys must equal the packaged taxonomy's.
"""

from __future__ import annotations

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
    "sklearn.model_selection._split.StratifiedKFold",
    "builtins.getattr",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
]


def build_pipeline(seed: int, c: float = 2.0) -> Pipeline:
    """Features, then one calibrated linear SVM per label (sigmoid calibration, 3 internal folds)."""
    svm = LinearSVC(C=c, class_weight="balanced", random_state=seed)
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", cv=3)
    return Pipeline([("features", build_features()), ("clf", OneVsRestClassifier(calibrated))])


@dataclass(frozen=True)
class Model:
    pipeline: Pipeline
    labels: tuple[str, ...]
    thresholds: tuple[float, ...]

    def proba(self, texts: list[str]) -> np.ndarray:
        """Calibrated probability per item and label, shape (len(texts), len(labels))."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        return np.asarray(self.pipeline.predict_proba(texts), dtype=float)

    def decide(self, proba: np.ndarray) -> list[list[tuple[str, float]]]:
        """Labels over their threshold, best first; ``other`` only when no topical label passes."""
        return [decide_row(row, self.labels, self.thresholds) for row in proba]

    def vectors(self, texts: list[str]):
        """The tf-idf feature rows (L2-normalised per block) used for lexical similarity."""
        return self.pipeline.named_steps["features"].transform(texts)

    def save(self, folder: Path) -> Path:
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        bundle = {"pipeline": self.pipeline, "labels": list(self.labels), "thresholds": list(self.thresholds)}
        sio.dump(bundle, path)
        return path


def decide_row(row: np.ndarray, labels: tuple[str, ...], thresholds: tuple[float, ...]) -> list[tuple[str, float]]:
    """Apply per-label thresholds to one probability row."""
    scores = {label: float(p) for label, p in zip(labels, row)}
    passed = [lab for lab, thr in zip(labels, thresholds) if lab != OTHER and scores[lab] >= thr]
    if not passed:
        return [(OTHER, round(scores.get(OTHER, 0.0), 4))]
    return sorted(((lab, round(scores[lab], 4)) for lab in passed), key=lambda pair: (-pair[1], pair[0]))


def load_model(path: Path) -> Model:
    """Read a skops bundle with the explicit trusted-type list; reject foreign types and label drift."""
    import skops.io as sio

    file = path / MODEL_FILE if path.is_dir() else path
    try:
        untrusted = set(sio.get_untrusted_types(file=file)) - set(TRUSTED_TYPES)
        if untrusted:
            raise DataError(f"model {file} contains untrusted types: {', '.join(sorted(untrusted))}")
        bundle = sio.load(file, trusted=TRUSTED_TYPES)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(f"model {file} is unreadable: {exc}") from exc
    labels = tuple(bundle["labels"])
    if labels != label_keys():
        raise DataError(f"model {file} labels {list(labels)} do not match taxonomy.json {list(label_keys())}")
    return Model(bundle["pipeline"], labels, tuple(float(t) for t in bundle["thresholds"]))
