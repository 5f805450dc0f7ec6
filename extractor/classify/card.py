"""MODEL_CARD.md rendered from meta.json, so the card and the figures never disagree."""

from __future__ import annotations


def model_card(meta: dict) -> str:
    test, base, cv = (meta["metrics"][k] for k in ("test", "cue_baseline_test", "train_cv"))
    rows = "\n".join(
        f"| `{label}` | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
        f"{base['per_label'][label]['f1']:.3f} | {row['support']} | {meta['thresholds'][label]:.2f} |"
        for label, row in test["per_label"].items()
    )
    libs = ", ".join(f"{k} {v}" for k, v in meta["libraries"].items())
    data = meta["data"]
    hashes = "\n".join(f"- `{path}`: `{digest}`" for path, digest in data["sha256"].items())
    return f"""# Model card: section-五 issue tagger (model version {meta['model_version']})

Tags each item of section 五 (存在的主要问题及改进情况) of a government information-disclosure
annual report with the issue categories of `docs/spec/taxonomy.md` (14 keys plus `other`,
multi-label). Problems and improvements are tagged by the same model; improvements are tagged by
the problem they target.

## Rebuild

```
{meta['command']}
```

Seed {meta['seed']}; two runs on the same corpus give identical files and figures.

## Model

- Input cleaning: NFKC width folding, hard line breaks and glyph spacing removed, leading list
  marker (一是 / （一） / 1. / 第一，) stripped (`extractor.text.nlp`).
- Features: tf-idf of jieba word unigrams (domain dictionary `extractor/data/userdict.txt`) and
  of character 1-4-grams, sublinear tf.
- Classifier: one-vs-rest; per label a `LinearSVC` (C=2, balanced class weights) calibrated with
  sigmoid (Platt) scaling over 3 internal folds.
- Decision: a label is returned when its probability reaches its threshold; thresholds are tuned
  per label on out-of-fold probabilities of the train split ({meta["cv_folds"]}-fold `GroupKFold`, grouped by the
  source clause). If no topical label passes, the item is `other` with the `other` probability.
- Stored with skops; loading accepts only an explicit list of trusted types and checks the label
  keys against `extractor/data/taxonomy.json`.

## Data

`annotations/items.jsonl`: {data['items']} items ({data['train']} train, {data['test']} test),
written for this project from a hand-written clause bank (`annotations/bank.py`,
`annotations/generate.py`), see `annotations/guidelines.md`. The split is by source clause: no
clause wording of the test split occurs in training. The test split therefore measures
generalisation to new wordings of the same writers' bank, not to real reports; expect lower
figures on real text.

{hashes}

## Results on the held-out test split ({test['items']} items)

| | micro-P | micro-R | micro-F1 | macro-F1 |
|---|---|---|---|---|
| trained model | {test['micro']['precision']:.3f} | {test['micro']['recall']:.3f} | {test['micro']['f1']:.3f} | {test['macro_f1']:.3f} |
| cue-word baseline | {base['micro']['precision']:.3f} | {base['micro']['recall']:.3f} | {base['micro']['f1']:.3f} | {base['macro_f1']:.3f} |
| model, train-split grouped CV | {cv['micro']['precision']:.3f} | {cv['micro']['recall']:.3f} | {cv['micro']['f1']:.3f} | {cv['macro_f1']:.3f} |

The cue-word baseline fires a label when one of its cue phrases from the taxonomy occurs verbatim
(`extractor/classify/cuewords.py`); `other` when none does.

| label | P | R | F1 | baseline F1 | test n | threshold |
|---|---|---|---|---|---|---|
{rows}

## Limits

- Trained on clause-level items; long mixed paragraphs get the union of their topics.
- The corpus is synthetic prose in the register of real reports; the seed reports' items are
  checked by tests (`tests/test_classify.py`), but no large real-report evaluation exists yet.

Libraries: {libs}.
"""
