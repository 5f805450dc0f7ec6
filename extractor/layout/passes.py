"""A page's page pass kept for the run of one document, so that reading it again costs no second OCR.

The pipeline reads a fax whose lightness is in doubt a second time, the doubtful pages taken the
other way (``pipeline._steadier``); cleaning, orientation and the OCR of a page's words are most of
a page's time and no reading choice changes them. Kept here, apart from ``layout.scan``, so that
a text report's run imports no image library.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractor.ingest.document import Word

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, slots=True)
class PagePass:
    """A page cleaned, turned upright and OCR'd: its image, resolution, what cleaning measured, words, warnings."""

    grey: np.ndarray
    dpi: float
    info: dict[str, float]
    words: tuple[Word, ...]
    warnings: tuple[str, ...]
    text_image: np.ndarray  # what its text is read from: ``grey``, or a rendered page with its rules painted out


#: the page passes of the document being read, while ``page_passes_kept`` holds them
_PASSES: ContextVar[dict[Hashable, PagePass] | None] = ContextVar("page_passes", default=None)


@contextmanager
def page_passes_kept() -> Iterator[None]:
    """Within it each page pass is done once (``kept_pass``); scope it to one document."""
    token = _PASSES.set({})
    try:
        yield
    finally:
        _PASSES.reset(token)


def kept_pass(key: Hashable, make: Callable[[], PagePass]) -> PagePass:
    """The page pass kept under ``key`` in this document's run, made (and kept) when there is none;
    outside ``page_passes_kept`` always made."""
    kept = _PASSES.get()
    if kept is None:
        return make()
    if key not in kept:
        kept[key] = make()
    return kept[key]
