"""Web pages as readers and archives keep them, made by a real headless Chromium.

A page saved as one file (MHTML, "save page as, single file") and a page whose tables are pictures
(portals often paste the report's tables as screenshots): each table is cut out of Chromium's own
rendering of the page and the page is rewritten to show it as an image, saved "complete" (the
pictures in a folder beside it) and as MHTML. Chromium is driven over its DevTools pipe, so no port
is opened.

    python -m extractor.bench pictures --n 10 --scale 1,2
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from collections.abc import Iterator
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
#: every outermost table's box in the page, as [x, y, width, height] CSS pixels
_TABLE_BOXES = ("JSON.stringify([...document.querySelectorAll('table')].filter(t => !t.parentElement.closest('table'))"
                ".map(t => {const r = t.getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, r.height]}))")
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def browser() -> str | None:
    """The Chromium (or Chrome) on PATH, None when there is none."""
    return next((b for b in map(shutil.which, BROWSERS) if b), None)


def print_page(page: Path, out: Path) -> Path:
    """``page`` printed to PDF by headless Chromium (no header or footer line), as a reader saves it."""
    if out.is_file():
        return out
    found = browser()
    if found is None:
        raise RuntimeError("no Chromium to print the page with")
    cmd = [found, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
           f"--print-to-pdf={out}", page.resolve().as_uri()]
    try:
        subprocess.run(cmd, capture_output=True, timeout=180, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"Chromium did not print {page} within 180 s") from None
    if not out.is_file():
        raise RuntimeError(f"Chromium printed nothing for {page}")
    return out


def _above(fd: int, least: int) -> int:
    """``fd`` moved to a descriptor number of at least ``least``."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, least)
    os.close(fd)
    return moved


