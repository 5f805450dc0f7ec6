"""Which files a batch reads, and the sha256 that keys each of them for resuming."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import InputFileError

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
    skip = {p.resolve() for p in exclude}
    found: list[str] = []
    for given in paths:
        text = str(given)
        if os.path.isdir(text):
            found.extend(p for p in _walk_dir(text) if Path(p).resolve() not in skip)
        elif os.path.exists(text):
            found.append(text)
        else:
            raise InputFileError(f"{text}: no such file or folder")
    return list(dict.fromkeys(found))


def _walk_dir(root: str) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def make_task(path: str) -> Task:
    """Hash one file; an unreadable one becomes a task that carries its error instead."""
    abspath = os.path.abspath(path)
    try:
        return Task(path=path, abspath=abspath, sha256=sha256_file(path))
    except OSError as exc:
        return Task(path=path, abspath=abspath, sha256=None, error=f"{path}: cannot read ({exc.strerror})")


def make_tasks(paths: Sequence[str], threads: int = 8) -> list[Task]:
    """Hash in threads: hashlib releases the GIL, so a folder of big PDFs hashes at disk speed."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(make_task, paths))
