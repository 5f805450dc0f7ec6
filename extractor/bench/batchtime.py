"""Batch throughput from inside one batch command: when each result line appears, and what the workers did.

A batch command's wall time is a fixed start-up (parent, fork server warm-up, each worker's first file
importing the PDF stack) plus the files. Taking the difference of two whole commands' walls (n and 2n
files) to remove the start-up subtracts two noisy figures; here the start-up is cut off inside one run
instead: the results file is watched, and the *steady window* runs from the line that completes the
last worker's first file (line ``jobs``) to the last line. Throughput once started is the files
finished in that window per second of it, tail imbalance included.

Each worker's threads are read from ``/proc/PID/task/*/schedstat`` at the window's edges (its end: the
last line at which the workers could still be read, as the pool may exit within ms of it): time on a
core, time runnable but waiting for one (other processes' load), and the rest, asleep (waiting for
work or I/O: structural idleness). Runqueue wait is what a loaded machine adds; scaling the window by
the share of their runnable time the workers actually ran estimates it on idle cores. (With the
kernel's autogroups, a loaded machine gives a batch command about one session's share of the cores
however many workers it runs, so wall ratios under load mean nothing.)
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

NS = 1e-9
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass(frozen=True, slots=True)
class Sched:
    """One worker's counters (seconds): CPU of all its threads, and its main thread's CPU and runqueue wait."""

    cpu: float
    main_cpu: float
    main_wait: float


@dataclass(frozen=True, slots=True)
class BatchRun:
    jobs: int
    files: int
    wall: float
    cpu: float
    arrivals: tuple[float, ...]
    window: float
    worker_cpu: float
    worker_main_cpu: tuple[float, ...]
    worker_wait: tuple[float, ...]
    worker_sleep: tuple[float, ...]
    peak_mb: float
    load: float

    @property
    def steady_files(self) -> int:
        return self.files - self.jobs

    @property
    def rate(self) -> float:
        """Files per second once every worker has finished its first file."""
        return self.steady_files / self.window

    @property
    def quiet_rate(self) -> float:
        """The same on idle cores, estimated: each worker ran for ``cpu / (cpu + wait)`` of the time it could
        have run (the rest, other processes held the cores), so the window shrinks by the workers' mean share.
        The whole window is scaled, the tail (one worker idle while the other ends) included, which
        shrinks with the files on idle cores too; time asleep for other reasons is printed apart."""
        shares = [cpu / (cpu + wait) for cpu, wait in zip(self.worker_main_cpu, self.worker_wait)]
        return self.steady_files / (self.window * sum(shares) / len(shares))

    @property
    def cpu_per_file(self) -> float:
        return self.worker_cpu / self.steady_files


def proc_stats() -> dict[int, tuple[int, float, float]]:
    """pid → (ppid, CPU seconds, RSS MB) for every process now running."""
    stats = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
                                  int(fields[21]) * PAGE_MB)
    return stats


def sched(pid: int) -> Sched | None:
    """A process's counters summed over its threads; None once it is gone."""
    cpu, main = 0.0, (0.0, 0.0)
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as handle:
                run, wait, _ = handle.read().split()
            cpu += int(run) * NS
            if int(tid) == pid:
                main = (int(run) * NS, int(wait) * NS)
    except OSError:
        return None
    return Sched(cpu, *main)


def sample_tree(root: int, stats: dict[int, tuple[int, float, float]], cpu: dict[int, float],
                peak: dict[int, float]) -> None:
    """Note the CPU and the largest RSS so far of ``root`` and every process below it."""
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, (ppid, _, _) in stats.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    for pid in tree & stats.keys():
        cpu[pid] = stats[pid][1]
        peak[pid] = max(peak.get(pid, 0.0), stats[pid][2])


def workers_of(root: int, stats: dict[int, tuple[int, float, float]]) -> set[int]:
    """Pool workers: grandchildren of the command (children of its fork server)."""
    children = {pid for pid, (ppid, _, _) in stats.items() if ppid == root}
    return {pid for pid, (ppid, _, _) in stats.items() if ppid in children}


class Watcher(threading.Thread):
    """Polls the results file's size every few ms (one ``stat``) and /proc for the workers every 50 ms;
    reads the workers' counters only when a line appears, so that it costs the cores almost nothing."""

    def __init__(self, root: int, out: Path, start: float) -> None:
        super().__init__(daemon=True)
        self.root, self.out, self.start_time = root, out, start
        self.arrivals: list[float] = []
        self.at_line: list[dict[int, Sched]] = []
        self.workers: set[int] = set()
        self.cpu: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        size, last_scan = 0, 0.0
        while not self.done.is_set():
            now = time.perf_counter()
            if now - last_scan >= 0.05:
                self._scan()
                last_scan = now
            try:
                grown = os.stat(self.out).st_size
            except OSError:
                grown = size
            if grown != size:
                with open(self.out, "rb") as handle:
                    handle.seek(size)
                    lines = handle.read(grown - size).count(b"\n")
                size = grown
                if not self.workers:  # a line came before the 50 ms scan found the pool (fast files)
                    self._scan()
                snapshot = {pid: got for pid in self.workers if (got := sched(pid)) is not None}
                for _ in range(lines):
                    self.arrivals.append(now - self.start_time)
                    self.at_line.append(snapshot)
            self.done.wait(0.004)

    def _scan(self) -> None:
        stats = proc_stats()
        sample_tree(self.root, stats, self.cpu, self.peak)
        self.workers |= workers_of(self.root, stats)


def run_batch(cmd: list[str], out: Path, jobs: int) -> BatchRun:
    """One whole batch command writing ``out``; its steady window as described above."""
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = Watcher(proc.pid, out, start)
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    watcher.done.set()
    watcher.join()
    if os.waitstatus_to_exitcode(status) not in (0, 10):
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.strip()[-300:]}")
    files = len(watcher.arrivals)
    if files <= jobs:
        raise RuntimeError(f"a batch of {files} files has no steady window with --jobs {jobs}")
    first = watcher.at_line[jobs - 1]
    # the pool may have exited by the time the last line is seen: read the workers at the last line they were
    end = max(i for i in range(jobs - 1, files) if watcher.at_line[i].keys() >= first.keys())
    last = watcher.at_line[end]
    both = sorted(first.keys() & last.keys())
    window = watcher.arrivals[-1] - watcher.arrivals[jobs - 1]
    main = tuple(last[p].main_cpu - first[p].main_cpu for p in both)
    wait = tuple(last[p].main_wait - first[p].main_wait for p in both)
    read = watcher.arrivals[end] - watcher.arrivals[jobs - 1]
    sleep = tuple(read - c - w for c, w in zip(main, wait))
    unreaped = sum(cpu for pid, cpu in watcher.cpu.items() if pid != proc.pid)
    return BatchRun(
        jobs=jobs,
        files=files,
        wall=wall,
        cpu=max(usage.ru_utime + usage.ru_stime, watcher.cpu.get(proc.pid, 0.0) + unreaped),
        arrivals=tuple(watcher.arrivals),
        window=window,
        worker_cpu=sum(last[p].cpu - first[p].cpu for p in both),
        worker_main_cpu=main,
        worker_wait=wait,
        worker_sleep=sleep,
        peak_mb=max([usage.ru_maxrss / 1024, *watcher.peak.values()]),
        load=os.getloadavg()[0],
    )
