"""Run the hostile corpus through the real command, each case a subprocess under watch.

    python -m extractor.bench hostile [--work DIR] [--only NAME ...] [--markdown FILE]

A case passes when the command ends with one of the case's exit codes, prints exactly one line on
stderr when it fails (none when it succeeds; batches and loads print their summary), finishes
within 60 s with the process tree's resident memory below 2 GB, leaves every file the user gave
byte-for-byte as it was, and, where the case says so, writes the right record.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil

from extractor.bench.hostile import Case, Outcome, build, render_any

LIMIT_SECONDS = 60.0
LIMIT_MB = 2048.0
GUARD_MB = 4096.0  # the machine's safety net: a run above this is killed (and fails)


@dataclass
class Result:
    case: Case
    outcome: Outcome | None
    problems: list[str]

    @property
    def status(self) -> str:
        if self.case.skip:
            return "skipped"
        return "ok" if not self.problems else "FAIL"


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every regular file and the target of every link under ``folder`` (pipes never opened)."""
    found = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                found[path] = "link:" + os.readlink(path)
            elif stat.S_ISREG(mode):
                try:
                    with open(path, "rb") as handle:
                        found[path] = hashlib.file_digest(handle, "sha256").hexdigest()
                except PermissionError:
                    found[path] = f"unreadable:{os.lstat(path).st_size}:{os.lstat(path).st_mtime_ns}"
    return found


def tree_rss_mb(process: psutil.Process) -> float:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


