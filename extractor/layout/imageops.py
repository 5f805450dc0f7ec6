"""Scan clean-up as pure functions over greyscale uint8 arrays (255 = paper).

Order used by layout.scan (``clean_page``): ``to_grey`` (red seal ink dropped) → ``flatten_photo``
(page outline + perspective) → ``normalize_contrast`` → ``denoise`` → ``deskew``. Turning a page by
90/180° needs OCR and is done in layout.orient. Nothing here reads files or calls OCR. Thresholds
live in extractor/data/scan.json.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extractor.ingest.image import is_bilevel
from extractor.resources import load_json

_CFG = load_json("scan.json")["image"]
MAX_SKEW = float(_CFG["max_skew_deg"])
#: long side used to estimate skew and orientation: enough for table rules and text lines
_WORK_SIDE = int(_CFG["work_side_px"])
_SIDES = _CFG["outline_sides"]


def drop_red(rgb: np.ndarray) -> np.ndarray:
    """Grey page with red seal ink removed.

    Seal ink absorbs green and blue but passes most red, so under the seal the red channel shows
    what is beneath: paper (then it is as bright as paper once divided by the ink's measured
    transmission) or print (dark in every channel, so it stays dark). Pixels lighter than
    ``seal_paper_share`` of the paper level after that are paper.
    """
    arr = rgb.astype(np.int16)
    r, g, b = arr[..., 0], arr[..., 1], arr[..., 2]
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    redness = r - np.maximum(g, b)
    red = (redness > int(_CFG["seal_redness"])).astype(np.uint8)
    if not red.any():
        return grey
    # JPEG keeps colour at half resolution: a seal stroke's rim is greyish, so the mask grows by a pixel
    red = cv2.dilate(red, np.ones((3, 3), np.uint8)) > 0
    paper = float(np.percentile(grey[~red], 95)) if (~red).any() else 255.0
    solid = (redness > 3 * int(_CFG["seal_redness"])) & (r > 0.5 * paper)
    transmission = float(np.clip(np.median(r[solid]) / max(paper, 1.0), 0.5, 1.0)) if solid.any() else 0.9
    restored = r.astype(np.float32) / transmission
    restored = np.where(restored > _CFG["seal_paper_share"] * paper, paper, restored)
    return np.where(red, np.clip(restored, 0, 255), grey).astype(np.uint8)


def to_grey(image: np.ndarray) -> np.ndarray:
    """Any 8/16-bit grey, RGB or RGBA array to 8-bit grey (alpha composited on white, red seal ink dropped)."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = cv2.normalize(arr.astype(np.float32), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255
        arr = (arr[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return drop_red(np.ascontiguousarray(arr[:, :, :3]))


@dataclass(frozen=True, slots=True)
class Outline:
    """A photographed page's corners (TL, TR, BR, BL) in full-resolution pixels."""

    corners: np.ndarray

    def size(self) -> tuple[int, int]:
        tl, tr, br, bl = self.corners
        w = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
        h = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
        return int(round(w)), int(round(h))


def _corners(points: np.ndarray) -> np.ndarray:
    """The four extreme points of a convex outline: TL (min x+y), TR (max x−y), BR, BL."""
    s, d = points.sum(axis=1), points[:, 0] - points[:, 1]
    return np.float32([points[np.argmin(s)], points[np.argmax(d)], points[np.argmax(s)], points[np.argmin(d)]])


def _quad(points: np.ndarray) -> np.ndarray | None:
    """Four corners of a blob's hull, when the hull is four-cornered (fills its corner quadrilateral)."""
    hull = cv2.convexHull(points.reshape(-1, 1, 2).astype(np.float32)).reshape(-1, 2)
    area = cv2.contourArea(hull)
    corners = _corners(hull)
    if area <= 0 or cv2.contourArea(corners) < _CFG["outline_quad_fill"] * area:
        return None
    return corners


def _stands_out(blur: np.ndarray, corners: np.ndarray) -> bool:
    """Paper just inside the outline is clearly brighter than what lies just outside it."""
    mask = np.zeros(blur.shape, np.uint8)
    cv2.fillConvexPoly(mask, corners.astype(np.int32), 255)
    d = max(3, int(0.02 * min(blur.shape)))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (d, d))
    outside = (cv2.dilate(mask, kernel) > 0) & (mask == 0)
    inside = (mask > 0) & (cv2.erode(mask, kernel) == 0)
    if not outside.any() or not inside.any():
        return False
    return float(np.median(blur[outside])) < _CFG["outline_contrast"] * float(np.median(blur[inside]))


def _side_samples(corners: np.ndarray, offset: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points ``offset`` px just inside and just outside each side of a TL, TR, BR, BL outline: (4, n, 2) each."""
    ends = np.roll(corners, -1, axis=0)
    along = ends - corners
    outward = np.stack([along[:, 1], -along[:, 0]], axis=1) / np.maximum(np.linalg.norm(along, axis=1), 1e-6)[:, None]
    t = np.linspace(0.05, 0.95, n)[None, :, None]
    points = corners[:, None, :] + t * along[:, None, :]
    step = offset * outward[:, None, :]
    return points - step, points + step


def _at(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``image`` at the nearest pixels to (x, y) ``points`` (clipped to the frame), as float."""
    h, w = image.shape
    xy = np.clip(np.rint(points), 0, [w - 1, h - 1]).astype(int)
    return image[xy[..., 1], xy[..., 0]].astype(np.float32)


def _holds_all_round(blur: np.ndarray, near_edge: np.ndarray, corners: np.ndarray) -> bool:
    """Every side lies on the sheet's edge: at ``share`` of its points at least, and of the points of
    its ``corner_part`` next to each corner, the paper just inside is brighter than what lies just
    outside (a point whose outside falls off the frame shows nothing), or an edge runs along it there
    (``near_edge``: the edge map grown by ``edge_reach``; the desk beside a side can be lit as
    brightly as the paper, and its edge is then what shows the sheet).

    A bright blob run out into such a desk, or an edge contour that lost a corner, is four-cornered
    too, and on the whole stands out; but one of its sides runs through the desk or across the paper,
    where nothing changes from one side of it to the other and no edge runs along it, or a corner
    stands off the sheet's, and both its sides leave the edge next to it.
    """
    h, w = blur.shape
    inside, outside = _side_samples(corners, _SIDES["offset"] * min(h, w), int(_SIDES["points"]))
    seen = np.all((outside >= 0) & (outside <= [w - 1, h - 1]), axis=-1)
    brighter = seen & (_at(blur, outside) < _SIDES["contrast"] * _at(blur, inside))
    holds = brighter | (_at(near_edge, (inside + outside) / 2) > 0)
    m = max(1, int(round(_SIDES["corner_part"] * holds.shape[1])))
    ends = np.concatenate([holds[:, :m], holds[:, -m:]])
    return bool(np.all(holds.mean(axis=1) >= _SIDES["share"]) and np.all(ends.mean(axis=1) >= _SIDES["share"]))


def _sheet(masks: tuple[np.ndarray, ...], blur: np.ndarray, near_edge: np.ndarray) -> np.ndarray | None:
    """The largest four-cornered outline among the biggest blobs of ``masks`` that covers a plausible
    share of the frame, has paper inside clearly brighter than what lies outside it, and shows the
    sheet's edge all round (``_holds_all_round``)."""
    frame = float(blur.shape[0] * blur.shape[1])
    lo, hi = _CFG["outline_area"]
    best: np.ndarray | None = None
    for mask in masks:
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            corners = _quad(contour)
            if corners is None:
                continue
            area = cv2.contourArea(corners)
            if lo * frame <= area <= hi * frame and _stands_out(blur, corners) \
                    and _holds_all_round(blur, near_edge, corners):
                if best is None or area > cv2.contourArea(best):
                    best = corners
                break
    return best


def page_outline(grey: np.ndarray) -> Outline | None:
    """The sheet of paper in a photo, when there is background around it; None for scans.

    Candidates are the largest bright blob (Otsu after a blur that melts the print into it) and
    the largest closed edge contour (survives light falling off across the sheet). One counts if
    it covers a plausible share of the frame, is four-cornered, the paper just inside it is
    clearly brighter than what lies just outside (a table border on a scan is not), and each side
    and corner lies on the sheet's edge (``_holds_all_round``: a wrong outline is worse than none,
    its flattened page is skewed and values can move between columns). When neither
    does, the edges with their gaps closed as the blob's are: where the background is lit as
    brightly as the paper, the sheet's edge is faint in places and the blob runs out into the
    background (a real report's photo kept unflattened). Only then: closed, a textured desk's
    edges can join the sheet's into a larger wrong outline.
    """
    small, scale = _shrink(grey)
    blur = cv2.GaussianBlur(small, (0, 0), 3)
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    k = max(3, int(min(small.shape) * 0.02)) | 1
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, square)
    edges = cv2.dilate(cv2.Canny(blur, 20, 60), cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    reach = 2 * int(round(_SIDES["edge_reach"] * min(blur.shape))) + 1
    near_edge = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    best = _sheet((edges, bright), blur, near_edge)
    if best is None:
        best = _sheet((cv2.morphologyEx(edges, cv2.MORPH_CLOSE, square),), blur, near_edge)
    return None if best is None else Outline(best / scale)


def unwarp(image: np.ndarray, outline: Outline) -> np.ndarray:
    """The page inside ``outline`` as a flat rectangle (its longer measured sides kept)."""
    w, h = outline.size()
    dst = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    m = cv2.getPerspectiveTransform(outline.corners.astype(np.float32), dst)
    return cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def page_dpi(width_px: int, height_px: int) -> float:
    """Resolution of an unwarped sheet, from its size: A4 when its aspect is near √2, else US Letter."""
    short, long = sorted((width_px, height_px))
    inches = 8.27 if long / max(short, 1) > 1.36 else 8.5
    return short / inches


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


def despeckle(grey: np.ndarray) -> np.ndarray:
    """Drop isolated specks of a bilevel page; a median would also eat its one-pixel rules."""
    ink = (grey < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    speck = np.zeros(n, dtype=bool)
    speck[1:] = stats[1:, cv2.CC_STAT_AREA] <= 2
    return np.where(speck[labels], 255, grey).astype(np.uint8)


def denoise(grey: np.ndarray) -> np.ndarray:
    """Remove speckle and JPEG ringing without eroding thin strokes: median 3, NL-means if still noisy;
    bilevel pages (fax) only lose isolated specks."""
    if is_bilevel(grey):
        return despeckle(grey)
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


def turn(grey: np.ndarray, quarters: int) -> np.ndarray:
    """Rotate by ``quarters`` × 90° clockwise."""
    q = quarters % 4
    if q == 0:
        return grey
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(grey, codes[q])


_LIGHT = load_json("scan.json")["light"]


def glyph_fragments(grey: np.ndarray, dpi: float) -> tuple[float, float]:
    """Ink pieces per 1000 pixels of glyph ink (rules left out, specks too), and that ink in square
    inches. Print binarised too lightly keeps the upright strokes of its glyphs and loses most
    of the horizontal ones (and the arcs of its digits): each glyph falls into many small pieces."""
    ink = (grey < 128).astype(np.uint8)
    k = max(3, int(round(float(_LIGHT["rule_in"]) * dpi)))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1))) | \
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    glyphs = cv2.subtract(ink, rules)
    n, _, stats, _ = cv2.connectedComponentsWithStats(glyphs, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    areas = areas[areas >= int(_LIGHT["min_piece_px"])]
    total = int(areas.sum())
    return (1000.0 * areas.size / total if total else 0.0), total / (dpi * dpi)


def lightness(grey: np.ndarray, dpi: float) -> tuple[bool, bool]:
    """Whether a bilevel page was binarised so lightly that its glyphs fell apart (``glyph_fragments``),
    with enough print on it to tell (a near-empty page of a few words is all small pieces anyway), and
    whether that is in doubt: a rate within ``doubt_per_kpx`` reads better one way on some pages and
    the other way on others (the pipeline reads such a page both ways and keeps the reading whose
    table rules hold better)."""
    pieces, area = glyph_fragments(grey, dpi)
    if area < float(_LIGHT["min_glyph_in2"]):
        return False, False
    low, high = float(_LIGHT["doubt_per_kpx"]["low"]), float(_LIGHT["doubt_per_kpx"]["high"])
    return pieces >= float(_LIGHT["pieces_per_kpx"]), low <= pieces < high


def clean_page(image: np.ndarray, dpi: float) -> tuple[np.ndarray, float, dict[str, float]]:
    """Seal-free, perspective-corrected, flattened, denoised, levelled grey page, its resolution,
    and what was done (for warnings); ``light`` says a bilevel page's glyphs fell apart (``lightness``),
    ``doubtful_light`` that whether they did is in doubt."""
    grey = to_grey(image)
    info = {"photo": 0.0, "skew": 0.0, "bilevel": float(is_bilevel(grey)), "light": 0.0, "doubtful_light": 0.0}
    if dpi < _CFG["min_dpi"]:  # fax: thresholds and OCR models want at least this much
        k = _CFG["min_dpi"] / dpi
        bilevel = is_bilevel(grey)
        grey = cv2.resize(grey, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
        if bilevel:
            grey = np.where(grey < 128, 0, 255).astype(np.uint8)
        dpi = float(_CFG["min_dpi"])
    outline = page_outline(grey)
    if outline is not None:
        grey = unwarp(grey, outline)
        dpi = page_dpi(grey.shape[1], grey.shape[0])
        info["photo"] = 1.0
    grey = denoise(normalize_contrast(grey))
    grey, info["skew"] = deskew(grey)
    if info["bilevel"]:
        light, doubtful = lightness(grey, dpi)
        info["light"], info["doubtful_light"] = float(light), float(doubtful)
    return grey, dpi, info


def true_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end exclusive) of each run of true values in a 1-d array: inked rows, crossed rows."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))
