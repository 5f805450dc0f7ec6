"""The progress bar on stderr: files done, failures, rate and ETA."""

from __future__ import annotations

import time
from typing import Any


class BatchProgress:
    """A thin wrapper so that the runner only says ``advance(failed=...)``; rich is imported only when shown."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._start = time.monotonic()
        self._done = 0
        self._failed = 0
        self._progress = _bar() if enabled else None
        if self._progress is not None:
            self._task = self._progress.add_task("extract", total=total, failed=0, rate="-")

    def __enter__(self) -> BatchProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, failed: bool) -> None:
        self._done += 1
        self._failed += failed
        if self._progress is None:
            return
        elapsed = time.monotonic() - self._start
        rate = f"{self._done / elapsed * 60:.1f}" if elapsed > 0 else "-"
        self._progress.update(self._task, advance=1, failed=self._failed, rate=rate)


def _bar() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]extract"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("{task.fields[rate]} files/min"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
