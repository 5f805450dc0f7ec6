"""Run settings: one frozen object handed down the pipeline; each engine reads only its slice."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OcrEngineName = Literal["auto", "rapidocr", "tesseract"]


class OcrSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    engine: OcrEngineName = "auto"
    dpi: int = Field(default=200, ge=72, le=600, description="render scale for PDF pages sent to OCR")
    timeout: float = Field(default=120.0, gt=0, description="seconds per page and engine")
    flip_doubtful_light: bool = Field(default=False, description=(
        "take a fax page whose lightness is in doubt the other way (the pipeline's second reading)"))


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    ocr: OcrSettings = Field(default_factory=OcrSettings)
    model_path: Path | None = Field(default=None, description="section-五 classifier folder; default: packaged")
    classify: bool = True
    keep_temp: bool = False
