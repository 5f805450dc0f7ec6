"""Training of the light-page digit slot classifier (``lightdigits``): digits rendered from several
fonts, binarised the way a light fax copy binarises them, cut into slots like a page's cells.

Retrain and print the model card's figures (fixed seeds):

    python -m extractor.layout.digittrain --out extractor/data/models/lightdigits.npz

The degradation is a range, not one degrader's settings: each line is rendered at 0.65-0.9 of
the page's scale (a fax's resolution), its strokes thinned to 0.1-0.2 of a zero's width, blurred
(sigma 0.3-0.9 px), given noise (sigma 4-14) and binarised with a high threshold (ink darker than
95-160 of 255), 0-12 % of its ink dropped, scaled up to the page and cleaned of specks. The
generator's own fonts (AR PL UMing, AR PL UKai, WenQuanYi Zen Hei) are held out in turn to report
accuracy on a font the model never saw.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extractor.layout.lightdigits import W0, DigitModel, features, read_number, scaled_mask, text_lines, window

#: (name, file, index in a collection); the first three are the generator's fonts, held out in turn
FONTS: tuple[tuple[str, str, int], ...] = (
    ("AR PL UMing", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("AR PL UKai", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("DejaVu Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("DejaVu Serif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0),
    ("DejaVu Sans Condensed", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", 0),
    ("DejaVu Serif Condensed", "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf", 0),
    ("DejaVu Sans Mono", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0),
    ("Liberation Sans", "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 0),
    ("Liberation Serif", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 0),
    ("Liberation Mono", "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf", 0),
    ("Liberation Sans Narrow", "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf", 0),
)
HELD_OUT = FONTS[:3]
SEED = 29
LINES_PER_FONT = 400
TEST_NUMBERS = 150
SUPER = 4


@dataclass(frozen=True, slots=True)
class Rendered:
    """A number drawn and degraded at page scale (255 paper, 0 ink), with its zero width there."""

    image: np.ndarray
    width: float
    centres: list[float]  # page-scale x of each digit's advance centre, left to right
    digits: str


def _zero_ink(font: ImageFont.FreeTypeFont) -> float:
    """The ink width of the font's "0" at its size (pixels)."""
    img = Image.new("L", (font.size * 2, font.size * 2), 255)
    ImageDraw.Draw(img).text((font.size // 2, font.size // 2), "0", font=font, fill=0)
    cols = np.flatnonzero((np.asarray(img) < 128).any(axis=0))
    return float(cols[-1] - cols[0] + 1)


def _stroke(img: np.ndarray) -> float:
    """The median width (pixels) of the horizontal ink runs of a drawn text: its stroke width."""
    ink = np.pad(img < 128, ((0, 0), (1, 1)))
    edges = np.diff(ink.astype(np.int8), axis=1)
    starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
    runs = ends[1] - starts[1]
    return float(np.median(runs)) if runs.size else 0.0


def render(font_file: str, index: int, text: str, rng: random.Random) -> Rendered:
    """``text`` (digits and commas) drawn so its zero stands 10-14 px wide at page scale, through
    a light fax binarisation drawn from the module's ranges."""
    page_w = rng.uniform(10.0, 14.0)
    res = rng.uniform(0.65, 0.9)
    probe = ImageFont.truetype(font_file, 100 * SUPER, index=index)
    size = int(round(100 * SUPER * page_w * res * SUPER / _zero_ink(probe)))
    font = ImageFont.truetype(font_file, max(8, size), index=index)
    pad = size
    length = font.getlength(text)
    img = Image.new("L", (int(length) + 2 * pad, 2 * size + 2 * pad // 2), 255)
    ImageDraw.Draw(img).text((pad, pad // 2), text, font=font, fill=0)
    centres, x = [], float(pad)
    for ch in text:
        adv = font.getlength(ch)
        if ch.isdigit():
            centres.append(x + adv / 2)
        x += adv
    hi = np.asarray(img, np.float32)
    # strokes thinned to 0.1-0.2 of a zero's width (a bold face binarised lightly; AR PL UMing's are 0.12)
    target = rng.uniform(0.1, 0.2) * page_w * res * SUPER
    thin = int(round(_stroke(hi) - target))
    if thin >= 1:
        hi = cv2.dilate(hi, np.ones((thin + 1, thin + 1), np.uint8))
    low = cv2.resize(hi, (hi.shape[1] // SUPER, hi.shape[0] // SUPER), interpolation=cv2.INTER_AREA)
    low = cv2.GaussianBlur(low, (0, 0), rng.uniform(0.3, 0.9))
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    low = low + nrng.normal(0.0, rng.uniform(4.0, 14.0), low.shape)
    ink = (low < rng.uniform(95.0, 160.0)).astype(np.float32)
    ink[nrng.random(ink.shape) < rng.uniform(0.0, 0.12)] = 0.0
    up = cv2.resize(ink, None, fx=1 / res, fy=1 / res, interpolation=cv2.INTER_LINEAR)
    page = np.where(up >= 0.5, 0, 255).astype(np.uint8)
    scale = 1 / (SUPER * res)
    return Rendered(page, page_w, [c * scale for c in centres], text.replace(",", ""))


def random_number(rng: random.Random) -> str:
    """A count as a report's table prints it: 1-5 digits, a thousands comma from 1,000 on."""
    n = rng.choice((1, 2, 3, 3, 4, 4, 4, 5))
    value = rng.randrange(10 ** (n - 1) if n > 1 else 0, 10 ** n)
    return f"{value:,}" if rng.random() < 0.8 else str(value)


def slot_samples(item: Rendered, rng: random.Random) -> tuple[list[np.ndarray], list[int]]:
    """Feature rows of each digit's slot, cut as a page's cell is (``scaled_mask``, ``text_lines``),
    its centre off by up to a tenth of a zero width (the decoder's slots are not exact)."""
    measured = item.width * rng.uniform(0.94, 1.06)
    mask = scaled_mask(item.image, measured)
    lines = text_lines(mask)
    if not lines:
        return [], []
    line = max(lines, key=lambda ln: mask[ln.y0:ln.y1].sum())
    f = W0 / measured
    feats, labels = [], []
    for centre, digit in zip(item.centres, item.digits):
        x = centre * f + rng.uniform(-0.12, 0.12) * W0
        feats.append(features(window(mask, line, x)))
        labels.append(int(digit))
    return feats, labels


def dataset(fonts: tuple[tuple[str, str, int], ...], seed: int, lines: int) -> tuple[np.ndarray, np.ndarray]:
    """Slot features and labels of ``lines`` random numbers per font."""
    rng = random.Random(seed)
    xs, ys = [], []
    for _, path, index in fonts:
        for _ in range(lines):
            f, y = slot_samples(render(path, index, random_number(rng), rng), rng)
            xs += f
            ys += y
    return np.array(xs, np.float32), np.array(ys)


def fit(x: np.ndarray, y: np.ndarray) -> DigitModel:
    """A multinomial logistic regression on standardised features, the scaling folded in."""
    from sklearn.linear_model import LogisticRegression

    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-3
    clf = LogisticRegression(C=0.05, max_iter=2000)
    clf.fit((x - mean) / std, y)
    coef = (clf.coef_ / std).T.astype(np.float32)
    bias = (clf.intercept_ - (clf.coef_ * (mean / std)).sum(axis=1)).astype(np.float32)
    return DigitModel(coef, bias)


def number_accuracy(model: DigitModel, font: tuple[str, str, int], seed: int) -> tuple[int, int]:
    """Whole numbers read right by ``read_number`` (cut, decoded) out of ``TEST_NUMBERS`` drawn
    in ``font`` (the page's zero width measured to within 6 %)."""
    rng = random.Random(seed)
    right = 0
    for _ in range(TEST_NUMBERS):
        item = render(font[1], font[2], random_number(rng), rng)
        got = read_number(item.image, item.width * rng.uniform(0.94, 1.06), model)
        right += got is not None and got[0] == str(int(item.digits))
    return right, TEST_NUMBERS


def card_figures() -> tuple[DigitModel, list[str]]:
    """The final model (all fonts) and the card's figures: per held-out generator font, slot and
    whole-number accuracy of a model trained without it."""
    lines = []
    for i, held in enumerate(HELD_OUT):
        rest = tuple(f for f in FONTS if f != held)
        model = fit(*dataset(rest, SEED, LINES_PER_FONT))
        x, y = dataset((held,), SEED + 100 + i, 150)
        slots = float((model.log_probs(x).argmax(axis=1) == y).mean())
        right, total = number_accuracy(model, held, SEED + 200 + i)
        lines.append(f"held out {held[0]}: slots {slots:.1%} of {len(y)}, numbers {right}/{total}")
    return fit(*dataset(FONTS, SEED, LINES_PER_FONT)), lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the model (.npz)")
    args = parser.parse_args(argv)
    missing = [path for _, path, _ in FONTS if not Path(path).is_file()]
    if missing:
        print(f"digittrain: font files missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    model, lines = card_figures()
    np.savez_compressed(args.out, coef=model.coef, bias=model.bias)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
