"""Imported once by the forkserver that starts local workers: run the pipeline on a small packaged report.

The first report a process extracts pays for importing the engines and loading dictionaries and
models (seconds). Doing it once in the forkserver means every worker is forked warm and shares those
pages copy-on-write. What the warm-up leaves is then frozen out of the garbage collector: a
worker's full collections would otherwise walk, and write to the headers of, every object it
inherited (spaCy, pydantic, the dictionaries), copying those shared pages; the collector took
about a tenth of a warm text PDF's CPU (docs/benchmarks/speed-batch.md). The forkserver only
tolerates ImportError from a preloaded module, so every failure here is swallowed: a cold worker
is slower, never broken.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path


def warm() -> None:
    try:
        from extractor.batch.work import serve_workers

        serve_workers()
        from extractor import pipeline
        from extractor.resources import read_text
        from extractor.settings import Settings

        with tempfile.TemporaryDirectory(prefix="nianbao-warm-") as folder:
            sample = Path(folder) / "warmup_report.txt"
            sample.write_text(read_text("warmup_report.txt"), encoding="utf-8")
            pipeline.run(sample, Settings())
        gc.collect()
        gc.freeze()
    except Exception:  # noqa: BLE001, S110 - warming is an optimisation only
        pass


warm()