class Watch(threading.Thread):
    """Samples the resident memory of a process tree every 50 ms; kills the tree above the guard."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, tree_rss_mb(self.process))
            except psutil.Error:
                return
            if self.peak > GUARD_MB:
                _kill_group(self.process.pid)
                return
            self.stop.wait(0.05)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def execute(case: Case) -> Outcome:
    """One run of ``nianbao`` (as ``python -m extractor``) in the case folder, watched."""
    command = [sys.executable, "-m", "extractor", *case.argv]
    sink = open(case.stdout, "w") if case.stdout else None  # noqa: SIM115 - closed below
    umask = case.umask
    start = time.monotonic()
    proc = subprocess.Popen(command, cwd=case.folder, stdout=sink or subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)
    watch = Watch(proc.pid)
    watch.start()
    try:
        out, err = proc.communicate(timeout=LIMIT_SECONDS + 30)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, err = proc.communicate()
        code = None
    finally:
        watch.stop.set()
        watch.join()
        if sink:
            sink.close()
    _kill_group(proc.pid)
    return Outcome(code, (out or b"").decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                   time.monotonic() - start, watch.peak, case.folder)


def judge(case: Case, outcome: Outcome, before: dict[str, str], done: dict[str, Outcome]) -> list[str]:
    """Every rule the case broke, as short phrases."""
    problems = []
    if outcome.code not in case.expect:
        problems.append(f"exit {outcome.code}, expected {'/'.join(map(str, case.expect))}")
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    if "Traceback" in outcome.stderr or "internal error" in outcome.stderr:
        problems.append("traceback or internal error on stderr")
    elif not case.summary and len(lines) != (0 if outcome.code == 0 else 1):
        problems.append(f"{len(lines)} lines on stderr")
    if outcome.seconds > LIMIT_SECONDS:
        problems.append(f"{outcome.seconds:.0f} s")
    if outcome.peak_mb > LIMIT_MB:
        problems.append(f"{outcome.peak_mb:.0f} MB")
    after = snapshot(case.folder)
    changed = [Path(p).name for p, digest in before.items() if after.get(p) != digest]
    if changed:
        problems.append(f"input changed or lost: {', '.join(changed[:3])}")
    if case.verify and outcome.code in case.expect:
        try:
            problem = case.verify(outcome, done)
        except Exception as exc:  # noqa: BLE001 - a verifier that cannot read the output is a failure
            problem = f"output unreadable ({type(exc).__name__}: {exc})"
        if problem:
            problems.append(problem)
    return problems


def run_case(case: Case, done: dict[str, Outcome]) -> Result:
    if case.skip:
        return Result(case, None, [])
    if case.prepare:
        case.prepare(case.folder, done)
    if case.custom:
        ok, detail = case.custom(case.folder)
        return Result(case, None, [] if ok else [detail])
    before = snapshot(case.folder)
    outcome = execute(case)
    done[case.name] = outcome
    return Result(case, outcome, judge(case, outcome, before, done))


def killed_batch(folder: Path) -> tuple[bool, str]:
    """``kill -9`` of a batch's parent mid-run: no worker may outlive it by more than 10 s."""
    for seed in range(4):
        render_any("pdf", folder / "in" / f"r{seed}.pdf", seed)
    command = [sys.executable, "-m", "extractor", "extract", "in", "--out", "r.jsonl", "--jobs", "2"]
    proc = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 3:
        workers = parent.children(recursive=True)
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(10)
    alive = [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    for worker in alive:
        worker.kill()
    if len(workers) < 3:
        return False, f"only {len(workers)} child processes appeared"
    return (not alive), f"{len(alive)} of {len(workers)} child processes still running 10 s after kill -9"


def run(work: Path, only: set[str] | None) -> list[Result]:
    cases = build(work, only)
    if not only or "kill-9-batch" in only:
        folder = work / "kill"
        folder.mkdir(parents=True, exist_ok=True)
        cases.append(Case("kill-9-batch", "batch", [], (), custom=killed_batch, folder=folder))
    done: dict[str, Outcome] = {}
    results = []
    for case in cases:
        result = run_case(case, done)
        results.append(result)
        print(_row(result), flush=True)
    return results


def _row(result: Result) -> str:
    o = result.outcome
    code = "-" if o is None else str(o.code)
    seconds = "-" if o is None else f"{o.seconds:.1f}"
    peak = "-" if o is None else f"{o.peak_mb:.0f}"
    note = result.case.skip or "; ".join(result.problems)
    owner = f" ({result.case.owner})" if result.case.owner and result.problems else ""
    expect = "/".join(map(str, result.case.expect)) or "-"
    return f"| {result.case.name} | {result.case.group} | {expect} | {code} | {seconds} | {peak} | {result.status}{owner} | {note} |"


def summary(results: list[Result]) -> list[str]:
    counts = Counter(r.status for r in results)
    ran = [r.outcome for r in results if r.outcome is not None]
    lines = [
        f"cases: {len(results)}; ok {counts['ok']}, failed {counts['FAIL']}, skipped {counts['skipped']}",
        f"slowest: {max((o.seconds for o in ran), default=0):.1f} s; highest peak (process tree RSS): "
        f"{max((o.peak_mb for o in ran), default=0):.0f} MB",
    ]
    by_group = Counter((r.case.group, r.status) for r in results)
    groups = sorted({r.case.group for r in results})
    lines.append("by group: " + ", ".join(f"{g} {by_group[(g, 'ok')]}/{sum(by_group[(g, s)] for s in ('ok', 'FAIL', 'skipped'))}" for g in groups))
    return lines


HEADER = ["| case | group | expected exit | exit | s | peak MB | result | problems |", "|---|---|---|---|---|---|---|---|"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench hostile")
    parser.add_argument("--work", type=Path, help="folder for the corpus (default: a temporary one)")
    parser.add_argument("--only", nargs="*", help="case names")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="nianbao-hostile-"))
    print(f"corpus in {work}", flush=True)
    print("\n".join(HEADER), flush=True)
    results = run(work, set(args.only) if args.only else None)
    lines = summary(results)
    print("\n".join(lines))
    if args.markdown:
        args.markdown.write_text("\n".join([*HEADER, *map(_row, results), "", *lines]) + "\n", encoding="utf-8")
    return 0 if all(r.status != "FAIL" for r in results) else 1
