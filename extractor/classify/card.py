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

Seed {meta['seed']}; two runs on the same corpus give identical thresholds and figures.

## Model

- Input cleaning: NFKC width folding, hard line breaks and glyph spacing removed, leading list
  marker (一是 / （一） / 1. / 第一，) stripped (`extractor.text.nlp`).
- Features: tf-idf of jieba word unigrams (domain dictionary `extractor/data/userdict.txt`) and
  of character 1-2-grams (min_df 2), sublinear tf. Character 1-3/1-4/1-5/2-5-grams and word
  bigrams scored no better in grouped CV on the train split and multiply the file size.
- Classifier: one-vs-rest; per label one `LinearSVC` (C=2, balanced class weights) fitted on all
  training items, with a sigmoid (Platt) calibration fitted on its 3-fold out-of-fold decision
  values (`CalibratedClassifierCV(ensemble=False)`).
- Decision: a label is returned when its probability reaches its threshold; thresholds are tuned
  per label on out-of-fold probabilities of the train split ({meta["cv_folds"]}-fold `GroupKFold`, grouped by the
  source clause; the test split is never used for any choice). If no topical label passes, a
  clause with Chinese text keeps its best topical label when that outranks `other`; otherwise,
  and always for text without Chinese (empty, English-only), the item is `other`.
- Stored with skops (deflate-compressed, vectorizers' `stop_words_` dropped); loading accepts
  only an explicit list of trusted types and checks the label keys against
  `extractor/data/taxonomy.json`.

## Files

One model file: `extractor/data/models/model.skops` (inside the package, so installed copies find
it). `models/section5/model.skops` is a relative symlink to it; `nianbao train` writes through
the link, so the default command rewrites the single file. `meta.json` (figures, thresholds,
hashes) is kept in both folders; this card lives in `models/section5/`.

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
