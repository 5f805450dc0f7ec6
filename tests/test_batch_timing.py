"""The batch throughput measurement (``extractor.bench.batchtime``) on a real two-worker batch command."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from extractor.batch import read_records
from extractor.bench.batchtime import run_batch

EXAMPLES = Path(__file__).resolve().parents[1] / "extractor" / "data" / "examples"


@pytest.mark.slow
def test_the_steady_window_starts_after_each_workers_first_file_and_counts_every_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("000_edc6b01eb9fc2c4b.txt", "001_3d7541172e71114f.txt", "002_39b0fcea5e7e8854.txt",
                 "003_6fdc59809926cd60.txt", "004_51aabc94d70baff8.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "extractor", "extract", str(folder), "--out", str(out), "--jobs", "2"]
    run = run_batch(cmd, out, jobs=2)
    assert run.files == len(read_records(out)) == 5
    assert list(run.arrivals) == sorted(run.arrivals) and run.arrivals[-1] <= run.wall
    assert run.window == pytest.approx(run.arrivals[-1] - run.arrivals[1])
    assert len(run.worker_main_cpu) == 2, "both pool workers are found and read at the window's edges"
    # three files ran in the window: the workers' CPU in it is theirs, not the start-up's (warm text files
    # cost well under a second each) and no more than two cores' worth of the window
    assert 0 < run.worker_cpu < min(3.0, 2 * run.window + 0.05)
    for cpu, wait, sleep in zip(run.worker_main_cpu, run.worker_wait, run.worker_sleep):
        assert cpu > 0 and wait >= 0 and sleep > -0.05, "counters read at the moments the lines appeared"
    assert run.quiet_rate >= run.rate > 0
