"""RapidOCR (PP-OCR models shipped in the wheel, run by onnxruntime): offline, loaded once per process."""

from __future__ import annotations

import importlib.util
import logging
import threading

import cv2
import numpy as np

from extractor.errors import EngineError
from extractor.ingest.document import Word
from extractor.ingest.ocr.base import Mode, word_from_pixels
from extractor.settings import OcrSettings

_LOCK = threading.Lock()
_ENGINE: object | None = None
#: long side the detector sees; a 200-dpi A4 page is ~2340 px and must not be shrunk
_MAX_SIDE = 4000
#: pixels the detector may see: a 300-dpi A4 page (8.7 MP) passes whole; larger pages are shrunk,
#: since the detector's memory grows with the area (a 22 MP page peaks above 2.5 GB)
_MAX_DET_PIXELS = 9_000_000


def _engine() -> object:
    """The process-wide RapidOCR instance (model load costs ~1 s, so it happens once).

    Its ``__call__`` flags persist between calls, so every call below passes all three.
    """
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            _ENGINE = RapidOCR(params={"Global.log_level": "error", "Global.max_side_len": _MAX_SIDE,
                                       "Global.text_score": 0.3})
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        return _ENGINE


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def _axis_box(poly: np.ndarray) -> tuple[float, float, float, float]:
    xs, ys = poly[:, 0], poly[:, 1]
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


class RapidOcrEngine:
    name = "rapidocr"
    #: page-pass numbers at or above this confidence are kept; others are re-read cell by cell
    number_trust = 0.95

    def available(self) -> bool:
        return importlib.util.find_spec("rapidocr") is not None and importlib.util.find_spec("onnxruntime") is not None

    def install_hint(self) -> str:
        return "pip install rapidocr onnxruntime"

    def recognize(self, image: np.ndarray, dpi: float, settings: OcrSettings) -> list[Word]:
        area = image.shape[0] * image.shape[1]
        if area > _MAX_DET_PIXELS:
            k = (_MAX_DET_PIXELS / area) ** 0.5
            image = cv2.resize(image, (int(image.shape[1] * k), int(image.shape[0] * k)), interpolation=cv2.INTER_AREA)
            dpi *= k
        try:
            out = _engine()(_bgr(image), use_det=True, use_cls=False, use_rec=True)
        except Exception as exc:  # the engine raises bare errors on odd inputs
            raise EngineError(f"RapidOCR failed on a page: {exc}") from exc
        if out.boxes is None or out.txts is None:
            return []
        return [word_from_pixels(t, _axis_box(np.asarray(b)), dpi, self.name, s)
                for b, t, s in zip(out.boxes, out.txts, out.scores) if t.strip()]

    def read_crop(self, crop: np.ndarray, settings: OcrSettings, mode: Mode = "text") -> tuple[str, float]:
        """Recognition only (no detection) of a one-line crop; digits mode keeps digit-ish characters."""
        if crop.size == 0:
            return "", 0.0
        try:
            out = _engine()(_bgr(crop), use_det=False, use_cls=False, use_rec=True)
        except Exception as exc:
            raise EngineError(f"RapidOCR failed on a cell: {exc}") from exc
        if not out.txts:
            return "", 0.0
        text, score = str(out.txts[0]).strip(), float(out.scores[0])
        if mode == "digits":
            text = "".join(c for c in text if c.isdigit() or c in ".-")
        return text, score
