"""Speed against the plain engines, in one process tree and one run: ``python -m extractor.bench speed``.

Every figure is a whole process started cold, as a user or a batch worker meets it; CPU is user+sys of
the process and its children (``os.wait4``), peak memory the largest single process's RSS.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from extractor.bench.batchtime import BatchRun, proc_stats, run_batch, sample_tree

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
PLAIN_CAMELOT = "import sys, camelot; camelot.read_pdf(sys.argv[1], pages='all', flavor='lattice')"
PLAIN_RAPIDOCR = """
import sys
import numpy as np, pypdfium2 as pdfium
from rapidocr import RapidOCR
threads = int(sys.argv[3]) if len(sys.argv) > 3 else -1
engine = RapidOCR(params={"EngineConfig.onnxruntime.intra_op_num_threads": threads,
                          "EngineConfig.onnxruntime.inter_op_num_threads": threads})
doc = pdfium.PdfDocument(sys.argv[1])
for page in doc:
    engine(np.asarray(page.render(scale=float(sys.argv[2]) / 72).to_pil().convert("RGB")))
"""


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float


class TreeSampler(threading.Thread):
    """Samples a process tree from /proc: workers of a pool are not always reaped by the process we
    started (a fork server is their parent), so ``wait4`` alone would miss them."""

    def __init__(self, root: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.cpu: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sample_tree(self.root, proc_stats(), self.cpu, self.peak)
            self.done.wait(self.every)


def measure(cmd: list[str]) -> Run:
    """One cold process: wall time, CPU of its whole tree, and the largest RSS of any one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 10):
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-300:]}")
    waited = usage.ru_utime + usage.ru_stime
    unreaped = sum(cpu for pid, cpu in sampler.cpu.items() if pid != proc.pid)
    cpu = max(waited, sampler.cpu.get(proc.pid, 0.0) + unreaped)
    peak = max([usage.ru_maxrss / 1024, *sampler.peak.values()])
    return Run(wall, cpu, peak)


def median(cmd: list[str], runs: int) -> Run:
    return median_of([measure(cmd) for _ in range(runs)])


def median_of(got: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in got), statistics.median(r.cpu for r in got), max(r.peak_mb for r in got))


