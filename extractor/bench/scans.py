"""Rendered reports degraded into scans, deterministically from a seed (for tests and benchmarks).

A page is rasterised at the scan dpi, then suffers what office scanners and phone photos do:
a small skew, blur, sensor noise, JPEG artefacts, faded ink and greyish paper.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image


@dataclass(frozen=True, slots=True)
class Degradation:
    skew: float = 0.0
    blur: float = 0.0
    noise: float = 0.0
    jpeg: int = 95
    ink: int = 0
    paper: int = 255

    @classmethod
    def random(cls, seed: int, level: float = 1.0) -> "Degradation":
        """Draw a scan's flaws; ``level`` 0 = clean, 1 = the benchmark's worst (skew ≤ 1.5°)."""
        rng = random.Random(seed)
        return cls(skew=rng.uniform(-1.5, 1.5) * level, blur=rng.uniform(0.0, 1.0) * level,
                   noise=rng.uniform(0.0, 12.0) * level, jpeg=int(95 - rng.uniform(0, 60) * level),
                   ink=int(rng.uniform(0, 110) * level), paper=int(255 - rng.uniform(0, 45) * level))


def degrade(grey: np.ndarray, d: Degradation, seed: int) -> np.ndarray:
    """Apply ``d`` to a clean greyscale render."""
    img = grey.astype(np.float32)
    img = d.ink + img * (d.paper - d.ink) / 255.0
    h, w = img.shape
    if d.skew:
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), d.skew, 1.0)
        img = cv2.warpAffine(img, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(d.paper))
    if d.blur > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), d.blur)
    if d.noise > 0:
        img = img + np.random.default_rng(seed).normal(0.0, d.noise, img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, d.jpeg])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else out


def rasterise(pdf: str | Path, dpi: int) -> list[np.ndarray]:
    """Every page of ``pdf`` as a clean greyscale array at ``dpi``."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = [doc[i].render(scale=dpi / 72.0, grayscale=True).to_numpy() for i in range(len(doc))]
    finally:
        doc.close()
    return [(p[..., 0] if p.ndim == 3 else p).copy() for p in pages]


def scan_pages(pdf: str | Path, dpi: int, seed: int, level: float = 1.0) -> list[np.ndarray]:
    """Every page of ``pdf`` as a degraded scan; page ``i`` uses seed ``seed * 1000 + i``."""
    return [degrade(page, Degradation.random(seed * 1000 + i, level), seed * 1000 + i)
            for i, page in enumerate(rasterise(pdf, dpi))]


def write_scan(pages: list[np.ndarray], path: str | Path, dpi: int) -> Path:
    """Save as an image-only PDF, a (multi-page) TIFF or, for one page, PNG/JPEG (by suffix)."""
    path = Path(path)
    images = [Image.fromarray(p) for p in pages]
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    elif suffix in (".tif", ".tiff"):
        images[0].save(path, "TIFF", dpi=(dpi, dpi), save_all=True, append_images=images[1:],
                       compression="tiff_deflate")
    else:
        images[0].save(path, dpi=(dpi, dpi))
    return path
