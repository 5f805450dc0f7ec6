"""Atomic writes: a reader never sees half a file, and a crash leaves the old file intact."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from extractor.errors import OutputAccessError
from extractor.record import Report


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputAccessError(f"cannot write in {path.parent}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