def nianbao(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor", *args]


def text_pdf(work: Path, pages: int) -> Path:
    """A text PDF of about ``pages`` pages made the way agencies make them when that generator exists."""
    try:
        from extractor.bench.office import build_office_corpus
    except ImportError:
        return EXAMPLES / "synthetic_pdf_2021_00007.pdf"
    items = build_office_corpus(work / "office", 1, 7, "2021")
    return Path(items[0].pdf)


def scan_of(pdf: Path, out: Path, dpi: int) -> Path:
    """An image-only copy of ``pdf`` at ``dpi``, as a flatbed scan would give."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in doc]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out


def batch_pdfs(work: Path, n: int) -> Path:
    from extractor.bench.corpus import write_corpus

    folder = work / f"batch{n}"
    write_corpus(folder, n, kinds=["pdf"], seed=500)
    return folder


def pages_of(pdf: Path) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(pdf))


def _row(name: str, run: Run, base: Run | None = None) -> str:
    ratio = f"{run.cpu / base.cpu:5.2f}×" if base else "      "
    return f"{name:44s} {run.wall:7.2f} {run.cpu:7.2f} {ratio} {run.peak_mb:8.0f}"


def scan_part(pdf: Path, work: Path, dpi: int, runs: int) -> None:
    """A scan against one plain RapidOCR pass per page (its defaults; and on one thread, as nianbao
    runs it), then the peak memory of a batch worker on scans.

    The three are run in turn, ``runs`` rounds, so that each round meets the same load: the plain
    pass's own CPU moves by several seconds from run to run (its default threads spin while they
    wait), so a ratio is only worth its median over rounds.
    """
    scan = scan_of(pdf, work / "scan.pdf", dpi)
    plain = [sys.executable, "-c", PLAIN_RAPIDOCR, str(scan), str(dpi)]
    cmds = {"plain": plain, "one": [*plain, "1"], "ours": nianbao("extract", str(scan))}
    got: dict[str, list[Run]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            got[name].append(measure(cmd))
    ocr = median_of(got["plain"])
    print(_row("RapidOCR, one pass per page, scan", ocr))
    print(_row("RapidOCR on one thread (ratio to above)", median_of(got["one"]), ocr))
    print(_row("nianbao extract, scan (ratio to RapidOCR)", median_of(got["ours"]), ocr))
    rounds = " ".join(f"{o.cpu / p.cpu:.2f}" for o, p in zip(got["ours"], got["plain"]))
    print(f"nianbao / RapidOCR CPU, round by round: {rounds}")
    scans = work / "scans"
    scans.mkdir()
    for i in range(2):
        scan_of(pdf, scans / f"scan{i}.pdf", dpi + 10 * i)
    run = measure(nianbao("extract", str(scans), "--out", str(work / "scans.jsonl"), "--jobs", "2"))
    print(_row("batch of 2 scans, --jobs 2 (peak = largest worker)", run))


def text_part(pdf: Path, work: Path, runs: int, batch_n: int, batch_rounds: int) -> None:
    """Cold CLI on text inputs, a text PDF against camelot alone, batch throughput on text PDFs."""
    for label, path in (("text dump", EXAMPLES / "002_39b0fcea5e7e8854.txt"),
                        ("HTML page", EXAMPLES / "synthetic_html_2021_00009.html"),
                        ("DOCX", EXAMPLES / "synthetic_docx_2019_00008.docx")):
        print(_row(f"nianbao extract, {label}", median(nianbao("extract", str(path)), runs)))
    camelot = median([sys.executable, "-c", PLAIN_CAMELOT, str(pdf)], runs)
    print(_row("camelot lattice alone, text PDF", camelot))
    print(_row("nianbao extract, text PDF (ratio to camelot)", median(nianbao("extract", str(pdf)), runs), camelot))
    batch_part(work, batch_rounds, batch_n)


def batch_part(work: Path, rounds: int, n: int) -> None:
    """Batch throughput on ``n`` text PDFs, ``--jobs 1`` against ``--jobs 2``, in ``rounds`` paired rounds
    (the order of the pair alternates, so that both settings meet the same load on average).

    Two figures, both files per second: the whole command (a fixed start-up included, which ``--jobs 2``
    cannot halve, so this ratio grows with n) and once started (``batchtime``: the files after each
    worker's first, timed from the results file inside the same run). Each ratio is per round, printed
    as median and range. Under load the walls say nothing (the kernel shares the cores by session, so a
    batch gets about one session's share whatever its workers); the idle-core estimate and two cores'
    worth of the CPU per file say what idle cores would give.
    """
    folder = batch_pdfs(work, n)
    got: dict[int, list[BatchRun]] = {1: [], 2: []}
    for index in range(rounds):
        for jobs in (1, 2) if index % 2 == 0 else (2, 1):
            out = work / f"jobs{jobs}.jsonl"
            got[jobs].append(run_batch(nianbao("extract", str(folder), "--out", str(out), "--jobs", str(jobs)), out, jobs))
    for jobs, runs_ in got.items():
        print(_row(f"batch of {n} text PDFs, --jobs {jobs}", median_of([Run(r.wall, r.cpu, r.peak_mb) for r in runs_])))
    for index, pair in enumerate(zip(got[1], got[2])):
        print(f"round {index + 1}: " + "; ".join(
            f"--jobs {r.jobs} first line {r.arrivals[0]:.2f} s, {r.steady_files} files in {r.window:.2f} s "
            f"({r.rate:.2f}/s), CPU {r.cpu_per_file:.3f} s/file, runqueue wait {_share(r.worker_wait, r.window)}, "
            f"asleep {_share(r.worker_sleep, r.window)}, last line to exit {r.wall - r.arrivals[-1]:.2f} s, "
            f"load {r.load:.1f}" for r in pair))
    ratios = {
        f"whole batch of {n} (files/s)": [a.wall / b.wall for a, b in zip(got[1], got[2])],
        f"once started ({n} - jobs files)": [b.rate / a.rate for a, b in zip(got[1], got[2])],
        "once started, idle cores (estimate)": [b.quiet_rate / a.quiet_rate for a, b in zip(got[1], got[2])],
        "2 x CPU per file --jobs 1 / --jobs 2": [2 * a.cpu_per_file / b.cpu_per_file for a, b in zip(got[1], got[2])],
    }
    for name, values in ratios.items():
        print(f"batch throughput --jobs 2 / --jobs 1, {name:40s} median {statistics.median(values):.2f}x, "
              f"range {min(values):.2f}-{max(values):.2f} over {len(values)} rounds")
    print(_whole_batch_model(got))
    print(f"load average now {os.getloadavg()[0]:.2f}")


def _whole_batch_model(got: dict[int, list[BatchRun]]) -> str:
    """A whole command is a start-up S (its wall less its files at the steady rate) plus n files at that
    rate: the ratio of whole commands reaches 1.8x only from n = (1.8 S2 - S1) / (1/r1 - 1.8/r2) files."""
    start = {jobs: statistics.median(r.wall - r.files / r.rate for r in runs_) for jobs, runs_ in got.items()}
    rate = {jobs: statistics.median(r.rate for r in runs_) for jobs, runs_ in got.items()}
    text = (f"start-up (wall less the files at the steady rate; walls: idle cores only): --jobs 1 {start[1]:.2f} s, "
            f"--jobs 2 {start[2]:.2f} s")
    slope = 1 / rate[1] - 1.8 / rate[2]
    if slope <= 0:
        return text + "; once started below 1.8x, so no batch size reaches 1.8x whole"
    return text + f"; whole commands reach 1.8x from about {max(0.0, (1.8 * start[2] - start[1]) / slope):.0f} files"


def _share(seconds: tuple[float, ...], window: float) -> str:
    """Each worker's part of the window, in per cent."""
    return "/".join(f"{max(0.0, 100 * s / window):.0f}%" for s in seconds)  # a few ms below 0: the reads lag


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.bench speed")
    parser.add_argument("--runs", type=int, default=3, help="median of this many cold runs")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--batch-n", type=int, default=24, help="text PDFs in the batch throughput test")
    parser.add_argument("--batch-rounds", type=int, default=5, help="paired --jobs 1/2 rounds of the batch test")
    parser.add_argument("--only", choices=["all", "text", "scan", "batch"], default="all", help="run one part only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf = text_pdf(work, 6) if args.only != "batch" else None
        if pdf is not None:
            print(f"text PDF: {pdf.name} ({pages_of(pdf)} pages); scan: {args.dpi} dpi; runs: {args.runs}")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        print(f"{'':44s} {'wall s':>7s} {'CPU s':>7s} {'ratio':>6s} {'peak MB':>8s}")
        if pdf is not None and args.only in ("all", "text"):
            text_part(pdf, work, args.runs, args.batch_n, args.batch_rounds)
        if args.only == "batch":
            batch_part(work, args.batch_rounds, args.batch_n)
        if pdf is not None and args.only in ("all", "scan"):
            scan_part(pdf, work, args.dpi, args.runs)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
