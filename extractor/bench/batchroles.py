"""Where a batch command's CPU goes, by process role, for two or more code trees in alternation.

    python -m extractor.bench.batchroles --n 12 --rounds 3 OLD_TREE NEW_TREE

Each tree is a folder holding an ``extractor`` package (a checkout, or ``git archive COMMIT extractor``
unpacked); its batch runs as ``python -m extractor extract FOLDER --out ... --jobs J`` with PYTHONPATH
set to it, on the same generated text PDFs, trees and ``--jobs`` values taken in turn so that all meet
the same load. CPU per role is what a loaded machine can still compare (walls are printed but only
mean something on idle cores): the parent (and how much of it ran before the fork server existed,
i.e. in series with the server's warm-up), the fork server's warm-up, and the workers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from extractor.bench.batchtime import proc_stats
from extractor.bench.speed import batch_pdfs


@dataclass(frozen=True, slots=True)
class Roles:
    wall: float
    parent: float
    parent_before_server: float
    server: float
    workers: float


def _family(root: int, stats: dict[int, tuple[int, float, float]]) -> set[int]:
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, (ppid, _, _) in stats.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return tree & stats.keys()


def run_roles(tree: Path, folder: Path, out: Path, jobs: int) -> Roles:
    """One whole batch command, sampled from /proc every 20 ms."""
    out.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "extract", str(folder), "--out", str(out), "--jobs", str(jobs)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir())
    cpu: dict[int, float] = {}
    parent_of: dict[int, int] = {}
    before_server: float | None = None
    while proc.poll() is None:
        stats = proc_stats()
        for pid in _family(proc.pid, stats):
            parent_of[pid], cpu[pid] = stats[pid][0], stats[pid][1]
        if before_server is None and any(ppid == proc.pid for ppid in parent_of.values()):
            before_server = cpu.get(proc.pid, 0.0)
        time.sleep(0.02)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 10):
        raise RuntimeError(f"batch with {tree} exited {proc.returncode}")
    children = {pid for pid, ppid in parent_of.items() if ppid == proc.pid}
    workers = {pid for pid, ppid in parent_of.items() if ppid in children}
    servers = {parent_of[pid] for pid in workers}
    return Roles(wall, cpu.get(proc.pid, 0.0), before_server or 0.0, sum(cpu[p] for p in servers), sum(cpu[p] for p in workers))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench.batchroles", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path, help="folders each holding an extractor package")
    parser.add_argument("--n", type=int, default=12, help="text PDFs in the batch")
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = batch_pdfs(Path(tmp), args.n)
        got: dict[tuple[int, int], list[Roles]] = {}
        for _ in range(args.rounds):
            for index, tree in enumerate(args.trees):
                for jobs in args.jobs:
                    got.setdefault((index, jobs), []).append(run_roles(tree.resolve(), folder, Path(tmp) / "out.jsonl", jobs))
    print(f"batch of {args.n} text PDFs, median of {args.rounds}; load average now {os.getloadavg()[0]:.1f}")
    print(f"{'tree':40s} {'jobs':>4s} {'wall s':>7s} {'parent':>7s} {'(before server)':>15s} {'server':>7s} {'workers':>8s}")
    for (index, jobs), runs in sorted(got.items()):
        med = {field: statistics.median(getattr(r, field) for r in runs) for field in Roles.__dataclass_fields__}
        print(f"{str(args.trees[index])[-40:]:40s} {jobs:4d} {med['wall']:7.2f} {med['parent']:7.2f} "
              f"{med['parent_before_server']:15.2f} {med['server']:7.2f} {med['workers']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
