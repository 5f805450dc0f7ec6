"""Bulk acceptance run and throughput figures for docs/BENCHMARKS.md.

    python -m extractor.bench.batchbench acceptance --n 200 --work /tmp/bulk   # kill/resume, Dask, databases
    python -m extractor.bench.batchbench speed --kind pdf --n 20 --jobs 1 2      # reports per minute

Everything goes through the real ``nianbao`` command and real servers (DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from extractor.batch import read_records
from extractor.bench.mixed import SUFFIX, render_report, write_mixed
from extractor.output.db import load, row_counts

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
DASK = str(Path(sys.executable).with_name("dask"))


def _extract(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, "extract", str(folder), "--out", str(out), *extra], capture_output=True, text=True, timeout=7200)


def _keyed(path: Path) -> dict[tuple, dict]:
    return {(r["source"]["sha256"], r["source"]["path"]): r for r in read_records(path)}


def _kill_midway(folder: Path, out: Path, after: int) -> int:
    proc = subprocess.Popen([NIANBAO, "extract", str(folder), "--out", str(out)], start_new_session=True,
                            stderr=subprocess.DEVNULL)
    while proc.poll() is None and (not out.exists() or out.read_bytes().count(b"\n") < after):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    return len(read_records(out))


def _dask_cluster(work: Path) -> tuple[str, list[subprocess.Popen]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    log = (work / "dask.log").open("w")
    procs = [
        subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], stdout=log, stderr=log),
        subprocess.Popen([DASK, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                          "--local-directory", str(work)], stdout=log, stderr=log),
    ]
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    return address, procs


def _fresh_pg_database(server: str, name: str) -> str:
    """A new empty database on the server, so that counts are this run's alone."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def acceptance(n: int, work: Path, scans: int) -> dict:
    """The issue's done-criteria on one folder of ``n`` mixed inputs; raises AssertionError on a miss."""
    folder = work / "in"
    made = write_mixed(folder, n, seed=2024, scans=scans)
    out = work / "local.jsonl"
    killed_at = _kill_midway(folder, out, after=max(2, n // 3))
    before = _keyed(out)
    result = _extract(folder, out)
    records = read_records(out)
    keys = [(r["source"]["sha256"], r["source"]["path"]) for r in records]
    assert len(keys) == len(set(keys)) == len(made), (len(keys), len(set(keys)), len(made))
    assert all(_keyed(out)[k] == v for k, v in before.items())
    address, procs = _dask_cluster(work)
    try:
        _extract(folder, work / "dask.jsonl", "--dask", address)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=60)
    same = _keyed(work / "dask.jsonl") == _keyed(out)
    databases = {"sqlite": f"sqlite:///{work / 'reports.db'}"}
    if os.environ.get("DATABASE_URL"):
        databases["postgresql"] = _fresh_pg_database(os.environ["DATABASE_URL"], f"nianbao_bulk_{int(time.time())}")
    counts = {}
    for name, url in databases.items():
        load(out, url)
        counts[name] = row_counts(url)
        again = load(out, url)
        assert again.inserted == again.replaced == 0 and row_counts(url) == counts[name]
    return {
        "inputs": len(made),
        "killed_after_lines": killed_at,
        "exit_code_second_run": result.returncode,
        "summary": result.stderr.strip().splitlines()[-6:],
        "errors_by_written_kind": dict(Counter(made[r["source"]["path"]] for r in records if "error" in r)),
        "dask_identical": same,
        "row_counts": counts,
        "same_counts": len({json.dumps(c, sort_keys=True) for c in counts.values()}) == 1,
    }


def speed(kind: str, n: int, jobs: list[int], work: Path) -> list[dict]:
    """Reports per minute for ``n`` generated reports of one kind, per --jobs value (wall clock, whole command)."""
    folder = work / kind
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        render_report(kind, 500 + i, folder / f"r{i:03d}{SUFFIX[kind]}")
    rows = []
    for j in jobs:
        out = work / f"{kind}-{j}.jsonl"
        out.unlink(missing_ok=True)
        start = time.monotonic()
        _extract(folder, out, "--jobs", str(j))
        seconds = time.monotonic() - start
        records = read_records(out)
        rows.append({"kind": kind, "jobs": j, "reports": n, "errors": sum("error" in r for r in records),
                     "seconds": round(seconds, 1), "reports_per_min": round(n / seconds * 60, 1)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    acc = sub.add_parser("acceptance")
    acc.add_argument("--n", type=int, default=200)
    acc.add_argument("--scans", type=int, default=6)
    acc.add_argument("--work", type=Path)
    spd = sub.add_parser("speed")
    spd.add_argument("--kind", choices=["pdf", "scan", "text", "html", "docx"], default="pdf")
    spd.add_argument("--n", type=int, default=20)
    spd.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    spd.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="nianbao-bulk-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.command == "acceptance":
        print(json.dumps(acceptance(args.n, work, args.scans), ensure_ascii=False, indent=2))
    else:
        for row in speed(args.kind, args.n, args.jobs, work):
            print(json.dumps(row))


if __name__ == "__main__":
    main()
