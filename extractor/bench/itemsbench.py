"""Section-五 splitting against the hand-split real passages: items found, extra, kind right.

    python -m extractor.bench items [--annotations annotations] [--annotator t] [--list]

Gold: the primary annotation of every passage in ``annotations/real`` (hold-out checked on read).
``--annotator`` keeps one annotator's passages (a batch that arrived after the rules were written);
``--list`` also prints each missed, extra and wrong-kind item.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractor.classify.realcorpus import read_real
from extractor.classify.splitcheck import score_split


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench items")
    parser.add_argument("--annotations", type=Path, default=Path("annotations"))
    parser.add_argument("--annotator", help="only the passages of this annotator (items-<annotator>.jsonl)")
    parser.add_argument("--list", action="store_true", help="print missed, extra and wrong-kind items")
    args = parser.parse_args(argv)
    corpus = read_real(args.annotations / "real")
    gold = [i for i in corpus.primary() if args.annotator in (None, i.annotator)]
    result = score_split(corpus.passages, gold)
    fig = result.figures()
    print(
        f"{len({i.passage for i in gold})} passages, {fig['gold_items']} gold items: "
        f"found {fig['found']} ({100 * fig['found_rate']:.1f}%), extra {fig['extra']}, "
        f"kind right {fig['kind_right']} ({100 * fig['kind_right_rate']:.1f}% of found)"
    )
    if args.list:
        for title, rows in (("missed", result.misses), ("extra", result.extras), ("wrong kind", result.wrong_kind)):
            print(f"\n{title}:")
            print("\n".join(f"  {row}" for row in rows) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
