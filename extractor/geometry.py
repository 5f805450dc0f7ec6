"""Boxes in PDF points (origin top-left, y down), shared by every stage that keeps provenance."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from typing import NamedTuple


class Box(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, other: "Box") -> "Box":
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    @classmethod
    def around(cls, boxes: Iterable["Box"]) -> "Box":
        """The smallest box holding all ``boxes`` (a line's words, a merged cell's slots); at least one."""
        return reduce(cls.union, boxes)

    def area(self) -> float:
        return (self.x1 - self.x0) * (self.y1 - self.y0)

    def holds_centre(self, other: "Box") -> bool:
        """Whether ``other``'s centre lies in this box (a word in a cell, under a picture)."""
        cx, cy = (other.x0 + other.x1) / 2, (other.y0 + other.y1) / 2
        return self.x0 <= cx <= self.x1 and self.y0 <= cy <= self.y1

    def overlaps(self, other: "Box") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def rounded(self) -> list[float]:
        return [round(v, 1) for v in self]

    @classmethod
    def from_pixels(cls, box: tuple[float, float, float, float], dpi: float) -> "Box":
        """Pixel box at ``dpi`` to PDF points (72 per inch)."""
        k = 72.0 / dpi
        return cls(box[0] * k, box[1] * k, box[2] * k, box[3] * k)

    def pixels(self, dpi: float) -> tuple[float, float, float, float]:
        """This box at ``dpi`` in pixels (the inverse of ``from_pixels``)."""
        k = dpi / 72.0
        return self.x0 * k, self.y0 * k, self.x1 * k, self.y1 * k
