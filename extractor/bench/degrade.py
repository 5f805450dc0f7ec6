"""Image-only copies of a report PDF as agencies and researchers really produce them, from a seed.

Variants (each returns page images and the dpi they stand for):

* ``scan200`` / ``scan300``: office scanner: skew, blur, sensor noise, faded ink, grey paper, JPEG;
* ``fax``: 150 dpi, binarised, rules broken by dropouts, speckle;
* ``photo``: phone photo of the page lying on a desk: perspective, uneven light, background;
* ``rotated``: scanned pages turned by 90°, 180° or 270° (at least one of 90/270 and one of 180);
* ``seal``: colour scan with a red official seal (公章: ring, star, arc text) stamped over table numbers.

Everything is deterministic in (seed, page index); nothing here knows the truth or the extractor.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from extractor.bench.scans import Degradation, degrade, rasterise, write_scan

VARIANTS = ("scan200", "scan300", "fax", "photo", "rotated", "seal")
SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
A4_PT = (595.0, 842.0)


@dataclass(frozen=True, slots=True)
class Copy:
    """A degraded copy: pages (grey H×W or RGB H×W×3 uint8) and the resolution they were made at."""

    pages: list[np.ndarray]
    dpi: int
    suffix: str = ".pdf"


def rasterise_rgb(pdf: str | Path, dpi: int) -> list[np.ndarray]:
    """Every page of ``pdf`` as a clean RGB array at ``dpi``."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72.0).to_numpy()[..., :3][..., ::-1].copy() for i in range(len(doc))]
    finally:
        doc.close()


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    colour = img.ndim == 3
    ok, buf = cv2.imencode(".jpg", img[..., ::-1] if colour else img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        return img
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
    return out[..., ::-1].copy() if colour else out


# --- fax -------------------------------------------------------------------------------------------

def _rules(binary: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    k = max(15, int(0.3 * dpi))
    h = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    v = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return h, v


def fax_page(grey: np.ndarray, seed: int, dpi: int = 150) -> np.ndarray:
    """Binarised low-resolution copy whose rules have gaps (worn drum, dropouts), plus speckle."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    img = grey.astype(np.float32)
    h, w = img.shape
    angle = r.uniform(-0.8, 0.8)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
    img = cv2.GaussianBlur(img, (0, 0), r.uniform(0.3, 0.7))
    img += rng.normal(0.0, 10.0, img.shape)
    binary = (img < r.uniform(150, 185)).astype(np.uint8) * 255
    hr, vr = _rules(binary, dpi)
    gaps = np.zeros_like(binary)
    for mask, horizontal in ((hr, True), (vr, False)):
        ys, xs = np.nonzero(mask)
        if ys.size == 0:
            continue
        length = w if horizontal else h
        pos = 0
        while pos < length:
            pos += int(rng.integers(int(0.15 * dpi), int(0.9 * dpi)))
            gap = int(rng.integers(2, max(3, int(0.05 * dpi))))
            if horizontal:
                gaps[:, pos:pos + gap] = 255
            else:
                gaps[pos:pos + gap, :] = 255
        rules = hr if horizontal else vr
        binary = np.where((gaps > 0) & (rules > 0), 0, binary).astype(np.uint8)
        gaps[:] = 0
    # streaks where a fax line dropped out, and speckle
    for _ in range(r.randint(0, 4)):
        y, t = r.randrange(h), r.randint(1, 2)
        seg = binary[y:y + t]
        seg[rng.random(seg.shape) < 0.7] = 0
    speckle = rng.random(binary.shape) < 0.0008
    binary[speckle] = 255
    return (255 - binary).astype(np.uint8)


# --- phone photo -----------------------------------------------------------------------------------

def _background(h: int, w: int, rng: np.random.Generator, r: random.Random) -> np.ndarray:
    """A desk: a dark-ish colour with a wood-like grain and low-frequency blotches."""
    base = np.array(r.choice([(96, 70, 48), (60, 60, 64), (130, 110, 90), (40, 48, 60), (150, 140, 130)]),
                    np.float32)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (h, max(1, w // 40))).astype(np.float32), (0, 0), 2)
    grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)
    blot = cv2.resize(rng.normal(0, 1, (8, 8)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    out = base[None, None, :] * (1 + 0.08 * grain[..., None] + 0.1 * blot[..., None])
    return np.clip(out, 0, 255)


def photo_page(rgb: np.ndarray, seed: int) -> np.ndarray:
    """The page photographed from above at a slant: page in perspective on a desk, light falling off."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    ph, pw = rgb.shape[:2]
    margin_x, margin_y = int(pw * r.uniform(0.08, 0.16)), int(ph * r.uniform(0.06, 0.12))
    W, H = pw + 2 * margin_x, ph + 2 * margin_y
    j = 0.045 * pw
    dst = np.float32([[margin_x + r.uniform(-j, j), margin_y + r.uniform(-j, j)],
                      [margin_x + pw + r.uniform(-j, j), margin_y + r.uniform(-j, j)],
                      [margin_x + pw + r.uniform(-j, j), margin_y + ph + r.uniform(-j, j)],
                      [margin_x + r.uniform(-j, j), margin_y + ph + r.uniform(-j, j)]])
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    m = cv2.getPerspectiveTransform(src, dst)
    paper = np.array([r.uniform(235, 250), r.uniform(232, 248), r.uniform(220, 240)], np.float32)
    page = rgb.astype(np.float32) * (paper / 255.0)
    warped = cv2.warpPerspective(page, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    inside = cv2.warpPerspective(np.ones((ph, pw), np.float32), m, (W, H), flags=cv2.INTER_LINEAR)
    img = warped + _background(H, W, rng, r) * (1 - inside[..., None])
    # light: a linear fall-off from one side plus a vignette, and a soft shadow band
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = r.uniform(0, 2 * math.pi)
    ramp = ((xx / W - 0.5) * math.cos(a) + (yy / H - 0.5) * math.sin(a))
    light = 1.0 - r.uniform(0.15, 0.35) * (ramp + 0.5)
    light *= 1.0 - r.uniform(0.1, 0.25) * (((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) * 2)
    if r.random() < 0.6:
        cx = r.uniform(0.2, 0.8) * W
        shadow = 1.0 - r.uniform(0.1, 0.25) / (1 + np.exp(-(xx - cx) / (0.05 * W)))
        light *= shadow
    img *= light[..., None]
    img = cv2.GaussianBlur(img, (0, 0), r.uniform(0.5, 1.1))
    img += rng.normal(0, r.uniform(3, 7), img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    return _jpeg(out, r.randint(72, 88))


# --- red seal --------------------------------------------------------------------------------------

def seal_mask(diameter: int, text: str, seed: int) -> np.ndarray:
    """Ink coverage (0..1) of a round official seal: ring, five-pointed star, name along the upper arc."""
    r = random.Random(seed)
    size = diameter + 8
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    c, rad = size / 2, diameter / 2
    ring = max(3, int(diameter * 0.035))
    draw.ellipse([c - rad, c - rad, c + rad, c + rad], outline=255, width=ring)
    star_r = rad * 0.27
    pts = []
    for k in range(10):
        ang = -math.pi / 2 + k * math.pi / 5
        rr = star_r if k % 2 == 0 else star_r * 0.38
        pts.append((c + rr * math.cos(ang), c + rr * math.sin(ang)))
    draw.polygon(pts, fill=255)
    font = ImageFont.truetype(SEAL_FONT, max(8, int(diameter * 0.13)))
    chars = list(text)[:16]
    span = math.radians(min(250, 22 * len(chars)))
    text_r = rad - ring - diameter * 0.09
    for i, ch in enumerate(chars):
        ang = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size / 2, font.size / 2), ch, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(ang) - 90, resample=Image.Resampling.BICUBIC)
        gx, gy = c + text_r * math.cos(ang) - glyph.size[0] / 2, c + text_r * math.sin(ang) - glyph.size[1] / 2
        img.paste(255, (int(gx), int(gy)), glyph)
    small = ImageFont.truetype(SEAL_FONT, max(6, int(diameter * 0.08)))
    label = r.choice(["政务公开专用章", "办公室", ""])
    if label:
        tw = draw.textlength(label, font=small)
        draw.text((c - tw / 2, c + rad * 0.42), label, fill=255, font=small)
    mask = np.asarray(img, np.float32) / 255.0
    # uneven pressure: ink thins out in patches
    rng = np.random.default_rng(seed)
    patches = cv2.resize(rng.random((6, 6)).astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    speck = rng.random((size, size)) < 0.06
    return np.clip(mask * (0.55 + 0.5 * patches) * np.where(speck, 0.3, 1.0), 0, 1)


def digit_boxes(pdf: str | Path, index: int) -> list[tuple[float, float, float, float]]:
    """Boxes (points, top-left origin) of the digit characters on page ``index`` of ``pdf``."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[index]
        height = page.get_height()
        tp = page.get_textpage()
        text = tp.get_text_range()
        boxes = []
        for i, ch in enumerate(text[:tp.count_chars()]):
            if ch.isdigit():
                x0, y0, x1, y1 = tp.get_charbox(i)
                boxes.append((x0, height - y1, x1, height - y0))
        return boxes
    finally:
        doc.close()


def stamp(rgb: np.ndarray, mask: np.ndarray, centre: tuple[int, int], seed: int) -> np.ndarray:
    """Red ink multiplied onto the page (over black text it stays black, as real seal ink does)."""
    r = random.Random(seed)
    ink = np.array([r.uniform(195, 230), r.uniform(20, 60), r.uniform(30, 70)], np.float32) / 255.0
    out = rgb.astype(np.float32)
    size = mask.shape[0]
    x0, y0 = centre[0] - size // 2, centre[1] - size // 2
    h, w = rgb.shape[:2]
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if sx1 <= sx0 or sy1 <= sy0:
        return rgb
    m = mask[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0][..., None]
    out[sy0:sy1, sx0:sx1] *= 1 - m * (1 - ink)
    return np.clip(out, 0, 255).astype(np.uint8)


def seal_pages(pdf: str | Path, dpi: int, seed: int, name: str) -> list[np.ndarray]:
    """Colour scans; pages with table numbers get a 42 mm seal centred near a random digit."""
    r = random.Random(seed)
    pages = rasterise_rgb(pdf, dpi)
    out = []
    diameter = int(42 / 25.4 * dpi)
    for i, rgb in enumerate(pages):
        boxes = [b for b in digit_boxes(pdf, i) if b[1] > 60]
        if boxes and (i == 0 or r.random() < 0.7):
            x0, y0, x1, y1 = r.choice(boxes)
            k = dpi / 72.0
            centre = (int((x0 + x1) / 2 * k + r.uniform(-0.3, 0.3) * diameter),
                      int((y0 + y1) / 2 * k + r.uniform(-0.3, 0.3) * diameter))
            rgb = stamp(rgb, seal_mask(diameter, name, seed * 31 + i), centre, seed * 17 + i)
        d = Degradation.random(seed * 1000 + i, 0.6)
        img = rgb.astype(np.float32)
        img = d.ink + img * (d.paper - d.ink) / 255.0
        hh, ww = img.shape[:2]
        rot = cv2.getRotationMatrix2D((ww / 2, hh / 2), d.skew, 1.0)
        img = cv2.warpAffine(img, rot, (ww, hh), flags=cv2.INTER_LINEAR, borderValue=(d.paper,) * 3)
        img = cv2.GaussianBlur(img, (0, 0), max(0.3, d.blur))
        img += np.random.default_rng(seed * 1000 + i).normal(0, d.noise, img.shape)
        out.append(_jpeg(np.clip(img, 0, 255).astype(np.uint8), max(60, d.jpeg)))
    return out


# --- dispatch --------------------------------------------------------------------------------------

def rotations(n: int, seed: int) -> list[int]:
    """Quarter turns (clockwise) per page: each report has a 90/270 page and a 180 page."""
    r = random.Random(seed)
    turns = [r.choice([1, 3]), 2] + [r.choice([0, 0, 1, 2, 3]) for _ in range(max(0, n - 2))]
    r.shuffle(turns)
    return turns[:n]


def make_copy(pdf: str | Path, variant: str, seed: int, name: str = "某某市人民政府办公室") -> Copy:
    """The ``variant`` copy of ``pdf`` (see module docstring); ``name`` goes on the seal."""
    if variant in ("scan200", "scan300"):
        dpi = int(variant[4:])
        return Copy([degrade(p, Degradation.random(seed * 1000 + i), seed * 1000 + i)
                     for i, p in enumerate(rasterise(pdf, dpi))], dpi)
    if variant == "fax":
        return Copy([fax_page(p, seed * 1000 + i) for i, p in enumerate(rasterise(pdf, 150))], 150)
    if variant == "photo":
        return Copy([photo_page(p, seed * 1000 + i) for i, p in enumerate(rasterise_rgb(pdf, 200))], 200, ".jpg")
    if variant == "rotated":
        pages = [degrade(p, Degradation.random(seed * 1000 + i, 0.7), seed * 1000 + i)
                 for i, p in enumerate(rasterise(pdf, 200))]
        turns = rotations(len(pages), seed)
        return Copy([np.ascontiguousarray(np.rot90(p, -t)) for p, t in zip(pages, turns)], 200)
    if variant == "seal":
        return Copy(seal_pages(pdf, 200, seed, name), 200)
    raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")


def write_copy(copy: Copy, path: str | Path) -> Path:
    """An image-only PDF of the copy (photos: JPEG pages at an unknown resolution, as phones send)."""
    path = Path(path).with_suffix(".pdf")
    if copy.suffix == ".jpg":
        images = [Image.fromarray(p) for p in copy.pages]
        images[0].save(path, "PDF", resolution=float(copy.dpi), save_all=True, append_images=images[1:], quality=85)
        return path
    return write_scan(copy.pages, path, copy.dpi)
