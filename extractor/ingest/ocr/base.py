"""The OCR engine protocol and registry.

Engines take a greyscale page or crop (numpy uint8) rendered at ``dpi`` and return located
:class:`Word` objects whose boxes are in PDF points, so layout never sees pixels.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

import numpy as np

from extractor.errors import BadArgsError, MissingDependencyError
from extractor.geometry import Box
from extractor.ingest.document import Word
from extractor.settings import OcrSettings

#: "forced": every glyph of a number cell as its likeliest digit, for ink no other mode reads as one
Mode = Literal["text", "digits", "vertical", "forced"]

#: order tried by engine "auto": the winner of docs/BENCHMARKS.md ## Scans first
AUTO_ORDER = ("rapidocr", "tesseract")


@runtime_checkable
class OcrEngine(Protocol):
    name: str
    number_trust: float

    def available(self) -> bool:
        """True when the engine's binaries and models are present (cheap, no model load)."""
        ...

    def install_hint(self) -> str:
        ...

    def recognize(self, image: np.ndarray, dpi: float, settings: OcrSettings, bilevel: bool = False) -> list[Word]:
        """Detect and read every text line of a page image; boxes in PDF points. ``bilevel``: a fax-like
        page (layout knows), which an engine that shrinks pages for detection must shrink less."""
        ...

    def read_crop(self, crop: np.ndarray, settings: OcrSettings, mode: Mode = "text") -> tuple[str, float]:
        """Read one cell crop (no layout): text and confidence in 0..1."""
        ...

    def read_lines(self, crops: list[np.ndarray], settings: OcrSettings, mode: Mode = "text") -> list[tuple[str, float]]:
        """Read many one-line crops at once (recognition only): what ``read_crop`` gives for each."""
        ...


def word_from_pixels(text: str, box: tuple[float, float, float, float], dpi: float, engine: str,
                     confidence: float, offset: tuple[float, float] = (0.0, 0.0)) -> Word:
    """A Word from a pixel box (plus the crop's offset in the page) at ``dpi``."""
    ox, oy = offset
    px = (box[0] + ox, box[1] + oy, box[2] + ox, box[3] + oy)
    return Word(text=text, box=Box.from_pixels(px, dpi), method="ocr", engine=engine,
                confidence=max(0.0, min(1.0, float(confidence))))


def _registry() -> dict[str, type]:
    from extractor.ingest.ocr.rapid import RapidOcrEngine
    from extractor.ingest.ocr.tesseract import TesseractEngine

    return {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


OCR_ENGINES: tuple[str, ...] = ("rapidocr", "tesseract")
_INSTANCES: dict[str, OcrEngine] = {}


def _instance(name: str) -> OcrEngine:
    if name not in _INSTANCES:
        _INSTANCES[name] = _registry()[name]()
    return _INSTANCES[name]


def get_ocr_engine(name: str) -> OcrEngine:
    """The engine called ``name`` ("auto" = benchmark winner, else the other one), ready to use."""
    if name == "auto":
        for candidate in AUTO_ORDER:
            engine = _instance(candidate)
            if engine.available():
                return engine
        raise MissingDependencyError("no OCR engine is available", _instance(AUTO_ORDER[0]).install_hint())
    if name not in OCR_ENGINES:
        raise BadArgsError(f"unknown OCR engine {name!r}; choose auto, {', '.join(OCR_ENGINES)}")
    engine = _instance(name)
    if not engine.available():
        raise MissingDependencyError(f"OCR engine {name} is not available", engine.install_hint())
    return engine


def resolve_engines(name: str) -> tuple[OcrEngine, OcrEngine | None]:
    """The primary engine and, when installed, the other one (used to re-read doubtful cells)."""
    primary = get_ocr_engine(name)
    other = next((_instance(n) for n in OCR_ENGINES if n != primary.name), None)
    return primary, other if other is not None and other.available() else None
