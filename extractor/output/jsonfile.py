"""Atomic writes: a reader never sees half a file, and a crash leaves the old file intact."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from extractor.errors import OutputAccessError
from extractor.record import Report


@cache
def _umask() -> int:
    """The user's umask (read once; there is no way to read it without setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_dir(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be made in it, before any work is done."""
    if folder.exists() and not folder.is_dir():
        raise OutputAccessError(f"{folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".nianbao-probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputAccessError(f"cannot write in {folder}: {exc.strerror or exc}") from None


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync, then ``os.replace``.

    The file gets the mode a plain ``open()`` would give (0666 less the umask), not mkstemp's 0600.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputAccessError(f"cannot write in {path.parent}: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputAccessError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
