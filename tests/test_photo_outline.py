"""The page outline of a phone photo (imageops.page_outline) on generated scenes whose true corners
are known: a rendered report page set in perspective on a desk, light falling on the desk beside it.

A wrong outline is the dangerous case (the flattened page is skewed and values can move between
columns); None only loses the flattening. So each scene asserts the outline found is within
``CORNER_ERROR`` of the true corners, or that there is none where the scene says so.
"""

from __future__ import annotations

from collections.abc import Callable

import shutil

import cv2
import numpy as np
import pytest

from extractor.bench.degrade import photo_page, rasterise_rgb
from extractor.layout import imageops
from scanhelp import ruled_table, text_image

#: largest corner error accepted, as a share of the page's width (x) and height (y) in the photo
CORNER_ERROR = 0.02
PAPER = 238.0
DESK = 90.0
#: where the page lies in the photo (shares of the frame), TL, TR, BR, BL
CORNERS = np.float32([[0.12, 0.07], [0.87, 0.09], [0.89, 0.94], [0.10, 0.92]])

Desk = Callable[[np.ndarray, np.ndarray, int, int], np.ndarray]


def _page() -> np.ndarray:
    """A report page at 150 dpi: headings and a line of prose, then a ruled table of numbers."""
    page = np.full((1754, 1240), 255, np.uint8)
    prose = text_image(["一、总体情况", "本机关认真贯彻落实《条例》要求，全年主动公开政府信息125条。"] * 3, size=28, width=1140)
    page[60:60 + prose.shape[0], 50:50 + prose.shape[1]] = prose
    table = ruled_table([[f"{r}.属于" if c == 0 else str(r * c) for c in range(6)] for r in range(12)], col_w=170, row_h=80)
    top = 80 + prose.shape[0]
    table = table[:1754 - top - 40, :1200]
    page[top:top + table.shape[0], 20:20 + table.shape[1]] = table
    return page


def _photo(desk: Desk) -> tuple[np.ndarray, np.ndarray]:
    """The page in perspective on ``desk`` (grey levels over the frame), blurred and noisy as a phone
    takes it; and its true corners in the photo."""
    page = _page().astype(np.float32) * (PAPER / 255.0)
    ph, pw = page.shape
    w, h = int(pw * 1.3), int(ph * 1.2)
    corners = (CORNERS * np.float32([w, h])).astype(np.float32)
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]), corners)
    sheet = cv2.warpPerspective(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    inside = cv2.warpPerspective(np.ones((ph, pw), np.float32), m, (w, h), flags=cv2.INTER_LINEAR)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = cv2.GaussianBlur(sheet + desk(xx, yy, w, h) * (1 - inside), (0, 0), 1.0)
    img += np.random.default_rng(0).normal(0, 3, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), corners


def _lamp(cx: float, cy: float, spread: float, peak: float) -> Desk:
    """A dark desk under a soft light centred at (cx, cy) (shares of the frame), ``peak`` grey there."""
    def desk(xx: np.ndarray, yy: np.ndarray, w: int, h: int) -> np.ndarray:
        return DESK + (peak - DESK) * np.exp(-((xx - cx * w) ** 2 + (yy - cy * h) ** 2) / (2 * (spread * w) ** 2))
    return desk


def _error(found: imageops.Outline, corners: np.ndarray) -> float:
    """Largest corner error, as a share of the page's extent in the photo."""
    size = corners.max(axis=0) - corners.min(axis=0)
    return float(np.max(np.abs(found.corners - corners) / size))


def test_a_photo_on_a_dark_desk_has_its_outline():
    photo, corners = _photo(_lamp(0.5, 0.5, 1.0, DESK))
    found = imageops.page_outline(photo)
    assert found is not None and _error(found, corners) < CORNER_ERROR


def test_a_soft_light_beside_a_corner_does_not_pull_the_outline_to_the_frame():
    """The desk beside the top right corner is lit as brightly as the paper: the bright blob runs into
    it up to the frame's corner, a four-cornered shape whose top and right sides run through the desk
    and along the frame. On the whole the paper inside still outshone the desk outside, so main
    (6573a6d) took it (corner error 16 %); the page's edge contour, all of whose sides hold, is right."""
    photo, corners = _photo(_lamp(0.95, 0.04, 0.1, 240))
    found = imageops.page_outline(photo)
    assert found is not None and _error(found, corners) < CORNER_ERROR


@pytest.mark.parametrize("lamp", [(1.0, 0.5, 0.35, 245), (0.93, 0.12, 0.2, 255)], ids=["side", "corner"])
def test_a_desk_lit_like_the_paper_along_a_side_gives_no_wrong_outline(lamp):
    """A wide light beside the right side (or the top right corner): the desk there is nearly as bright
    as the paper and the bright blob runs out to the frame; beside the corner the page's edge fades out,
    so the edge contour loses the corner. Main (6573a6d) took the blob's outline (16 % off); refusing
    it, the edge contour's cut corner must not come out either: the right outline or none."""
    photo, corners = _photo(_lamp(*lamp))
    found = imageops.page_outline(photo)
    assert found is None or _error(found, corners) < CORNER_ERROR


def _degrader_corners(page: np.ndarray, seed: int) -> np.ndarray:
    """Where ``photo_page`` puts the page's corners: its first draws, in its order."""
    import random

    r = random.Random(seed)
    ph, pw = page.shape[:2]
    mx, my = int(pw * r.uniform(0.08, 0.16)), int(ph * r.uniform(0.06, 0.12))
    j = 0.045 * pw
    return np.float32([[mx + r.uniform(-j, j), my + r.uniform(-j, j)],
                       [mx + pw + r.uniform(-j, j), my + r.uniform(-j, j)],
                       [mx + pw + r.uniform(-j, j), my + ph + r.uniform(-j, j)],
                       [mx + r.uniform(-j, j), my + ph + r.uniform(-j, j)]])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to export the report")
def test_a_page_whose_edge_contour_has_gaps_is_outlined_by_the_closed_edges(tmp_path):
    """The degrader's photo (seed 113, 100 dpi) of a LibreOffice report's first page, text from top
    to bottom: neither first candidate gives an outline (main 6573a6d neither: no four-cornered blob
    among the largest bright or edge blobs that stands out), the edge map with its gaps closed
    (page_outline's fallback, which had no test) does, and it is right: the only such photo of that
    report's pages at 100 dpi, seeds 100-252."""
    from extractor.bench.office import build_office_corpus

    pdf = build_office_corpus(tmp_path, 1, 1213, "2021")[0].pdf
    page = rasterise_rgb(pdf, 100)[0]
    seed = 113 * 1000
    photo = imageops.to_grey(photo_page(page, seed))
    found = imageops.page_outline(photo)
    assert found is not None and _error(found, _degrader_corners(page, seed)) < CORNER_ERROR
