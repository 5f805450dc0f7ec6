"""Scan clean-up as pure functions over greyscale uint8 arrays (255 = paper).

Order used by ingest: ``to_grey`` → ``quarter_turns`` (90° fix) → ``normalize_contrast`` →
``denoise`` → ``deskew``. Nothing here reads files or calls OCR.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_SKEW = 3.0
#: long side used to estimate skew and orientation: enough for table rules and text lines
_WORK_SIDE = 1000


def to_grey(image: np.ndarray) -> np.ndarray:
    """Any 8/16-bit grey, RGB or RGBA array to 8-bit grey (alpha composited on white)."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = cv2.normalize(arr.astype(np.float32), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255
        arr = (arr[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return cv2.cvtColor(arr[:, :, :3], cv2.COLOR_RGB2GRAY)


def _shrink(grey: np.ndarray, side: int = _WORK_SIDE) -> tuple[np.ndarray, float]:
    scale = min(1.0, side / max(grey.shape[:2]))
    if scale == 1.0:
        return grey, 1.0
    return cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Binary ink (255) on paper (0); Otsu after background flattening copes with grey paper."""
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def normalize_contrast(grey: np.ndarray) -> np.ndarray:
    """Divide by the estimated paper (removes grey or uneven paper), then stretch faded ink to black."""
    k = max(15, (min(grey.shape[:2]) // 40) | 1)
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    flat = cv2.divide(grey, np.maximum(background, 1), scale=255)
    ink = flat[flat < 200]
    if ink.size < 50:
        return flat
    low = float(np.percentile(ink, 5))
    if low >= 250:
        return flat
    lut = np.clip((np.arange(256, dtype=np.float32) - low) * 255.0 / (250.0 - low), 0, 255).astype(np.uint8)
    return cv2.LUT(flat, lut)


#: residual noise (grey levels) above which the slow non-local means pass is worth its second
_NOISY = 6.0


def noise_level(grey: np.ndarray) -> float:
    """Robust noise estimate: median absolute difference to a 3×3 median, on paper pixels."""
    diff = cv2.absdiff(grey, cv2.medianBlur(grey, 3))
    paper = diff[grey > 128]
    return float(np.median(paper)) * 1.4826 if paper.size else 0.0


def denoise(grey: np.ndarray) -> np.ndarray:
    """Remove speckle and JPEG ringing without eroding thin strokes: median 3, NL-means if still noisy."""
    med = cv2.medianBlur(grey, 3)
    if noise_level(grey) < _NOISY:
        return med
    return cv2.fastNlMeansDenoising(med, None, h=12, templateWindowSize=5, searchWindowSize=11)


def _profile_score(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(mask, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.sum(rows**2))


def estimate_skew(grey: np.ndarray, limit: float = MAX_SKEW) -> float:
    """Angle in degrees (counter-clockwise positive, as cv2) that makes text lines and rules level.

    The most peaked horizontal projection profile (largest sum of squares) wins; coarse 0.25° search then 0.05° refinement.
    """
    small, _ = _shrink(grey)
    mask = ink_mask(small)
    if cv2.countNonZero(mask) < 100:
        return 0.0
    coarse = np.arange(-limit, limit + 1e-6, 0.25)
    best = max(coarse, key=lambda a: _profile_score(mask, a))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-6, 0.05)
    return float(round(max(fine, key=lambda a: _profile_score(mask, a)), 2))


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (cv2 sense), filling with paper white."""
    if abs(angle) < 0.01:
        return grey
    h, w = grey.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def deskew(grey: np.ndarray, limit: float = MAX_SKEW) -> tuple[np.ndarray, float]:
    """The levelled image and the angle applied (0 when the page is already level or blank)."""
    angle = estimate_skew(grey, limit)
    return rotate(grey, angle), angle


def quarter_turns(grey: np.ndarray) -> int:
    """0 or 1: whether the page needs a 90° turn (text lines run vertically).

    Ink smeared by a small square kernel merges characters of a line: on an upright page the
    blobs are wide, on a page turned by 90° they are tall. 180° needs OCR (see ingest.image).
    """
    small, _ = _shrink(grey)
    mask = ink_mask(small)
    smear = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(smear)
    wide = tall = 0
    for x, y, w, h, area in stats[1:]:
        if max(w, h) > 0.5 * max(small.shape):  # table rules and borders say nothing about text
            continue
        if w >= 3 * h and w > 15:
            wide += w
        elif h >= 3 * w and h > 15:
            tall += h
    return 1 if tall > 1.5 * wide and tall > 0 else 0


def turn(grey: np.ndarray, quarters: int) -> np.ndarray:
    """Rotate by ``quarters`` × 90° clockwise."""
    q = quarters % 4
    if q == 0:
        return grey
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(grey, codes[q])


def clean_page(image: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """Upright-by-90°, flattened, denoised, levelled grey page, plus what was done (for warnings)."""
    grey = to_grey(image)
    quarters = quarter_turns(grey)
    grey = turn(grey, quarters)
    grey = denoise(normalize_contrast(grey))
    grey, angle = deskew(grey)
    return grey, {"quarter_turns": float(quarters), "skew": angle}
