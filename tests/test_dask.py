"""The same folder on a real loopback Dask cluster (scheduler + 2 worker processes) and locally: same records."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bulk_helpers import by_sha

from extractor.batch import run_batch
from extractor.bench.mixed import write_mixed
from extractor.errors import EngineError

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``dask scheduler`` and ``dask worker --nworkers 2`` as subprocesses, in another working directory."""
    from distributed import Client

    work = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    log = (work / "cluster.log").open("w")
    scheduler = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], cwd=work, stdout=log, stderr=log
    )
    workers = subprocess.Popen(
        [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
         "--local-directory", str(work)],
        cwd=work, stdout=log, stderr=log,
    )
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in (workers, scheduler):
            proc.terminate()
        for proc in (workers, scheduler):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


@pytest.mark.slow
def test_dask_cluster_gives_the_same_records_as_a_local_run(cluster: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    made = write_mixed(folder, 10, seed=5)
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    run_batch([folder], local, jobs=2)
    summary = run_batch([folder], remote, dask=cluster)
    assert summary.written == len(made)
    assert by_sha(remote) == by_sha(local)
    again = run_batch([folder], remote, dask=cluster)
    assert again.written == 0 and again.skipped == len(made)


def test_unreachable_scheduler_is_one_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(EngineError, match="Dask scheduler"):
        run_batch([text], tmp_path / "r.jsonl", dask=f"tcp://127.0.0.1:{_free_port()}", dask_connect_timeout=2)
