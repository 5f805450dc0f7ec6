"""Shared fixtures: the bundled real reports and a quick extractor without the classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.api import extract
from extractor.record import Report
from extractor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "extractor" / "data" / "examples"


@pytest.fixture(scope="session")
def examples() -> Path:
    return EXAMPLES


def extract_plain(path: Path) -> Report:
    """Extraction without the section-五 classifier, for table and text tests."""
    return extract(path, Settings(classify=False))
