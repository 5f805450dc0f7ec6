"""MODEL_CARD.md and the figures ``nianbao train`` prints, both rendered from meta.json (never disagree)."""

from __future__ import annotations


def _pair(result: dict) -> str:
    micro = result["micro"]
    return f"{micro['precision']:.3f} | {micro['recall']:.3f} | {micro['f1']:.3f} | {result['macro_f1']:.3f}"


def _per_label(split: dict, thresholds: dict) -> str:
    test, base = split["test"], split["cue_baseline_test"]
    rows = [
        f"| `{label}` | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
        f"{base['per_label'][label]['f1']:.3f} | {row['support']} | {thresholds[label]:.2f} |"
        for label, row in test["per_label"].items()
    ]
    return "\n".join(["| label | P | R | F1 | cue-word F1 | test n | threshold |", "|---|---|---|---|---|---|---|", *rows])


def _split_table(name: str, split: dict) -> str:
    return "\n".join(
        [
            f"**{name}**: {split['test_items']} test items from {split['test_passages']} passages "
            f"({split['test_agencies']} agencies); trained on {split['train_items']} items from "
            f"{split['train_passages']} passages.",
            "",
            "| | micro-P | micro-R | micro-F1 | macro-F1 |",
            "|---|---|---|---|---|",
            f"| trained model, test | {_pair(split['test'])} |",
            f"| cue-word tagger, test | {_pair(split['cue_baseline_test'])} |",
            f"| trained model, validation (out-of-fold, train side) | {_pair(split['validation'])} |",
        ]
    )


def _kappa(row: dict) -> str:
    return "n/a" if row["kappa"] is None else f"{row['kappa']:.3f}"


def _agreement(agr: dict) -> str:
    if not agr.get("items_matched"):
        return "No item has a second labelling pass yet: no agreement figure."
    rows = [f"| `{label}` | {_kappa(row)} | {row['f1']:.3f} | {row['support']} |" for label, row in agr["per_label"].items()]
    return "\n".join(
        [
            f"{agr['items_matched']} items labelled twice, blind to each other: {agr['relabelled_items']} relabelled "
            f"by id (`annotations/real/second-pass.jsonl`), and the items of {agr['double_split_passages']} passages "
            f"split twice that matched (character overlap >= 0.8; {agr['items_unmatched']} of "
            f"{agr['double_split_items']} split differently). Same kind: {agr['kind_agreement']} of "
            f"{agr['items_matched']}. Labels of pass 2 against pass 1: micro-F1 {agr['micro_f1']:.3f}, "
            f"macro-F1 {agr['macro_f1']:.3f}: the ceiling for any model on these labels.",
            "",
            "| label | Cohen's kappa | F1 | pass-1 n |",
            "|---|---|---|---|",
            *rows,
        ]
    )


def _splitter(fig: dict, name: str) -> str:
    return (
        f"| {name} | {fig['gold_items']} | {fig['found']} ({100 * fig['found_rate']:.1f}%) | {fig['extra']} | "
        f"{fig['kind_right']} ({100 * fig['kind_right_rate']:.1f}%) |"
    )


def _repeated(rep: dict) -> list[str]:
    """The spread over split seeds, both units; nothing when training ran without repeats."""
    if not rep:
        return []
    def seeds(unit: str, key: str) -> str:
        return " / ".join(f"{run[key]:.3f}" for run in rep[unit]["runs"])

    rows = [
        f"| by {unit} | {seeds(unit, 'micro_f1')} | {rep[unit]['micro_mean']:.3f} ± {rep[unit]['micro_sd']:.3f} | "
        f"{seeds(unit, 'macro_f1')} | {rep[unit]['macro_mean']:.3f} ± {rep[unit]['macro_sd']:.3f} |"
        for unit in ("agency", "passage")
    ]
    return [
        "",
        f"Test figures over {len(rep['seeds'])} split seeds ({', '.join(map(str, rep['seeds']))}; the first is the split above; "
        "thresholds chosen again on each train side, model seed and bank choice as above):",
        "",
        "| split | micro-F1 per seed | micro-F1 mean ± sd | macro-F1 per seed | macro-F1 mean ± sd |",
        "|---|---|---|---|---|",
        *rows,
    ]


def figures_text(meta: dict) -> str:
    """The figures section: what ``nianbao train`` prints and the card shows, verbatim."""
    data, choice, other = meta["data"], meta["bank_choice_validation"], meta["bank_other_choice_test_by_agency"]
    bank_rows = [f"| real items only | {choice['real_only']['micro_f1']:.3f} | {choice['real_only']['macro_f1']:.3f} |"]
    if "with_bank" in choice:
        bank_rows.append(f"| real + generated bank (weight {meta.get('bank_weight', 1.0)}) | {choice['with_bank']['micro_f1']:.3f} | {choice['with_bank']['macro_f1']:.3f} |")
    bank_note = (
        f"Generated bank as extra training data: {'used' if data['bank_used'] else 'not used'} (chosen on validation)."
        + (
            f" The other choice ({'with' if other['bank_used'] else 'without'} the bank) scores micro-F1 "
            f"{other['micro_f1']:.3f}, macro-F1 {other['macro_f1']:.3f} on the same test split (by agency)."
            if other else ""
        )
    )
    return "\n".join(
        [
            f"Real corpus: {data['items']} items from {data['annotated_passages']} passages, {data['agencies']} agencies, "
            f"years {data['years'][0]}-{data['years'][1]}, levels {', '.join(f'{k} {v}' for k, v in data['levels'].items())}.",
            "",
            "### Item tagging on real items (test splits; no passage or agency on both sides)",
            "",
            _split_table("Split by agency (the shipped model)", meta["split_by_agency"]),
            "",
            _split_table("Split by passage", meta["split_by_passage"]),
            *_repeated(meta.get("repeated_splits", {})),
            "",
            "Validation micro/macro-F1 (out-of-fold on the train side of the agency split) deciding the bank:",
            "",
            "| training data | micro-F1 | macro-F1 |",
            "|---|---|---|",
            *bank_rows,
            "",
            bank_note,
            "",
            "Per label, split by agency:",
            "",
            _per_label(meta["split_by_agency"], meta["thresholds"]),
            "",
            "### Item splitting against the hand split (extractor.text.items)",
            "",
            "| passages | gold items | found | extra | kind right |",
            "|---|---|---|---|---|",
            _splitter(meta["splitter"]["all"], "all annotated"),
            _splitter(meta["splitter"]["test_by_agency"], "test side (by agency)"),
            "",
            "### Agreement between two labelling passes",
            "",
            _agreement(meta["agreement"]),
        ]
    )


