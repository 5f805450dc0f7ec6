"""Importing a library without an optional dependency it would load for a feature nianbao never uses."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without(*names: str) -> Iterator[None]:
    """Inside, ``import NAME`` raises ImportError for each of ``names`` not imported yet, so a library that
    treats NAME as optional takes its fallback (camelot without matplotlib: no plotting; jieba without
    pkg_resources: a plain open of its dictionary). Afterwards NAME imports normally again."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not available" marker
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
