"""Batch extraction on real generated folders: one line per input, errors as records, resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bulk_helpers import BROKEN, by_sha

from extractor.batch import read_records, run_batch
from extractor.batch.executors import _kill, _new_pool, largest_first, threads_per_worker
from extractor.batch.inputs import Task, make_task, sha256_file
from extractor.batch.results import ResultsFile
from extractor.bench.mixed import write_mixed
from extractor.errors import OutputAccessError
from extractor.record import Report

ERROR_CODES = {"input_file", "encrypted_input", "bad_data"}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("mixed") / "in"
    return folder, write_mixed(folder, 15, seed=7)


def test_mixed_folder_gives_one_line_per_input(mixed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, made = mixed
    out = tmp_path / "results.jsonl"
    summary = run_batch([folder], out, jobs=2)
    records = read_records(out)
    assert sorted(r["source"]["path"] for r in records) == sorted(made)
    assert summary.written == len(made) and summary.failed == sum("error" in r for r in records)
    for record in records:
        path, kind = record["source"]["path"], made[record["source"]["path"]]
        assert record["source"]["sha256"] == sha256_file(path)
        if kind in BROKEN:
            assert record["error"]["code"] in ERROR_CODES, record
            assert record["source"]["kind"] is None
        else:
            assert "error" not in record, record
            Report.model_validate(record)
    encrypted = [r for r in records if made[r["source"]["path"]] == "encrypted"]
    assert encrypted and all(r["error"]["code"] == "encrypted_input" for r in encrypted)
    assert summary.exit_code() == 10


def test_workers_get_the_biggest_files_first(tmp_path: Path) -> None:
    sizes = {"small.html": 10, "scan.pdf": 3000, "text.pdf": 500}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    tasks = [make_task(str(tmp_path / name)) for name in sizes]
    gone = Task(path="gone.pdf", abspath=str(tmp_path / "gone.pdf"), sha256="0")
    assert [Path(t.path).name for t in largest_first([*tasks, gone])] == ["scan.pdf", "text.pdf", "small.html", "gone.pdf"]


def test_workers_start_frozen_and_with_their_share_of_the_cores() -> None:
    """Two workers on two cores run one OpenCV thread each (OpenCV's default is one per core), and the
    objects the fork server warmed are frozen out of their garbage collector."""
    pool = _new_pool(2)
    try:
        threads = pool.submit(eval, "__import__('cv2').getNumThreads()").result(timeout=300)
        frozen = pool.submit(eval, "__import__('gc').get_freeze_count()").result(timeout=60)
    finally:
        _kill(pool)
    assert threads == threads_per_worker(2) == max(1, len(os.sched_getaffinity(0)) // 2)
    assert frozen > 10_000


def test_a_killed_pool_has_closed_its_pipes_before_interpreter_exit() -> None:
    """After ``_kill`` the pool's manager thread is gone: left running, it raced Python's exit hook (a write
    to a pipe it had just closed, printed as an "Exception ignored" traceback after the batch summary)."""
    pool = _new_pool(1)
    assert pool.submit(eval, "1 + 1").result(timeout=300) == 2
    manager = pool._executor_manager_thread
    _kill(pool)
    assert manager is not None and not manager.is_alive()


def test_a_thread_limit_set_by_the_user_is_kept() -> None:
    probe = "import cv2; from extractor.batch.work import limit_threads; limit_threads(1); print(cv2.getNumThreads())"
    env = {**os.environ, "OPENCV_FOR_THREADS_NUM": "3"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.strip() == "3", done.stderr


_SERVER_AT_HASHING = """
import os, sys, time
from pathlib import Path
import extractor.batch.runner as runner
from extractor.batch import run_batch

def forkserver_children():
    mine = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                mine.append(b"forkserver" in (entry / "cmdline").read_bytes())
        except OSError:
            pass
    return any(mine)

hashing = runner.make_tasks
def make_tasks(paths):
    # a just-forked server shows its own command line only once it has exec'd: on a loaded machine
    # that may take a moment after start() returned, so look for it for a few seconds
    for _ in range(50):
        if forkserver_children():
            break
        time.sleep(0.1)
    print("server while hashing:", forkserver_children())
    return hashing(paths)
runner.make_tasks = make_tasks
run_batch([sys.argv[1]], Path(sys.argv[2]), jobs=1)
"""


def test_the_fork_server_warms_up_while_inputs_are_hashed_and_only_if_work_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_bytes(_generated_texts(tmp_path)[0].read_bytes())
    out = tmp_path / "r.jsonl"
    seen = [subprocess.run([sys.executable, "-c", _SERVER_AT_HASHING, str(folder), str(out)], capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    assert [run.stdout.strip() for run in seen] == ["server while hashing: True", "server while hashing: False"], seen
    assert len(read_records(out)) == 1


def test_rerun_does_nothing_and_duplicates_share_one_result(tmp_path: Path) -> None:
    seeds = _generated_texts(tmp_path)
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for i, seed in enumerate(seeds):
        (folder / f"r{i}.txt").write_bytes(seed.read_bytes())
    (folder / "sub" / "copy.txt").write_bytes(seeds[0].read_bytes())
    out = folder / "results.jsonl"
    first = run_batch([folder], out, jobs=1)
    records = read_records(out)
    assert first.written == len(seeds) + 1 == len(records)
    copies = [r for r in records if r["source"]["sha256"] == sha256_file(str(seeds[0]))]
    assert len(copies) == 2 and {c["source"]["path"] for c in copies} == {str(folder / "r0.txt"), str(folder / "sub" / "copy.txt")}
    assert _without_path(copies[0]) == _without_path(copies[1])
    second = run_batch([folder], out, jobs=1)
    assert second.written == 0 and second.skipped == len(records)
    assert read_records(out) == records


def _without_path(record: dict) -> dict:
    return {**record, "source": {**record["source"], "path": None}}


def _generated_texts(tmp_path: Path) -> list[Path]:
    from extractor.bench.synth import random_report, render_text

    paths = []
    for seed in (1, 2):
        path = tmp_path / f"seed{seed}.txt"
        path.write_text(render_text(random_report(seed, "2021")), encoding="utf-8")
        paths.append(path)
    return paths


def test_timeout_turns_into_an_error_record(tmp_path: Path) -> None:
    from extractor.bench.synth import random_report, render_pdf

    pdf = render_pdf(random_report(3, "2021"), tmp_path / "slow.pdf")
    out = tmp_path / "r.jsonl"
    run_batch([pdf], out, jobs=1, timeout=0.001)
    (record,) = read_records(out)
    assert record["error"]["code"] == "engine_failed" and "timed out" in record["error"]["message"]


def test_results_file_is_exclusive_and_torn_tail_is_cut(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    good = json.dumps({"schema_version": "1", "source": {"sha256": "a" * 64}}) + "\n"
    out.write_text(good + '{"schema_version": "1", "source": {"sha256": "bbb', encoding="utf-8")
    with ResultsFile(out) as results:
        assert results.done == {"a" * 64} and results.torn_bytes > 0
        with pytest.raises(OutputAccessError):
            ResultsFile(out).__enter__()
    assert out.read_text(encoding="utf-8") == good


NIANBAO = str(Path(sys.executable).with_name("nianbao"))


@pytest.mark.slow
def test_resume_after_kill_redoes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    made = write_mixed(folder, 12, seed=11)
    out = tmp_path / "results.jsonl"
    command = [NIANBAO, "extract", str(folder), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        _wait_for_lines(out, 2, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    first = read_records(out)
    assert 2 <= len(first) < len(made), "the batch must be killed midway"
    with out.open("a", encoding="utf-8") as handle:
        handle.write('{"schema_version": "1", "source": {"path": "torn')
    done = subprocess.run(command, timeout=300, stderr=subprocess.DEVNULL)
    assert done.returncode in (0, 10)
    final = read_records(out)
    shas = [(r["source"]["sha256"], r["source"]["path"]) for r in final]
    assert len(shas) == len(set(shas)) == len(made)
    assert final[: len(first)] == first
    assert by_sha(out).keys() == {(sha256_file(p), p) for p in made}


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return
        time.sleep(0.02)
    raise AssertionError(f"batch wrote fewer than {n} lines (exit {proc.poll()})")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _descendants(pid: int) -> list[int]:
    children = _children(pid)
    return children + [d for child in children for d in _descendants(child)]


@pytest.mark.slow
def test_a_worker_killed_mid_file_is_retried_and_the_batch_completes(tmp_path: Path) -> None:
    """SIGKILL one worker process (as the OOM killer would): its files are rerun alone, nothing is lost."""
    folder = tmp_path / "in"
    made = write_mixed(folder, 10, seed=23)
    out = tmp_path / "results.jsonl"
    proc = subprocess.Popen([NIANBAO, "extract", str(folder), "--out", str(out), "--jobs", "2"],
                            start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_lines(out, 1, proc)
        workers = [p for p in _descendants(proc.pid) if len(_children(p)) == 0 and p not in _children(proc.pid)]
        assert workers and b"forkserver" in Path(f"/proc/{workers[0]}/cmdline").read_bytes(), "no worker process found"
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode in (0, 10), stderr
    records = read_records(out)
    assert sorted(r["source"]["path"] for r in records) == sorted(made)


# issue 9: nothing in a batch folder can block or abort the batch; workers die with their parent

def _batch_beside_good_report(tmp_path: Path, make: dict[str, str]) -> dict[str, dict]:
    """A folder with one good report and the named links or pipes ("fifo" or a link target), batched."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(_generated_texts(tmp_path)[0].read_bytes())
    for name, target in make.items():
        if target == "fifo":
            os.mkfifo(folder / name)
        else:
            os.symlink(target, folder / name)
    out = tmp_path / "r.jsonl"
    done = subprocess.run([sys.executable, "-m", "extractor", "extract", str(folder), "--out", str(out), "--jobs", "1",
                           "--no-classify"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 10, done.stderr
    records = {Path(r["source"]["path"]).name: r for r in read_records(out)}
    assert set(records) == {"good.txt", *make} and "error" not in records["good.txt"]
    return records


def test_pipes_and_devices_in_a_batch_are_error_records_not_a_hang(tmp_path: Path) -> None:
    records = _batch_beside_good_report(tmp_path, {"pipe.txt": "fifo", "zero.txt": "/dev/zero"})
    assert "named pipe" in records["pipe.txt"]["error"]["message"]
    assert "device" in records["zero.txt"]["error"]["message"]


def test_a_symlink_loop_in_a_batch_is_an_error_record(tmp_path: Path) -> None:
    records = _batch_beside_good_report(tmp_path, {"loop.txt": "loop.txt"})
    assert records["loop.txt"]["error"]["code"] == "input_file" and "link loop" in records["loop.txt"]["error"]["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_a_folder_that_cannot_be_listed_is_an_error_record(tmp_path: Path) -> None:
    locked = tmp_path / "in" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        run_batch([tmp_path / "in"], tmp_path / "r.jsonl", jobs=1)
    finally:
        locked.chmod(0o755)
    (record,) = read_records(tmp_path / "r.jsonl")
    assert record["error"]["code"] == "input_file" and "locked" in record["source"]["path"]


def test_results_file_is_created_with_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        with ResultsFile(tmp_path / "r.jsonl"):
            pass
    finally:
        os.umask(old)
    assert (tmp_path / "r.jsonl").stat().st_mode & 0o777 == 0o664


@pytest.mark.slow
def test_kill_9_of_the_parent_leaves_no_worker(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_mixed(folder, 24, seed=5)  # enough work that the batch is still running when the workers are seen
    proc = subprocess.Popen([NIANBAO, "extract", str(folder), "--out", str(tmp_path / "r.jsonl"), "--jobs", "2"],
                            start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    family: list[int] = []
    while time.monotonic() < deadline and len(family) < 3 and proc.poll() is None:
        family = _descendants(proc.pid)
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(5)
    alive = [pid for pid in family if Path(f"/proc/{pid}").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert len(family) >= 3 and not alive, f"{len(alive)} of {len(family)} processes outlived the parent"
