"""Rebuild the section-五 model from annotations/: fit, tune thresholds by grouped CV, evaluate, save.

Everything is seeded and free of timestamps, so two runs on the same corpus give identical files
and figures.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, cross_val_predict

from extractor.classify.corpus import Item, read_corpus
from extractor.classify.cuewords import cue_tag
from extractor.classify.evaluate import indicator, scores, table
from extractor.classify.model import MODEL_FILE, Model, build_pipeline, decide_row, has_chinese
from extractor.classify.taxonomy import label_keys
from extractor.resources import data_path

SEED = 13
CV_FOLDS = 5
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.05, 0.951, 0.05))
MODEL_VERSION = "1"
COMMAND = "nianbao train --data annotations/items.jsonl --out-dir models/section5"


@dataclass(frozen=True)
class TrainResult:
    model: Model
    meta: dict
    report: str


def tune_thresholds(proba: np.ndarray, truth: np.ndarray) -> tuple[float, ...]:
    """Per label, the grid threshold with the best out-of-fold F1 (ties: nearest 0.5, then lowest)."""
    chosen = []
    for j in range(truth.shape[1]):
        ranked = sorted(
            THRESHOLD_GRID,
            key=lambda t: (-f1_score(truth[:, j], proba[:, j] >= t, zero_division=0), abs(t - 0.5), t),
        )
        chosen.append(float(ranked[0]))
    return tuple(chosen)


def oof_proba(items: list[Item], labels: tuple[str, ...], seed: int) -> np.ndarray:
    """Out-of-fold probabilities with folds grouped by source clause (no wording in both sides)."""
    folds = GroupKFold(n_splits=min(CV_FOLDS, len({i.group for i in items})))
    return cross_val_predict(
        build_pipeline(seed),
        [i.text for i in items],
        indicator([list(i.labels) for i in items], labels),
        groups=[i.group for i in items],
        cv=folds,
        method="predict_proba",
    )


def fit(items: list[Item], seed: int = SEED) -> tuple[Model, dict]:
    """Thresholds from grouped CV on ``items``, then the final fit on all of them."""
    labels = label_keys()
    truth = indicator([list(i.labels) for i in items], labels)
    proba = oof_proba(items, labels, seed)
    thresholds = tune_thresholds(proba, truth)
    predicted = [[lab for lab, _ in decide_row(row, labels, thresholds, has_chinese(i.text))] for row, i in zip(proba, items)]
    cv = scores([list(i.labels) for i in items], predicted, labels)
    pipeline = build_pipeline(seed).fit([i.text for i in items], truth)
    return Model(pipeline, labels, thresholds), cv


def evaluate(model: Model, items: list[Item]) -> tuple[dict, dict]:
    """The model and the cue-word baseline on the same held-out items."""
    gold = [list(i.labels) for i in items]
    texts = [i.text for i in items]
    predicted = [[lab for lab, _ in row] for row in model.tag(texts)]
    return scores(gold, predicted, model.labels), scores(gold, [cue_tag(t) for t in texts], model.labels)


def train(items_path: Path, seed: int = SEED) -> TrainResult:
    """Fit on the train split, evaluate on the test split; nothing is written."""
    items = read_corpus(items_path)
    train_items = [i for i in items if i.split == "train"]
    test_items = [i for i in items if i.split == "test"]
    model, cv = fit(train_items, seed)
    test, baseline = evaluate(model, test_items)
    meta = {
        "model_version": MODEL_VERSION,
        "task": "section-五 item tagging (multi-label)",
        "labels": list(model.labels),
        "thresholds": dict(zip(model.labels, model.thresholds)),
        "seed": seed,
        "cv_folds": CV_FOLDS,
        "data": {
            "items": len(items),
            "train": len(train_items),
            "test": len(test_items),
            "sha256": {
                "annotations/items.jsonl": _sha256(items_path.read_bytes()),
                "extractor/data/userdict.txt": _sha256(data_path("userdict.txt").read_bytes()),
                "extractor/data/taxonomy.json": _sha256(data_path("taxonomy.json").read_bytes()),
            },
        },
        "metrics": {"test": test, "cue_baseline_test": baseline, "train_cv": cv},
        "libraries": {name: metadata.version(name) for name in ("scikit-learn", "skops", "numpy", "scipy", "jieba")},
        "command": COMMAND,
    }
    report = "\n\n".join(
        [
            table(test, f"trained model, test split ({len(test_items)} items)"),
            table(baseline, "cue-word baseline, test split"),
            f"micro-F1 {test['micro']['f1']:.3f} vs baseline {baseline['micro']['f1']:.3f} "
            f"(+{100 * (test['micro']['f1'] - baseline['micro']['f1']):.1f} points); "
            f"macro-F1 {test['macro_f1']:.3f} vs {baseline['macro_f1']:.3f}",
        ]
    )
    return TrainResult(model, meta, report)


def write(result: TrainResult, out_dir: Path, package_copy: bool = True) -> list[Path]:
    """model.skops, meta.json and MODEL_CARD.md in ``out_dir``; the package's copy refreshed if writable.

    In the repository ``models/section5/model.skops`` is a symlink to the packaged file, so the
    default run writes the one model file once (``Model.save`` writes through the link).
    """
    from extractor.classify.card import model_card

    written = [result.model.save(out_dir)]
    meta_path = out_dir / "meta.json"
    meta_path.write_text(json.dumps(result.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    card_path = out_dir / "MODEL_CARD.md"
    card_path.write_text(model_card(result.meta), encoding="utf-8")
    written += [meta_path, card_path]
    packaged = Path(str(data_path("models")))
    if package_copy:
        packaged.mkdir(parents=True, exist_ok=True)
        for name in (MODEL_FILE, "meta.json"):
            if (packaged / name).resolve() != (out_dir / name).resolve():
                shutil.copyfile(out_dir / name, packaged / name)
                written.append(packaged / name)
    return written


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
