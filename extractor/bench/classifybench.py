"""Cold-start speed of ``nianbao classify`` on a 1,000-item section-五 text, for docs/BENCHMARKS.md.

    python -m extractor.bench classify --runs 3        # 500 problems + 500 improvements, one core

The items are the corpus's own clauses (``annotations/items.jsonl``) numbered 1．-30． under the
two halves' headings; every run is a fresh process pinned to one core, so imports, the jieba
dictionary and the model load are all counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
HALF = 500


def section_text(corpus: Path) -> str:
    """A section 五 with HALF problem and HALF improvement items (corpus wording, one per line)."""
    from extractor.text.nlp import normalize, strip_list_marker

    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]

    def bodies(kind: str) -> list[str]:
        texts = [strip_list_marker(normalize(r["text"])).replace("\n", "").rstrip("；。;") for r in rows if r["kind"] == kind]
        return (texts * (HALF // max(len(texts), 1) + 1))[:HALF]

    lines = ["五、存在的主要问题及改进情况", "（一）存在的主要问题"]
    lines += [f"{i % 30 + 1}．{t}。" for i, t in enumerate(bodies("problem"))]
    lines += ["（二）改进情况"]
    lines += [f"{i % 30 + 1}．{t}。" for i, t in enumerate(bodies("improvement"))]
    return "\n".join(lines) + "\n"


def run_once(path: Path, out_dir: Path) -> tuple[float, float]:
    """(wall, child CPU) seconds of one ``taskset -c 0 nianbao classify`` process."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(["taskset", "-c", "0", NIANBAO, "classify", str(path), "--out-dir", str(out_dir)], check=True, timeout=120)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench classify")
    parser.add_argument("--corpus", type=Path, default=Path("annotations/items.jsonl"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "items1000.txt"
        path.write_text(section_text(args.corpus), encoding="utf-8")
        print(f"load average {os.getloadavg()[0]:.2f}")
        for _ in range(args.runs):
            wall, cpu = run_once(path, Path(tmp) / "out")
            record = json.loads((Path(tmp) / "out" / "items1000.json").read_text(encoding="utf-8"))
            items = len(record["problems"]) + len(record["improvements"])
            print(f"{items} items: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