class _DevTools:
    """Chromium's DevTools protocol over ``--remote-debugging-pipe``: commands on its fd 3, replies and
    events on its fd 4, each a JSON text ended by NUL."""

    def __init__(self, found: str, profile: str, timeout: float) -> None:
        to_child, self._commands = os.pipe()
        self._replies, from_child = os.pipe()
        # above 4, so that putting one end on 3 cannot overwrite the other before it is moved to 4
        to_child, from_child = (_above(fd, 10) for fd in (to_child, from_child))

        def onto_3_and_4() -> None:  # in the child, before the descriptors not kept (3, 4) are closed
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        cmd = [found, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
               f"--user-data-dir={profile}", "about:blank"]
        self.process = subprocess.Popen(cmd, preexec_fn=onto_3_and_4, pass_fds=(3, 4), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(to_child)
        os.close(from_child)
        self.deadline = time.monotonic() + timeout
        self._buffer, self._last = b"", 0

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._last += 1
        message: dict[str, Any] = {"id": self._last, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._last

    def _next(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise RuntimeError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(line)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        wanted = self.send(method, params, session)
        while (message := self._next()).get("id") != wanted:
            pass
        if "error" in message:
            raise RuntimeError(f"Chromium refused {method}: {message['error'].get('message')}")
        return message["result"]

    def until(self, event: str) -> None:
        while self._next().get("method") != event:
            pass

    def close(self) -> None:
        for fd in (self._commands, self._replies):
            os.close(fd)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def _loaded(page: Path, timeout: float, width: int = 1400, scale: float = 1.0) -> Iterator[tuple[_DevTools, str]]:
    """Headless Chromium with ``page`` loaded in a window ``width`` CSS pixels wide at device
    ``scale``: the DevTools connection and the page's session."""
    found = browser()
    if found is None:
        raise RuntimeError("no Chromium to open the page with")
    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as profile:
        tools = _DevTools(found, profile, timeout)
        try:
            for _ in range(100):
                pages = [t for t in tools.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
                if pages:
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError("Chromium opened no page")
            session = tools.call("Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True})["sessionId"]
            tools.call("Page.enable", session=session)
            tools.call("Emulation.setDeviceMetricsOverride",
                       {"width": width, "height": 1400, "deviceScaleFactor": scale, "mobile": False}, session)
            tools.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
            tools.until("Page.loadEventFired")
            yield tools, session
        finally:
            tools.close()


def save_mhtml(page: Path, out: Path, timeout: float = 120) -> Path:
    """``page`` saved by headless Chromium as one file (MHTML), as "save page as, single file" does
    (the page loaded, its scripts run, its document serialised with its resources)."""
    if out.is_file():
        return out
    with _loaded(page, timeout) as (tools, session):
        data = tools.call("Page.captureSnapshot", {"format": "mhtml"}, session)["data"]
    out.write_bytes(data.encode("utf-8"))
    return out


def table_pictures(page: Path, out_dir: Path, scale: float, timeout: float = 120) -> list[Path]:
    """Each outermost table of ``page`` as Chromium draws it, a PNG at ``scale`` device pixels per
    CSS pixel (a screenshot on an ordinary or a high-density screen)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with _loaded(page, timeout, scale=scale) as (tools, session):
        found = tools.call("Runtime.evaluate", {"expression": _TABLE_BOXES, "returnByValue": True}, session)
        shots = []
        for i, (x, y, width, height) in enumerate(json.loads(found["result"]["value"]), start=1):
            clip = {"x": x, "y": y, "width": width, "height": height, "scale": 1}
            data = tools.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                         "clip": clip}, session)["data"]
            shot = out_dir / f"table{i}.png"
            shot.write_bytes(base64.b64decode(data))
            shots.append(shot)
    return shots


def pictured_page(page: Path, out: Path, scale: float) -> Path:
    """``page`` rewritten as a portal shows a report whose tables were pasted as screenshots: each
    table replaced by ``<img>`` of Chromium's drawing of it, the pictures in ``<stem>_files/``
    beside ``out`` (a page saved "complete")."""
    folder = out.parent / f"{out.stem}_files"
    shots = iter(table_pictures(page, folder, scale))
    html = page.read_text(encoding="utf-8")
    width = "" if scale == 1 else ' style="width: 100%; max-width: 1000px"'
    out.write_text(_TABLE.sub(lambda m: f'<p><img src="{folder.name}/{next(shots).name}"{width}></p>', html),
                   encoding="utf-8")
    return out


def _score_one(path: Path, truth: dict[str, Any], tally: Any, pages: int) -> None:
    from extractor.api import extract
    from extractor.bench.scanbench import score
    from extractor.settings import Settings

    wall, cpu = time.perf_counter(), time.process_time()
    report = extract(path, Settings(classify=False))
    tally.wall += time.perf_counter() - wall
    tally.cpu += time.process_time() - cpu
    tally.reports += 1
    tally.pages += pages
    score(report, truth, tally)


def main(argv: list[str] | None = None) -> int:
    """Generated reports' pages with their tables as pictures, saved complete and as MHTML, scored."""
    from extractor.bench.scanbench import Tally, report
    from extractor.bench.synth import random_report, render_html

    parser = argparse.ArgumentParser(prog="python -m extractor.bench pictures", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="reports per format")
    parser.add_argument("--seed0", type=int, default=0)
    parser.add_argument("--scale", default="1,2", help="device pixels per CSS pixel of the screenshots, comma-separated")
    parser.add_argument("--json", type=Path, help="write the tallies here")
    args = parser.parse_args(argv)
    if browser() is None:
        print("pictures: no Chromium on PATH (scripts/install.sh installs it)", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="nianbao-pictures-") as tmp:
        for scale in (float(s) for s in args.scale.split(",")):
            tallies = {kind: Tally(engine="auto", dpi=0, variant=f"pictures x{scale:g} {kind}") for kind in ("html", "mhtml")}
            for fmt in ("2019", "2021"):
                for seed in range(args.seed0, args.seed0 + args.n):
                    r = random_report(seed, fmt)  # type: ignore[arg-type]
                    folder = Path(tmp) / f"x{scale:g}" / f"{fmt}-{seed}"
                    folder.mkdir(parents=True)
                    source = folder / "source.html"
                    source.write_text(render_html(r), encoding="utf-8")
                    page = pictured_page(source, folder / "report.html", scale)
                    pictures = len(list((folder / "report_files").iterdir()))
                    _score_one(page, r.truth, tallies["html"], pictures)
                    _score_one(save_mhtml(page, folder / "report.mhtml"), r.truth, tallies["mhtml"], pictures)
                    print(json.dumps({k: v for k, v in tallies["html"].row().items() if k != "failures"}), flush=True)
            results += [t.row() for t in tallies.values()]
    return report(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
