"""Bulk extraction: folders of reports to one JSON line each, in parallel or on Dask, resumable.

The names below load on first use: ``nianbao extract FILE`` needs only ``batch.work`` (its timeout),
not the pool, multiprocessing and the progress bar's rich.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.batch.results import read_records
    from extractor.batch.runner import DEFAULT_TIMEOUT, run_batch
    from extractor.batch.summary import Summary

_HOMES = {"read_records": "results", "DEFAULT_TIMEOUT": "runner", "run_batch": "runner", "Summary": "summary"}

__all__ = ["DEFAULT_TIMEOUT", "Summary", "read_records", "run_batch"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"extractor.batch.{_HOMES[name]}"), name)
