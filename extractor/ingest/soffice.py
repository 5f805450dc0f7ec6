"""LibreOffice headless, the one way the project runs it.

Archives keep many reports as word-processor files python-docx cannot open: legacy Word ``.doc``
(and WPS files saved in its format), RTF and OpenDocument ``.odt``. LibreOffice converts them to
``.docx``, which ``ingest.docx`` reads as it reads any Word file; the office benchmark exports its
Word files to PDF through the same runner. Each run gets a private profile: LibreOffice refuses a
second process on a profile in use, and batch workers convert side by side.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractor.errors import EngineError, InputFileError, MissingDependencyError

#: seconds one conversion of a single report may take (a report converts in 2-4 s)
CONVERT_TIMEOUT_S = 300
#: the file name each convertible kind is handed to LibreOffice under (its filters go by content,
#: the name only keeps a hostile or odd file name away from its command line)
_SUFFIX = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt"}
#: what a kind is called in messages
KIND_NAMES = {"doc": "Word 97-2003 (.doc)", "rtf": "RTF", "odt": "OpenDocument text (.odt)"}


def soffice() -> str:
    """The LibreOffice executable; a missing one is a missing dependency, said in one line."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise MissingDependencyError("LibreOffice (soffice) is not installed", "apt-get install libreoffice-writer-nogui")
    return exe


def convert(files: list[Path], out_dir: Path, target: str, timeout: float) -> list[Path]:
    """``files`` converted to ``target`` (a LibreOffice ``--convert-to`` argument, e.g. "pdf") into
    ``out_dir``, in one run; the paths it was to write, in order, whether or not it wrote them."""
    if not files:
        return []
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(out_dir), *map(str, files)]
        _run(cmd, timeout, len(files))
    extension = target.split(":")[0]
    return [out_dir / f"{f.stem}.{extension}" for f in files]


def _run(cmd: list[str], timeout: float, count: int) -> None:
    """Run LibreOffice in its own process group and kill the whole group if it overruns or this
    process is interrupted (a batch's per-file alarm): its launcher leaves ``soffice.bin`` behind
    when only the launcher is killed."""
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise EngineError(f"LibreOffice took more than {timeout:g} s to convert {count} file(s)") from None
    finally:
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if code != 0:
        raise EngineError(f"LibreOffice failed (exit {code}) converting {count} file(s)")


@contextmanager
def as_docx(path: Path, kind: str) -> Iterator[Path]:
    """A ``.docx`` made by LibreOffice from the word-processor file at ``path`` (``kind`` as sniffed),
    in a temporary folder that goes when the block ends; the user's file is only read."""
    with tempfile.TemporaryDirectory(prefix="nianbao-convert-") as tmp:
        work = Path(tmp)
        source = work / f"report{_SUFFIX[kind]}"
        shutil.copyfile(path, source)
        (made,) = convert([source], work / "docx", "docx:MS Word 2007 XML", CONVERT_TIMEOUT_S)
        if not made.is_file():
            raise InputFileError(f"LibreOffice could not open this {KIND_NAMES[kind]} file")
        yield made
