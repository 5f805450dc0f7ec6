"""Rebuild the section-五 model from annotations/: real items, split by agency, thresholds on validation.

- Data: the primary annotation of every real passage (``annotations/real``, hold-out checked); the
  generated bank (``annotations/items.jsonl``) is extra training data only when it helps on real
  validation items (out-of-fold on the train side); it is never evaluated on.
- Split: whole agencies go to test (a hash of the agency name, TEST_SHARE of them), so no passage —
  and no agency — has items on both sides. The same is repeated with whole passages as the unit.
  Near-duplicate passages (``families``) count as one passage of one agency for both splits.
- Thresholds: per label, on out-of-fold probabilities of the train side (GroupKFold by passage family).
- Scorer: per label a class-balanced logistic regression on features scaled by the label's naive-Bayes
  log-count ratio (NB-LR); the scaling folds into the weights, so they are all inference needs.

Seeded and free of timestamps: two runs on the same annotations give identical files and figures.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.metrics import f1_score
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from extractor.classify.corpus import read_corpus
from extractor.classify.cuewords import cue_tag
from extractor.classify.evaluate import indicator, scores
from extractor.classify.features import build_features, runtime_model
from extractor.classify.holdout import windows
from extractor.classify.model import MODEL_FILE, Model, decide_row, has_chinese
from extractor.classify.realcorpus import RealCorpus, read_real
from extractor.classify.splitcheck import overlap, score_split
from extractor.classify.taxonomy import label_keys
from extractor.errors import DataError
from extractor.resources import data_path

SEED = 13
CV_FOLDS = 5
TEST_SHARE = 0.25
REPEAT_SEEDS = (1, 2, 3, 4, 5, 6, 7)  # further split seeds: how much the test figures move with the draw
NEAR_DUPLICATE = 0.5
LOGREG_C = 10.0
NB_MIX = 0.5  # feature scale per label: NB_MIX x |log-count ratio| + (1 - NB_MIX); 0 = plain tf-idf
NB_ALPHA = 1.0  # smoothing of the per-label feature sums behind the log-count ratio
BANK_WEIGHT = 2.0  # weight of a generated-bank item against a real one (1 real item = 1), chosen on validation
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.05, 0.951, 0.05))
MODEL_VERSION = "2"
COMMAND = "nianbao train --data annotations --out-dir models/section5"
BANK_FILE = "items.jsonl"
REAL_DIR = "real"


@dataclass(frozen=True)
class Example:
    text: str
    labels: tuple[str, ...]
    passage: str
    agency: str  # of the passage's family (see ``families``)
    family: str  # the passage, or the first of the near-duplicate passages it belongs with


@dataclass(frozen=True)
class TrainResult:
    model: Model
    meta: dict
    report: str


def _unit(key: str, seed: int) -> float:
    """A stable pseudo-random number in [0, 1) for a split key (agency or passage)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:12], 16) / float(1 << 48)


def split(examples: list[Example], by: str, seed: int) -> tuple[list[Example], list[Example]]:
    """(train, test): whole agencies (``by='agency'``) or whole passage families (``by='family'``) go to test."""
    test = [e for e in examples if _unit(getattr(e, by), seed) < TEST_SHARE]
    return [e for e in examples if _unit(getattr(e, by), seed) >= TEST_SHARE], test


def fit_scorer(
    texts: list[str], truth: np.ndarray, seed: int, weights: np.ndarray | None = None
) -> tuple[object, np.ndarray, np.ndarray]:
    """Features, then per label a class-balanced logistic regression (``weights`` per item) on the
    features scaled by ``nb_scale``; the scale is folded into the weights, so inference is unchanged.

    The scaling lets a label's own rare words count before regularisation shrinks them: on validation
    (out-of-fold, train sides of 8 agency splits) micro/macro-F1 0.831/0.783 against 0.818/0.772
    for plain tf-idf (docs/benchmarks/section5-model4.md).
    """
    features = build_features().fit(texts)
    x = features.transform(texts).tocsr()
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    coef = np.zeros((truth.shape[1], x.shape[1]))
    intercept = np.full(truth.shape[1], -8.0)
    for j in range(truth.shape[1]):
        y = truth[:, j]
        positives = int(y.sum())
        if positives == 0 or positives == len(y):
            intercept[j] = -8.0 if positives == 0 else 8.0
            continue
        scale = nb_scale(x, y, w)
        fitted = LogisticRegression(C=LOGREG_C, class_weight="balanced", solver="liblinear", random_state=seed).fit(
            x @ sparse.diags(scale), y, sample_weight=weights
        )
        coef[j] = fitted.coef_.ravel() * scale
        intercept[j] = float(fitted.intercept_[0])
    return features, coef, intercept


