"""The only reader of ``extractor/data``: packaged template, variants, taxonomy, dictionaries."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from extractor.errors import DataError


def data_path(name: str) -> Any:
    """A traversable for a packaged data file (works from a wheel or a checkout)."""
    return resources.files("extractor.data").joinpath(name)


@cache
def load_json(name: str) -> Any:
    """Parse a packaged JSON file once; a broken file is a DataError naming it."""
    try:
        return json.loads(data_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"packaged data file {name} is unreadable: {exc}") from exc


def read_text(name: str) -> str:
    try:
        return data_path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"packaged data file {name} is unreadable: {exc}") from exc
