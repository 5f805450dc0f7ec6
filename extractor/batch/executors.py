"""Where the work runs: a local process pool, or an existing dask.distributed cluster.

Both yield ``(task, line)`` pairs in completion order; neither ever raises for one bad input.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from extractor.errors import EngineError, ExitCode
from extractor.settings import Settings

from . import server
from .inputs import Task
from .work import HARD_GRACE, error_record, init_worker, process_one

Line = dict[str, Any]


def largest_first(tasks: Sequence[Task]) -> list[Task]:
    """Biggest files first (size stands in for work: a scan outweighs a text PDF, which outweighs a page of
    HTML), so that the batch does not end with one worker on a long file while the others sit idle."""

    def size(task: Task) -> int:
        try:
            return os.path.getsize(task.abspath)
        except OSError:
            return 0

    return sorted(tasks, key=size, reverse=True)


def threads_per_worker(jobs: int) -> int:
    """Each worker's share of the cores this process may run on (at least one)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // jobs)


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=server.context(), initializer=init_worker,
                               initargs=(threads_per_worker(jobs),))


def _kill(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """Stop at once: a plain shutdown would wait for files that may run for minutes.

    Then wait (briefly) for the pool's manager thread, which notices the dead workers and closes its
    pipes: left running into interpreter exit, it raced Python's own exit hook, which could write to a
    pipe the thread had just closed and print an "Exception ignored" traceback (Python 3.11).
    """
    manager = getattr(pool, "_executor_manager_thread", None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    if manager is not None:
        manager.join(grace)


def local_results(tasks: Sequence[Task], settings: Settings, timeout: float | None, jobs: int) -> Iterator[tuple[Task, Line]]:
    """Run on ``jobs`` processes; the files in flight when a worker dies are retried one by one."""
    queue = deque(largest_first(tasks) if jobs > 1 else tasks)
    suspects: list[Task] = []
    while queue:
        pool = _new_pool(jobs)
        try:
            yield from _drain(pool, queue, suspects, settings, timeout, cap=2 * jobs)
        finally:
            _kill(pool)
    for task in suspects:
        yield task, _isolated(task, settings, timeout)


def _drain(
    pool: ProcessPoolExecutor, queue: deque[Task], suspects: list[Task], settings: Settings, timeout: float | None, cap: int
) -> Iterator[tuple[Task, Line]]:
    """Keep ``cap`` files in flight until the queue is empty or the pool breaks."""
    running: dict[Future, Task] = {}
    while queue or running:
        while queue and len(running) < cap:
            task = queue.popleft()
            running[pool.submit(process_one, task, settings, timeout)] = task
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        broken = False
        for future in finished:
            task = running.pop(future)
            try:
                line = future.result()
            except BrokenProcessPool:
                suspects.append(task)
                broken = True
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                line = error_record(task, ExitCode.internal_error, f"{type(exc).__name__}: {exc}")
            yield task, line
        if broken:
            suspects.extend(running.values())
            return


def _isolated(task: Task, settings: Settings, timeout: float | None) -> Line:
    """A file that was in flight when a worker died, run alone: if the worker dies again, it is the culprit."""
    pool = _new_pool(1)
    start = time.monotonic()
    try:
        return pool.submit(process_one, task, settings, timeout).result()
    except BrokenProcessPool:
        if timeout and time.monotonic() - start >= timeout + HARD_GRACE:
            return error_record(task, ExitCode.engine_failed, f"timed out after {timeout:g} s (native code did not stop)")
        return error_record(task, ExitCode.internal_error, "the worker process died on this file (crash or out of memory)")
    finally:
        _kill(pool)


def dask_results(
    tasks: Sequence[Task], settings: Settings, timeout: float | None, address: str, connect_timeout: float = 30.0
) -> Iterator[tuple[Task, Line]]:
    """The same work on a dask.distributed cluster; workers must have nianbao installed and see the files."""
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=f"{connect_timeout}s")
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot connect to the Dask scheduler at {address}: {exc}") from exc
    try:
        futures = {client.submit(process_one, task, settings, timeout, pure=False): task for task in tasks}
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                line = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated worker deaths
                line = error_record(task, ExitCode.internal_error, f"dask: {type(exc).__name__}: {exc}")
            future.release()
            yield task, line
    finally:
        client.close()