def nb_scale(x: sparse.csr_matrix, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per feature, NB_MIX x |log ratio of its (smoothed, weighted) share among positives and negatives|
    + (1 - NB_MIX): words that separate the label weigh more, none drops to zero."""
    pos = np.asarray(x[y == 1].T @ weights[y == 1]).ravel() + NB_ALPHA
    neg = np.asarray(x[y == 0].T @ weights[y == 0]).ravel() + NB_ALPHA
    ratio = np.log((pos / pos.sum()) / (neg / neg.sum()))
    return NB_MIX * np.abs(ratio) + (1.0 - NB_MIX)


def fit_model(examples: list[Example], extra: list[Example], seed: int, thresholds: tuple[float, ...] | None = None) -> Model:
    """Real ``examples`` weigh 1 each, ``extra`` (the generated bank) BANK_WEIGHT each."""
    labels = label_keys()
    data = examples + extra
    weights = np.array([1.0] * len(examples) + [BANK_WEIGHT] * len(extra))
    features, coef, intercept = fit_scorer(
        [e.text for e in data], indicator([list(e.labels) for e in data], labels), seed, weights
    )
    return runtime_model(features, coef, intercept, labels, thresholds or (0.5,) * len(labels))


def oof_proba(examples: list[Example], extra: list[Example], seed: int) -> np.ndarray:
    """Out-of-fold probabilities of ``examples`` (folds grouped by passage; ``extra`` always in training)."""
    groups = [e.family for e in examples]
    proba = np.zeros((len(examples), len(label_keys())))
    folds = GroupKFold(n_splits=min(CV_FOLDS, len(set(groups))))
    for fit_idx, val_idx in folds.split(examples, groups=groups):
        model = fit_model([examples[i] for i in fit_idx], extra, seed)
        proba[val_idx] = model.proba([examples[i].text for i in val_idx])
    return proba


def tune_thresholds(proba: np.ndarray, truth: np.ndarray) -> tuple[float, ...]:
    """Per label, the grid threshold with the best validation F1 (ties: nearest 0.5, then lowest)."""
    chosen = []
    for j in range(truth.shape[1]):
        ranked = sorted(THRESHOLD_GRID, key=lambda t: (-_f1(truth[:, j] > 0, proba[:, j] >= t), abs(t - 0.5), t))
        chosen.append(float(ranked[0]))
    return tuple(chosen)


def _f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    hits = float(np.sum(gold & predicted))
    total = float(gold.sum() + predicted.sum())
    return 2 * hits / total if total else 0.0


def _decided(proba: np.ndarray, examples: list[Example], thresholds: tuple[float, ...]) -> list[list[str]]:
    labels = label_keys()
    return [[lab for lab, _ in decide_row(row, labels, thresholds, has_chinese(e.text))] for row, e in zip(proba, examples)]


def validate(examples: list[Example], extra: list[Example], seed: int) -> tuple[tuple[float, ...], dict]:
    """Thresholds and figures from out-of-fold predictions on the train side (the validation split)."""
    labels = label_keys()
    proba = oof_proba(examples, extra, seed)
    thresholds = tune_thresholds(proba, indicator([list(e.labels) for e in examples], labels))
    return thresholds, scores([list(e.labels) for e in examples], _decided(proba, examples, thresholds), labels)


def run_split(train_side: list[Example], test_side: list[Example], extra: list[Example], seed: int) -> tuple[Model, dict]:
    """Validate on the train side, fit on it, then score the model and the cue-word tagger on the test side."""
    labels = label_keys()
    thresholds, validation = validate(train_side, extra, seed)
    model = fit_model(train_side, extra, seed, thresholds)
    gold = [list(e.labels) for e in test_side]
    predicted = [[lab for lab, _ in row] for row in model.tag([e.text for e in test_side])]
    figures = {
        "train_items": len(train_side),
        "train_passages": len({e.passage for e in train_side}),
        "test_items": len(test_side),
        "test_passages": len({e.passage for e in test_side}),
        "test_agencies": len({e.agency for e in test_side}),
        "validation": validation,
        "test": scores(gold, predicted, labels),
        "cue_baseline_test": scores(gold, [cue_tag(e.text) for e in test_side], labels),
    }
    return model, figures


def repeated_splits(real: list[Example], extra: list[Example], seed: int, seeds: tuple[int, ...]) -> dict:
    """Test micro/macro-F1 of both split units over ``seed`` and further split seeds (the model seed stays
    ``seed``): a few hundred items make one draw's macro-F1 move by several points, so the spread is reported."""
    out: dict = {"seeds": [seed, *seeds]}
    for unit, by in (("agency", "agency"), ("passage", "family")):
        runs = []
        for split_seed in out["seeds"]:
            figures = run_split(*split(real, by, split_seed), extra, seed)[1]
            runs.append({"seed": split_seed, "test_items": figures["test_items"], **_brief(figures["test"])})
        micro, macro = np.array([r["micro_f1"] for r in runs]), np.array([r["macro_f1"] for r in runs])
        out[unit] = {
            "runs": runs,
            "micro_mean": round(float(micro.mean()), 4), "micro_sd": round(float(micro.std()), 4),
            "macro_mean": round(float(macro.mean()), 4), "macro_sd": round(float(macro.std()), 4),
        }
    return out


def agreement(corpus: RealCorpus) -> dict:
    """Second labelling pass against the first: items relabelled by id (``second-pass.jsonl``) and
    passages split twice (items matched by overlap); kind agreement, per-label kappa and F1."""
    labels = label_keys()
    first, second = [], []
    kinds = unmatched = double_items = 0
    by_id = {i.id: i for found in corpus.items.values() for i in found} | {i.id: i for i in corpus.primary()}
    for item_id, (kind, relabelled) in sorted(corpus.relabelled.items()):
        first.append(list(by_id[item_id].labels))
        second.append(list(relabelled))
        kinds += kind == by_id[item_id].kind
    for gold, other in corpus.second_pass().values():
        double_items += len(gold)
        used: set[int] = set()
        for g in gold:
            best = max(((overlap(g.text, o.text), k) for k, o in enumerate(other) if k not in used), default=(0.0, -1))
            if best[0] < 0.8:
                unmatched += 1
                continue
            used.add(best[1])
            first.append(list(g.labels))
            second.append(list(other[best[1]].labels))
            kinds += g.kind == other[best[1]].kind
    if not first:
        return {"items_matched": 0}
    a, b = indicator(first, labels), indicator(second, labels)
    per_label = {
        label: {
            "kappa": _kappa(a[:, j], b[:, j]),
            "f1": round(float(f1_score(a[:, j], b[:, j], zero_division=0)), 4),
            "support": int(a[:, j].sum()),
        }
        for j, label in enumerate(labels)
    }
    result = scores(first, second, labels)
    return {
        "relabelled_items": len(corpus.relabelled),
        "double_split_passages": len(corpus.second_pass()),
        "double_split_items": double_items,
        "items_matched": len(first),
        "items_unmatched": unmatched,
        "kind_agreement": kinds,
        "micro_f1": result["micro"]["f1"],
        "macro_f1": result["macro_f1"],
        "per_label": per_label,
    }


def _kappa(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cohen's kappa of two 0/1 codings; None when chance agreement is total (a label nobody or everybody used)."""
    observed = float(np.mean(a == b))
    chance = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return None if chance >= 1.0 else round((observed - chance) / (1.0 - chance), 4)


def families(corpus: RealCorpus) -> dict[str, str]:
    """Passage -> first passage of its family: passages sharing NEAR_DUPLICATE of the smaller one's
    16-character windows (the same page from two mirrors, a report copied by another agency) always
    land on the same side of a split, whatever their agency names say."""
    prints = {pid: set(windows(p.text)) for pid, p in sorted(corpus.passages.items())}
    parent = {pid: pid for pid in prints}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            pid = parent[pid]
        return pid

    ids = sorted(prints)
    for n, a in enumerate(ids):
        for b in ids[n + 1:]:
            smaller = min(len(prints[a]), len(prints[b]))
            if smaller and len(prints[a] & prints[b]) >= NEAR_DUPLICATE * smaller:
                ra, rb = sorted((root(a), root(b)))
                parent[rb] = ra
    return {pid: root(pid) for pid in ids}


def _examples(corpus: RealCorpus) -> list[Example]:
    family = families(corpus)
    agencies = {pid: " ".join(p.agency.split()) for pid, p in corpus.passages.items()}
    return [
        Example(i.text, i.labels, i.passage, agencies[family[i.passage]], family[i.passage]) for i in corpus.primary()
    ]


def _bank(path: Path) -> list[Example]:
    return [Example(i.text, i.labels, f"bank:{i.group}", "bank", f"bank:{i.group}") for i in read_corpus(path)]


def _brief(result: dict) -> dict:
    return {"micro_f1": result["micro"]["f1"], "macro_f1": result["macro_f1"]}


def train(data_dir: Path, seed: int = SEED, repeats: tuple[int, ...] = REPEAT_SEEDS) -> TrainResult:
    """Everything above; nothing is written. ``data_dir`` is the annotations folder; ``repeats`` are the
    further split seeds of the spread figures (none: no spread)."""
    from extractor.classify.card import figures_text

    if not data_dir.is_dir():
        raise DataError(f"not an annotations folder (expected {REAL_DIR}/, {BANK_FILE} and holdout.txt)")
    corpus = read_real(data_dir / REAL_DIR)
    real = _examples(corpus)
    bank_path = data_dir / BANK_FILE
    bank = _bank(bank_path) if bank_path.is_file() else []
    train_side, test_side = split(real, "agency", seed)
    choice = {"real_only": _brief(validate(train_side, [], seed)[1])}
    if bank:
        choice["with_bank"] = _brief(validate(train_side, bank, seed)[1])
    use_bank = bool(bank) and (choice["with_bank"]["micro_f1"], choice["with_bank"]["macro_f1"]) > (
        choice["real_only"]["micro_f1"], choice["real_only"]["macro_f1"])
    extra = bank if use_bank else []
    model, by_agency = run_split(train_side, test_side, extra, seed)
    _, by_passage = run_split(*split(real, "family", seed), extra, seed)
    other_side = {}
    if bank:
        _, other = run_split(train_side, test_side, [] if use_bank else bank, seed)
        other_side = {"bank_used": not use_bank, **_brief(other["test"])}
    test_passages = {e.passage for e in test_side}
    levels: dict[str, int] = {}
    for p in corpus.passages.values():
        levels[p.level] = levels.get(p.level, 0) + 1
    years = sorted(p.year for p in corpus.passages.values())
    meta = {
        "model_version": MODEL_VERSION,
        "task": "section-五 item tagging (multi-label)",
        "labels": list(model.labels),
        "thresholds": dict(zip(model.labels, model.thresholds)),
        "seed": seed,
        "cv_folds": CV_FOLDS,
        "test_share": TEST_SHARE,
        "logreg_c": LOGREG_C,
        "nb_mix": NB_MIX,
        "nb_alpha": NB_ALPHA,
        "bank_weight": BANK_WEIGHT,
        "data": {
            "passages": len(corpus.passages),
            "annotated_passages": len({i.passage for i in corpus.primary()}),
            "items": len(real),
            "annotators": {ann: len(items) for ann, items in corpus.items.items()},
            "levels": dict(sorted(levels.items())),
            "years": [years[0], years[-1]] if years else [],
            "agencies": len({e.agency for e in real}),
            "near_duplicate_passages": sorted(pid for pid, first in families(corpus).items() if pid != first),
            "not_verbatim": list(corpus.not_verbatim),
            "bank_items": len(bank),
            "bank_used": use_bank,
            "sha256": _hashes(data_dir),
        },
        "bank_choice_validation": choice,
        "bank_other_choice_test_by_agency": other_side,
        "split_by_agency": by_agency,
        "split_by_passage": by_passage,
        "repeated_splits": repeated_splits(real, extra, seed, repeats) if repeats else {},
        "agreement": agreement(corpus),
        "splitter": {
            "all": score_split(corpus.passages, corpus.primary()).figures(),
            "test_by_agency": score_split(
                {k: v for k, v in corpus.passages.items() if k in test_passages}, corpus.primary()
            ).figures(),
        },
        "libraries": {name: metadata.version(name) for name in ("scikit-learn", "numpy", "scipy", "jieba")},
        "command": COMMAND,
    }
    return TrainResult(model, meta, figures_text(meta))


def _hashes(data_dir: Path) -> dict[str, str]:
    files = sorted((data_dir / REAL_DIR).glob("*.jsonl")) + [data_dir / BANK_FILE, data_dir / "holdout.txt"]
    hashes = {f"annotations/{p.relative_to(data_dir)}": _sha256(p.read_bytes()) for p in files if p.is_file()}
    passages = sorted((data_dir / REAL_DIR / "passages").glob("*.txt"))
    hashes["annotations/real/passages/*.txt"] = _sha256(b"".join(p.name.encode() + p.read_bytes() for p in passages))
    for name in ("userdict.txt", "taxonomy.json", "items.json"):
        hashes[f"extractor/data/{name}"] = _sha256(data_path(name).read_bytes())
    return hashes


def write(result: TrainResult, out_dir: Path, package_copy: bool = True) -> list[Path]:
    """model.npz, meta.json and MODEL_CARD.md in ``out_dir``; the package's copy refreshed if writable.

    In the repository ``models/section5/model.npz`` is a symlink to the packaged file, so the
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
