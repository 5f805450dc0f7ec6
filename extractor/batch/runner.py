"""A batch: walk the inputs, skip what the results file already holds, run the rest, append each line."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from extractor.errors import BadArgsError, ExitCode
from extractor.settings import Settings

from . import server
from .inputs import Task, make_tasks, walk
from .progress import BatchProgress
from .results import ResultsFile
from .summary import Summary

DEFAULT_TIMEOUT = 1800.0


def run_batch(
    inputs: Sequence[str | Path],
    out: Path,
    settings: Settings | None = None,
    *,
    jobs: int | None = None,
    dask: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool = False,
    dask_connect_timeout: float = 30.0,
) -> Summary:
    """Extract every input to one line of ``out``; resumable, and one bad file never stops the batch."""
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise BadArgsError("--jobs must be at least 1")
    settings = settings or Settings()
    start = time.monotonic()
    paths = walk(inputs, exclude=[out])
    with ResultsFile(out) as results:
        if not dask and len(paths) > len(results.done):
            server.start()  # it warms up the pipeline (about a second) while this process hashes the inputs
        tasks = make_tasks(paths)
        todo, copies = _plan(tasks, results.done)
        summary = Summary(inputs=len(tasks), skipped=len(tasks) - len(todo) - sum(map(len, copies.values())))
        summary.torn_bytes = results.torn_bytes
        lines = _lines(todo, settings, timeout, jobs=jobs, dask=dask, dask_connect_timeout=dask_connect_timeout)
        with BatchProgress(total=len(tasks) - summary.skipped, enabled=progress) as bar, closing(lines):
            try:
                for task, line in lines:
                    for copy in [task, *copies.get(task.sha256 or "", [])]:
                        _write(results, summary, bar, line if copy is task else _moved(line, task.path, copy.path))
            except KeyboardInterrupt:
                summary.interrupted = True
    summary.seconds = time.monotonic() - start
    return summary


def _lines(
    todo: list[Task], settings: Settings, timeout: float | None, *, jobs: int, dask: str | None, dask_connect_timeout: float
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Unreadable files first (no worker needed), then the executor's results as they complete.

    Closing this generator closes the executor's, which kills its workers: Ctrl-C stops at once.
    """
    from .executors import dask_results, local_results  # the pool and the record's models: after the server started
    from .work import error_record

    for task in todo:
        if task.error is not None:
            yield task, error_record(task, ExitCode.input_file, task.error)
    runnable = [task for task in todo if task.error is None]
    if dask:
        yield from dask_results(runnable, settings, timeout, dask, dask_connect_timeout)
    else:
        yield from local_results(runnable, settings, timeout, jobs)


def _plan(tasks: list[Task], done: set[str]) -> tuple[list[Task], dict[str, list[Task]]]:
    """Inputs still to run (one per sha256) and, for each, the other paths with the same bytes."""
    todo: list[Task] = []
    copies: dict[str, list[Task]] = {}
    for task in tasks:
        if task.sha256 is None:
            todo.append(task)
        elif task.sha256 in done:
            continue
        elif task.sha256 in copies:
            copies[task.sha256].append(task)
        else:
            copies[task.sha256] = []
            todo.append(task)
    return todo, {sha: more for sha, more in copies.items() if more}


def _moved(line: dict[str, Any], original: str, path: str) -> dict[str, Any]:
    """The same result for a duplicate file: only ``source.path`` (and the path in a message) differs."""
    moved = {**line, "source": {**line["source"], "path": path}}
    if "error" in line:
        moved["error"] = {**line["error"], "message": line["error"]["message"].replace(original, path)}
    return moved


def _write(results: ResultsFile, summary: Summary, bar: BatchProgress, line: dict[str, Any]) -> None:
    results.append(line)
    summary.add(line)
    bar.advance(failed="error" in line)
