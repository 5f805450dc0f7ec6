"""The results file is its own resume manifest: one complete JSON line per input, appended atomically."""

from __future__ import annotations

import fcntl
import json
import os
import stat
from pathlib import Path
from typing import Any

from extractor.errors import OutputAccessError

#: how every line nianbao writes begins (records and error records alike)
_RECORD_START = b'{"schema_version":'


class ResultsFile:
    """An exclusive, append-only JSONL file that survives being killed mid-write.

    On open, a torn last line (a kill between write and newline) is cut off, and the sha256 of every
    complete line is collected: those inputs are done and are not processed again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.done: set[str] = set()
        self.bad_lines = 0
        self.torn_bytes = 0

    def __enter__(self) -> ResultsFile:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        except OSError as exc:
            raise OutputAccessError(f"cannot open {self.path}: {exc.strerror}") from exc
        try:
            _refuse_foreign(fd, self.path)
        except BaseException:
            os.close(fd)
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise OutputAccessError(f"{self.path} is being written by another nianbao run") from exc
        self._fd = fd
        self._repair_tail()
        self._read_done()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _repair_tail(self) -> None:
        """Cut everything after the last newline: that is a line whose write never finished."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if size == 0:
            return
        keep = size
        block = 4096
        while keep > 0:
            start = max(0, keep - block)
            chunk = os.pread(self._fd, keep - start, start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            keep = start
        if keep != size:
            self.torn_bytes = size - keep
            os.ftruncate(self._fd, keep)
            os.fsync(self._fd)

    def _read_done(self) -> None:
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                sha = _line_sha(line)
                if sha is None:
                    self.bad_lines += line.strip() != ""
                else:
                    self.done.add(sha)

    def append(self, record: dict[str, Any]) -> None:
        """One ``write()`` of one complete line, then fsync: a reader never sees half a record."""
        assert self._fd is not None
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            written = os.write(self._fd, data)
            while written < len(data):
                written += os.write(self._fd, data[written:])
            os.fsync(self._fd)
        except OSError as exc:
            raise OutputAccessError(f"cannot write {self.path}: {exc.strerror}") from exc


def _refuse_foreign(fd: int, path: Path) -> None:
    """Never cut or append to a file nianbao did not write: a results file starts with a record line."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise OutputAccessError(f"{path} is not a regular file")
    if info.st_size == 0:
        return
    head = os.pread(fd, 1 << 16, 0)
    first, newline, _ = head.partition(b"\n")
    if first.startswith(_RECORD_START) and (not newline or _is_record(first)):
        return
    raise OutputAccessError(f"{path} exists and is not a results file written by nianbao (give a new file name)")


def _is_record(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and isinstance(record.get("source"), dict)


def _line_sha(line: str) -> str | None:
    try:
        sha = json.loads(line)["source"]["sha256"]
    except (ValueError, KeyError, TypeError):
        return None
    return sha if isinstance(sha, str) else None


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every complete, parseable line of a results file (a torn tail is ignored)."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.endswith("\n"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
    return records
