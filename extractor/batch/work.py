"""What a worker does with one input: a record, or an error record; never an exception."""

from __future__ import annotations

import ctypes
import faulthandler
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extractor.errors import ExitCode, NianbaoError
from extractor.record import SCHEMA_VERSION
from extractor.settings import Settings

from .inputs import Task

HARD_GRACE = 30.0
_PR_SET_PDEATHSIG = 1
_fork_server: int | None = None  # set in the fork server; its workers inherit it as their expected parent


class FileTimeout(BaseException):
    """Raised by the alarm; a BaseException so that stages catching Exception cannot swallow it."""


def error_record(task: Task, code: ExitCode, message: str) -> dict[str, Any]:
    """The line written for an input that produced no report (shape documented in docs/BULK.md)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": {"path": task.path, "sha256": task.sha256, "kind": None},
        "error": {"code": code.name, "message": message},
    }


def process_one(task: Task, settings: Settings, timeout: float | None) -> dict[str, Any]:
    """Extract one file in isolation: every failure, even an unexpected one, becomes an error record."""
    if task.error:
        return error_record(task, ExitCode.input_file, task.error)
    from extractor import pipeline

    try:
        with deadline(timeout):
            report = pipeline.run(Path(task.abspath), settings)
    except FileTimeout:
        return error_record(task, ExitCode.engine_failed, f"timed out after {timeout:g} s")
    except NianbaoError as exc:
        return error_record(task, exc.exit_code, _as_given(str(exc), task))
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return error_record(task, ExitCode.internal_error, _as_given(f"{type(exc).__name__}: {exc}", task))
    record = report.model_dump(mode="json")
    record["source"]["path"] = task.path
    return record


def _as_given(message: str, task: Task) -> str:
    """Messages name the file as the user did, so that a Dask run and a local run say the same."""
    return message.replace(task.abspath, task.path)


def init_worker(threads: int) -> None:
    """Ctrl-C is the parent's business: workers ignore it and are shut down by the parent.

    A parent killed outright (``kill -9``) cannot shut them down, so each worker asks the kernel
    for SIGKILL when its parent dies; without that, workers finish their files for minutes.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")
    die_with_parent(_fork_server)
    limit_threads(threads)


def limit_threads(threads: int) -> None:
    """At most ``threads`` OpenCV threads in this worker (camelot's rule detection, image layout).

    OpenCV starts one thread per core, so a pool with one worker per core would run cores² threads
    that wait on, and spin for, each other; the pool gives each worker its share of the cores. A
    limit the user set in the environment is kept. OpenCV reads the variable when it first runs
    in parallel; ``setNumThreads`` covers a worker forked with OpenCV already imported.
    """
    if "OPENCV_FOR_THREADS_NUM" in os.environ:
        return
    os.environ["OPENCV_FOR_THREADS_NUM"] = str(threads)
    cv2 = sys.modules.get("cv2")
    if cv2 is not None:
        cv2.setNumThreads(threads)


def serve_workers() -> None:
    """Called in the fork server: a worker forked from it then knows its parent's pid even if that parent
    has died by the time the worker starts (its parent is then init, which ``getppid`` cannot tell apart)."""
    global _fork_server
    _fork_server = os.getpid()
    die_with_parent()


def die_with_parent(parent: int | None = None) -> None:
    """Linux: SIGKILL this process when its parent exits (then check the parent, ``parent`` if known, did
    not die already)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid() if parent is None else parent
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def deadline(timeout: float | None) -> Iterator[None]:
    """A soft alarm that raises FileTimeout, and a hard stop if native code ignores it.

    Signals only work in a process's main thread (local workers); Dask runs tasks in threads, where
    only the engines' own timeouts apply.
    """
    if not timeout or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    with open(os.devnull, "w") as sink:
        faulthandler.dump_traceback_later(timeout + HARD_GRACE, exit=True, file=sink)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
