"""Metadata, format and section-五 item counts on the portal gold pages: ``python -m extractor.bench.portalbench DIR``.

DIR holds the pages and ``gold.json`` (tests/fixtures/portal). One line per page, then the share right per field.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from extractor.api import extract
from extractor.errors import NianbaoError
from extractor.settings import Settings

FIELDS = ("agency", "year", "published", "published_source", "format")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m extractor.bench.portalbench DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))["pages"]
    right = dict.fromkeys(FIELDS, 0)
    items = 0
    for name, expected in sorted(gold.items()):
        start = time.perf_counter()
        try:
            report = extract(root / name, Settings(classify=False))
        except NianbaoError as exc:
            print(f"{name}\terror: {exc}")
            continue
        meta = report.metadata.model_dump()
        counts = (len(report.problems), len(report.improvements))
        marks = []
        for field in FIELDS:
            ok = meta[field] == expected[field]
            right[field] += ok
            marks.append(f"{field}={meta[field]}{'' if ok else ' ✗'}")
        items += counts == (expected["problems"], expected["improvements"])
        print(f"{name}\t{time.perf_counter() - start:.2f}s\t" + "\t".join(marks) + f"\titems={counts}")
    print("right: " + ", ".join(f"{f} {v}/{len(gold)}" for f, v in right.items()) + f", items {items}/{len(gold)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