def model_card(meta: dict) -> str:
    libs = ", ".join(f"{k} {v}" for k, v in meta["libraries"].items())
    hashes = "\n".join(f"- `{path}`: `{digest}`" for path, digest in meta["data"]["sha256"].items())
    return f"""# Model card: section-五 issue tagger (model version {meta['model_version']})

Tags each item of section 五 (存在的主要问题及改进情况) of a government information-disclosure
annual report with the issue categories of `docs/spec/taxonomy.md` (14 keys plus `other`,
multi-label). Problems and improvements are tagged by the same model; improvements are tagged by
the problem they target.

## Rebuild

```
{meta['command']}
```

Seed {meta['seed']}; two runs on the same annotations give identical thresholds and figures, and
the command prints the "Figures" section below verbatim.

## Data

Real section-五 passages from published reports (`annotations/real/`, see its README and
`annotations/guidelines.md`): each passage with its source, agency, level and year, split into
items and labelled by hand. Every passage is checked against the evaluation hold-out
(`annotations/holdout.txt`, digests of reserved passages) when the corpus is read; a reserved
passage stops the build. The generated clause bank (`annotations/items.jsonl`, our own wording)
is only ever extra training data, used when it improves validation on real items.

## Method

- Split: {100 * meta['test_share']:.0f}% of agencies (by a seeded hash of the name) form the test side;
  the figures are repeated with passages as the unit. Near-duplicate passages (half of the smaller
  one's 16-character windows shared: mirrors, copied reports) count as one passage of one agency
  ({len(meta['data']['near_duplicate_passages'])} such passages). Nothing on the test side is used
  for any choice.
- Features: tf-idf of jieba words (domain dictionary) and of character 1-2-grams, sublinear tf,
  after width folding and list-marker removal.
- Scorer: per label a class-balanced logistic regression (liblinear, C={meta['logreg_c']}) on the
  features scaled by the label's naive-Bayes log-count ratio (NB-LR: scale = {meta.get('nb_mix', 0.0)} x |ratio| +
  {1 - meta.get('nb_mix', 0.0):g}, smoothing {meta.get('nb_alpha', 1.0)}); the scale is folded into the weights, so inference
  is one sparse product and a logistic function, no calibration step. Plain tf-idf LR matched a
  LinearSVC with Platt's sigmoid on validation; the NB scaling and C were chosen on validation too.
- Thresholds: per label, the best F1 on out-of-fold probabilities of the train side
  ({meta['cv_folds']}-fold `GroupKFold` by passage): the validation split. `other` alone when it
  passes its threshold and outranks every topical label; if no topical label passes, an item with
  Chinese text keeps its best topical label when it outranks `other`.
- Generated bank, when used: each bank item weighs {meta.get('bank_weight', 1.0)} against a real item's 1 in the
  fit (chosen on validation averaged over the train sides of the 8 agency split seeds).
- Shipped model: the one evaluated, i.e. fitted on the train side of the agency split (plus the
  bank when chosen); the test-side items are not in it.
- Bundle checks on load: plain arrays only (`numpy.load(allow_pickle=False)`, nothing runs); labels equal `taxonomy.json`; one threshold in
  (0, 1) per label; weights of shape labels x features; otherwise exit 8.

## Figures

{figures_text(meta)}

## Limits

- About six hundred real items: per-label figures on the test side rest on small counts (see n);
  labels with no test item show 0, and macro-F1 (over the labels present in a test side) moves by
  several points from one split draw to the next (see the spread over split seeds).
- 253 of the real items (55 passages, annotator t) come from one archive (平潭综合实验区's
  departments and 片区, 2012-2024): the corpus leans to that locality and to city/county level.
- The splitter's figure is in-sample: its rules were written while reading the annotated passages.
  On passages it had not seen it found 61.7% (rules of the first hour, 68 later passages), 91.3%
  (annotator s's 8 passages), 97.0% (annotator t's first 44 passages, 193 of 199, kind right 97.4%)
  and 94.1% (t's next 11 passages, 48 of 51, kind right 100%); see docs/benchmarks/section5.md.
- The shipped model is fitted on the train side of the agency split only (the evaluated model);
  refitting on every real item would use a quarter more data but leave it without a held-out figure.

## Files and hashes

{hashes}

Libraries: {libs}.
"""
