"""Tesseract through pytesseract: chi_sim for text, chi_sim_vert (psm 5) for stacked glyphs, a digits pass."""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np

from extractor.errors import EngineError
from extractor.ingest.document import Word
from extractor.ingest.ocr.base import Mode, word_from_pixels
from extractor.settings import OcrSettings

_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
_DIGITS_CONFIG = "--psm 7 -c tessedit_char_whitelist=0123456789.,-"
#: tesseract cannot handle crops narrower/shorter than this; pad them with white
_MIN_SIDE = 32


@cache
def _languages() -> frozenset[str]:
    """Installed languages, asked of the binary itself: pytesseract would import pandas (~0.5 s CPU)
    just to list them, and every scan asks whether tesseract can re-read cells."""
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    if done.returncode not in (0, 1):  # tesseract 3 answers with 1
        return frozenset()
    lines = (done.stdout + done.stderr).decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines if re.fullmatch(r"[A-Za-z_]+", line.strip() or "-"))


def _pad(crop: np.ndarray, margin: int = 10) -> np.ndarray:
    """White border: tesseract reads badly when glyphs touch the image edge."""
    h, w = crop.shape[:2]
    py = margin + max(0, (_MIN_SIDE - h) // 2)
    px = margin + max(0, (_MIN_SIDE - w) // 2)
    return np.pad(crop, ((py, py), (px, px)), constant_values=255)


class TesseractEngine:
    name = "tesseract"
    #: page-pass numbers at or above this confidence are kept; others are re-read cell by cell
    number_trust = 2.0

    def available(self) -> bool:
        return shutil.which("tesseract") is not None and "chi_sim" in _languages()

    def install_hint(self) -> str:
        return _HINT

    def _call(self, fn_name: str, image: np.ndarray, settings: OcrSettings, **kw: object) -> object:
        import pytesseract

        try:
            return getattr(pytesseract, fn_name)(image, timeout=settings.timeout, **kw)
        except RuntimeError as exc:  # pytesseract's timeout
            raise EngineError(f"tesseract timed out after {settings.timeout:g} s") from exc
        except pytesseract.TesseractError as exc:
            raise EngineError(f"tesseract failed: {exc}") from exc

    def recognize(self, image: np.ndarray, dpi: float, settings: OcrSettings, bilevel: bool = False) -> list[Word]:
        """Word boxes from one page pass (psm 3, chi_sim); Chinese words come back as short runs."""
        import pytesseract

        data = self._call("image_to_data", image, settings, lang="chi_sim", config="--psm 3",
                          output_type=pytesseract.Output.DICT)
        words: list[Word] = []
        for i, text in enumerate(data["text"]):  # type: ignore[index]
            conf = float(data["conf"][i])  # type: ignore[index]
            if not str(text).strip() or conf < 0:
                continue
            x, y, w, h = (data[k][i] for k in ("left", "top", "width", "height"))  # type: ignore[index]
            words.append(word_from_pixels(str(text).strip(), (x, y, x + w, y + h), dpi, self.name, conf / 100))
        return words

    def read_crop(self, crop: np.ndarray, settings: OcrSettings, mode: Mode = "text") -> tuple[str, float]:
        """One cell: digits (and forced: the whitelist already forces) → whitelist pass (eng), vertical →
        chi_sim_vert psm 5, else chi_sim psm 6."""
        import pytesseract

        if crop.size == 0:
            return "", 0.0
        if mode in ("digits", "forced"):
            lang, config = ("eng" if "eng" in _languages() else "chi_sim"), _DIGITS_CONFIG
        elif mode == "vertical" and "chi_sim_vert" in _languages():
            lang, config = "chi_sim_vert", "--psm 5"
        else:
            lang, config = "chi_sim", "--psm 6"
        data = self._call("image_to_data", _pad(crop), settings, lang=lang, config=config,
                          output_type=pytesseract.Output.DICT)
        parts, confs = [], []
        for text, conf in zip(data["text"], data["conf"]):  # type: ignore[index]
            if str(text).strip() and float(conf) >= 0:
                parts.append(str(text).strip())
                confs.append(float(conf) / 100)
        if not parts:
            return "", 0.0
        joiner = "" if mode != "text" or not _is_ascii("".join(parts)) else " "
        return joiner.join(parts), float(min(confs))


    def read_lines(self, crops: list[np.ndarray], settings: OcrSettings, mode: Mode = "text") -> list[tuple[str, float]]:
        """Tesseract has no batch mode: one process per crop, two at a time (it is single-threaded)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda crop: self.read_crop(crop, settings, mode), crops))


def _is_ascii(text: str) -> bool:
    return all(ord(c) < 128 for c in text)

