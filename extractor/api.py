"""The library's front door: raises NianbaoError subclasses, never prints or exits."""

from __future__ import annotations

from pathlib import Path

from extractor import pipeline
from extractor.record import Report
from extractor.settings import Settings


def extract(path: str | Path, settings: Settings | None = None) -> Report:
    """One input file to one validated record."""
    return pipeline.run(Path(path), settings or Settings())
