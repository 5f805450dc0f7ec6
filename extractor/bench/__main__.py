"""``python -m extractor.bench {text|scans|office|bulk|classify|hostile|speed|items|realdocs|prints|pictures} [options]``: the project's benchmarks."""

from __future__ import annotations

import importlib
import sys

SUITES = {
    "text": "extractor.bench.textbench",
    "scans": "extractor.bench.scanbench",
    "office": "extractor.bench.officebench",
    "bulk": "extractor.bench.batchbench",
    "classify": "extractor.bench.classifybench",
    "hostile": "extractor.bench.hostilerun",
    "speed": "extractor.bench.speed",
    "items": "extractor.bench.itemsbench",
    "realdocs": "extractor.bench.realdocs",
    "prints": "extractor.bench.printbench",
    "pictures": "extractor.bench.webcopies",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in SUITES:
        print(f"usage: python -m extractor.bench {{{'|'.join(SUITES)}}} [options]", file=sys.stderr)
        return 2
    return int(importlib.import_module(SUITES[argv[0]]).main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
