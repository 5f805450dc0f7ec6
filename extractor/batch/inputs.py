"""Which files a batch reads, and the sha256 that keys each of them for resuming."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import InputFileError
from extractor.ingest.sniff import regular_file

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Task:
    """One input file: ``path`` as the user spelled it (goes in the record), ``abspath`` for workers elsewhere."""

    path: str
    abspath: str
    sha256: str | None
    error: str | None = None


def walk(paths: Sequence[str | Path], exclude: Iterable[Path] = ()) -> list[str]:
    """Files named, plus every non-hidden file under the folders named, in a stable order.

    Hidden names (``.DS_Store``, ``.git``) are skipped inside folders; the results file itself is
    excluded so that writing it inside the input folder does not feed it back in.
    """
    skip = {os.path.realpath(p) for p in exclude}
    found: list[str] = []
    for given in paths:
        text = str(given)
        if os.path.isdir(text):
            found.extend(p for p in _walk_dir(text) if os.path.realpath(p) not in skip)
        elif os.path.lexists(text):
            found.append(text)
        else:
            raise InputFileError(f"{text}: no such file or folder")
    return list(dict.fromkeys(found))


def _walk_dir(root: str) -> Iterable[str]:
    """Files under ``root``; a folder that cannot be listed is yielded too, to become an error record."""
    unlisted: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda exc: unlisted.append(str(exc.filename))):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)
    yield from unlisted


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def make_task(path: str) -> Task:
    """Hash one file; an unreadable one, a folder that cannot be listed, a pipe, device or link loop
    becomes a task that carries its error instead (never opened, so nothing can block)."""
    abspath = os.path.abspath(path)
    try:
        if os.path.isdir(path):
            os.listdir(path)
        regular_file(Path(path))
        return Task(path=path, abspath=abspath, sha256=sha256_file(path))
    except InputFileError as exc:
        return Task(path=path, abspath=abspath, sha256=None, error=f"{path}: {exc}")
    except OSError as exc:
        return Task(path=path, abspath=abspath, sha256=None, error=f"{path}: cannot read ({exc.strerror})")


def make_tasks(paths: Sequence[str], threads: int = 8) -> list[Task]:
    """Hash in threads: hashlib releases the GIL, so a folder of big PDFs hashes at disk speed."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(make_task, paths))
