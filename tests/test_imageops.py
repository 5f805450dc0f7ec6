import numpy as np
import pytest

from extractor.layout import imageops
from scanhelp import rotated, ruled_table, text_image

LINES = ["一、总体情况", "本机关认真贯彻落实《条例》要求，全年主动公开政府信息125条。", "二、主动公开政府信息情况"] * 4


@pytest.mark.parametrize("angle", [-2.5, -1.2, 0.7, 1.5])
def test_estimate_skew_undoes_rotation(angle):
    page = rotated(text_image(LINES), angle)
    assert imageops.estimate_skew(page) == pytest.approx(-angle, abs=0.15)


def test_skew_of_blank_page_is_zero():
    assert imageops.estimate_skew(np.full((800, 600), 255, np.uint8)) == 0.0


def test_normalize_contrast_restores_faded_ink_on_grey_paper():
    page = text_image(LINES).astype(np.float32)
    faded = (110 + page * (205 - 110) / 255).astype(np.uint8)  # ink 110, paper 205
    out = imageops.normalize_contrast(faded)
    ink = page < 100
    assert np.median(out[~ink]) >= 245
    assert np.median(out[ink]) <= 60


def test_denoise_lowers_noise_and_keeps_strokes():
    page = ruled_table([["1", "2"], ["3", "4"]])
    noisy = np.clip(page + np.random.default_rng(0).normal(0, 20, page.shape), 0, 255).astype(np.uint8)
    out = imageops.denoise(noisy)
    assert imageops.noise_level(out) < imageops.noise_level(noisy) / 2
    assert (out < 128).sum() == pytest.approx((page < 128).sum(), rel=0.35)


def test_to_grey_accepts_rgba_and_16_bit():
    rgba = np.zeros((10, 10, 4), np.uint8)
    assert imageops.to_grey(rgba).max() == 255  # transparent → white paper
    assert imageops.to_grey(np.full((5, 5), 60000, np.uint16)).dtype == np.uint8
