"""jieba's prefix dictionary (its 350,000 words and their prefixes) loaded in a fraction of jieba's own time.

jieba rebuilds the dictionary from ``dict.txt`` (1.5 s) or unmarshals its cache in the temp folder
(0.5 s: marshal rebuilds half a million objects one by one); a cold ``nianbao extract`` paid that on
every run. Here the same words and frequencies are kept as one UTF-8 block and one array of integers,
which load in about 0.15 s; the result is the very dictionary jieba builds from its own ``dict.txt``,
so segmentation is unchanged (pinned by tests/test_text_startup.py).

The file is built on first use from jieba's ``dict.txt`` (never from the shared temp-folder cache,
which jieba trusts blindly) and written atomically to the user's cache folder; a damaged cache is
rebuilt, and where no cache can be written jieba loads its own as before.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from array import array
from pathlib import Path
from types import ModuleType

from extractor.imports import without

_FORMAT = 1
_HEADER = struct.Struct("<qqq")  # words, jieba's total frequency, bytes of the word block


def import_jieba() -> ModuleType:
    """``import jieba`` without pkg_resources: jieba imports it only to open its own ``dict.txt`` and
    falls back to a plain open() when it is absent; importing it costs about 0.1 s of setuptools."""
    with without("pkg_resources"):
        import jieba
    return jieba


def cache_dir() -> Path:
    """$NIANBAO_CACHE_DIR, else $XDG_CACHE_HOME/nianbao, else ~/.cache/nianbao."""
    given = os.environ.get("NIANBAO_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nianbao"


def _cache_file(jieba: ModuleType) -> Path:
    """Named after jieba's version and its dictionary file, so an upgrade never reads a stale copy."""
    source = Path(jieba.__file__).resolve().parent / "dict.txt"
    stat = source.stat()
    key = f"{_FORMAT}|{jieba.__version__}|{source}|{stat.st_size}|{stat.st_mtime_ns}"
    return cache_dir() / f"jieba-prefix-{hashlib.sha256(key.encode()).hexdigest()[:16]}.bin"


def _read(path: Path) -> tuple[dict[str, int], int] | None:
    """The dictionary and total from ``path``, or None when it is absent or not a whole file of ours.

    Read in parts, so the words' bytes are freed before the dictionary is built (peak memory)."""
    freqs = array("q")
    try:
        with path.open("rb") as handle:
            header = handle.read(_HEADER.size)
            if len(header) != _HEADER.size:
                return None
            count, total, size = _HEADER.unpack(header)
            if count < 0 or size < 0 or path.stat().st_size != _HEADER.size + size + count * freqs.itemsize:
                return None
            words = handle.read(size).decode("utf-8").split("\n")
            freqs.fromfile(handle, count)
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    if len(words) != count:
        return None
    return dict(zip(words, freqs)), total


def _write(path: Path, freq: dict[str, int], total: int) -> None:
    """Atomically: workers of a batch may build it at the same moment; a failure leaves nothing behind."""
    block = "\n".join(freq).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-prefix-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER.pack(len(freq), total, len(block)))
            out.write(block)
            array("q", freq.values()).tofile(out)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def initialise(jieba: ModuleType) -> None:
    """Give jieba's default tokenizer its prefix dictionary from the cache, building the cache if needed."""
    tokenizer = jieba.dt
    if tokenizer.initialized or tokenizer.dictionary is not None:
        return
    try:
        path = _cache_file(jieba)
    except OSError:
        return
    loaded = _read(path)
    if loaded is None:
        if not _writable(path.parent):
            return  # jieba then uses its own cache in the temp folder, as it always did
        with tokenizer.get_dict_file() as source:
            loaded = tokenizer.gen_pfdict(source)
        try:
            _write(path, *loaded)
        except OSError:
            pass
    tokenizer.FREQ, tokenizer.total = loaded
    tokenizer.initialized = True
