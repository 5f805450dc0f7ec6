"""Item-level multi-label metrics shared by training, the baseline and the benchmark."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support


def indicator(label_lists: list[list[str]], labels: tuple[str, ...]) -> np.ndarray:
    """0/1 matrix (items x labels) from per-item label lists."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(label_lists), len(labels)), dtype=int)
    for row, names in enumerate(label_lists):
        for name in names:
            matrix[row, index[name]] = 1
    return matrix


def scores(gold: list[list[str]], pred: list[list[str]], labels: tuple[str, ...]) -> dict:
    """Per-label precision/recall/F1/support plus micro and macro figures (rounded to 4 places)."""
    y_true, y_pred = indicator(gold, labels), indicator(pred, labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    per_label = {
        label: {"precision": _r(p[i]), "recall": _r(r[i]), "f1": _r(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    present = [i for i in range(len(labels)) if s[i] > 0]
    macro = f1_score(y_true[:, present], y_pred[:, present], average="macro", zero_division=0)
    return {
        "items": len(gold),
        "micro": {"precision": _r(mp), "recall": _r(mr), "f1": _r(mf)},
        "macro_f1": _r(macro),
        "per_label": per_label,
    }


def table(result: dict, title: str) -> str:
    """A plain-text table of one ``scores`` result, one row per label."""
    lines = [title, f"{'label':28} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}"]
    for label, row in result["per_label"].items():
        lines.append(f"{label:28} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:5d}")
    micro = result["micro"]
    lines.append(f"{'micro':28} {micro['precision']:6.3f} {micro['recall']:6.3f} {micro['f1']:6.3f} {result['items']:5d}")
    lines.append(f"{'macro-F1':28} {'':6} {'':6} {result['macro_f1']:6.3f}")
    return "\n".join(lines)


def _r(value: float) -> float:
    return round(float(value), 4)
