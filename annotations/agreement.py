"""Agreement between the first labelling pass and the blind second pass over a sample of real items.

    python annotations/agreement.py        prints kind agreement, per-label Cohen's kappa and micro-F1

The second annotator saw only the item texts and their passages (second-pass-sample.jsonl), never the
first pass's labels. The figure is the ceiling a model can be expected to reach on these labels.
"""

from __future__ import annotations

import json
from pathlib import Path

REAL = Path(__file__).resolve().parent / "real"


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if chance == 1 else (observed - chance) / (1 - chance)


def main() -> None:
    first = {d["id"]: d for path in sorted(REAL.glob("items-*.jsonl")) for d in _read(path)}
    second = _read(REAL / "second-pass.jsonl")
    pairs = [(first[d["id"]], d) for d in second]
    print(f"items compared: {len(pairs)}")
    print(f"kind agreement: {sum(a['kind'] == b['kind'] for a, b in pairs)}/{len(pairs)}")
    labels = sorted({label for a, b in pairs for label in (*a["labels"], *b["labels"])})
    tp = fp = fn = 0
    print(f"{'label':28s} {'pass1':>5s} {'pass2':>5s} {'kappa':>6s}")
    for label in labels:
        x = [label in a["labels"] for a, _ in pairs]
        y = [label in b["labels"] for _, b in pairs]
        tp += sum(p and q for p, q in zip(x, y))
        fp += sum(q and not p for p, q in zip(x, y))
        fn += sum(p and not q for p, q in zip(x, y))
        print(f"{label:28s} {sum(x):5d} {sum(y):5d} {_kappa(x, y):6.2f}")
    print(f"micro-F1 between passes: {2 * tp / (2 * tp + fp + fn):.3f}")
    exact = sum(set(a["labels"]) == set(b["labels"]) for a, b in pairs)
    print(f"identical label sets: {exact}/{len(pairs)}")


if __name__ == "__main__":
    main()
