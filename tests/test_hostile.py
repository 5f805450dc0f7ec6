"""Hostile and unusual inputs (issue 9): bounded memory, right results, and a lean run of the hostile corpus.

The full corpus is ``python -m extractor.bench hostile`` (docs/benchmarks/hostile.md); here the
ingest guards are tested directly on small generated files, and a few corpus cases run end to end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from extractor.api import extract
from extractor.bench.hostile import FULL_WIDTH, docx_with, image_pdf, render_any, signed_at_end, tiff_with_huge_second_frame
from extractor.errors import InputFileError, MissingDependencyError
from extractor.ingest.sniff import decode_text, sniff
from extractor.settings import Settings

PLAIN = Settings(classify=False)


def _core(path: Path) -> dict:
    record = extract(path, PLAIN).model_dump(mode="json")
    return {"metadata": record["metadata"], "tables": record["tables"], "checks": record["checks"],
            "cells": [{k: v for k, v in c.items() if k not in ("page", "bbox")} for c in record["cells"]]}


def test_docx_zip_bomb_is_refused_before_python_docx_reads_it(tmp_path: Path) -> None:
    from extractor.ingest.docx import load_docx

    base = render_any("docx", tmp_path / "base.docx")
    bomb = docx_with(base, tmp_path / "bomb.docx", add_zeros={"word/media/image1.png": 200 << 20})
    assert bomb.stat().st_size < 2 << 20
    with pytest.raises(InputFileError, match="inflates to 200 MB"):
        load_docx(bomb)


def test_every_tiff_frame_is_checked_against_the_pixel_limit(tmp_path: Path) -> None:
    from extractor.ingest.image import open_image

    with pytest.raises(InputFileError, match="page 2: image of 25000×25000 px is too large"):
        open_image(tiff_with_huge_second_frame(tmp_path / "scan.tif"))


def test_pdf_page_images_are_checked_before_rendering(tmp_path: Path) -> None:
    from extractor.ingest.pdf import open_pdf

    huge = tmp_path / "huge.pdf"
    huge.write_bytes(image_pdf(20000, 20000))
    with pytest.raises(InputFileError, match="20000×20000 px"):
        open_pdf(huge)


def test_non_regular_files_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    with pytest.raises(InputFileError, match="named pipe"):
        sniff(tmp_path / "pipe.txt")
    with pytest.raises(InputFileError, match="link loop"):
        sniff(tmp_path / "loop.txt")
    with pytest.raises(InputFileError, match="character device"):
        sniff(Path("/dev/zero"))


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-16"])
def test_one_decoder_for_every_text_encoding(encoding: str) -> None:
    text = "五、存在的主要问题及改进情况\n一是公开不够及时。二是解读形式单一。\n"
    assert decode_text(text.encode(encoding)) == text


def test_full_width_digits_read_like_ascii(tmp_path: Path) -> None:
    """A signature date typed full-width (２０２４年１月１３日) used to lose the publication date."""
    plain = tmp_path / "plain.txt"
    plain.write_text(signed_at_end(render_any("text", tmp_path / "base.txt").read_text(encoding="utf-8")), encoding="utf-8")
    wide = tmp_path / "wide.txt"
    wide.write_text(plain.read_text(encoding="utf-8").translate(FULL_WIDTH), encoding="utf-8")
    expected, got = _core(plain), _core(wide)
    assert expected["metadata"]["published"] is not None
    assert got == expected


@pytest.fixture(scope="module")
def aes_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    import subprocess

    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed (scripts/install.sh installs it)")
    folder = tmp_path_factory.mktemp("aes")
    plain = render_any("pdf", folder / "plain.pdf")
    locked = folder / "aes.pdf"
    subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--print=none", "--", str(plain), str(locked)], check=True)
    return plain, locked


@pytest.mark.slow
def test_aes_pdf_with_empty_user_password_reads_like_the_plain_file(aes_pdf: tuple[Path, Path]) -> None:
    plain, locked = aes_pdf
    assert _core(locked) == _core(plain)


def test_a_table_engine_that_cannot_decrypt_stops_the_file(aes_pdf: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the crypto package the tables used to come out wrong behind a warning, exit 0."""
    import playa.security

    monkeypatch.setattr(playa.security, "default_backend", None)
    with pytest.raises(MissingDependencyError, match="decrypt"):
        extract(aes_pdf[1], PLAIN)


LEAN = ["text-gbk", "docx-billion-laughs", "tiff-huge-second-frame", "fifo", "out-onto-user-text", "ocr-engine-bogus",
        "export-mistyped-sqlite"]


@pytest.mark.slow
def test_hostile_corpus_lean_subset(tmp_path: Path) -> None:
    from extractor.bench.hostilerun import run

    results = run(tmp_path, {"text-utf8", *LEAN})
    assert len(results) == len(LEAN) + 1
    failed = [(r.case.name, r.problems) for r in results if r.status == "FAIL"]
    assert not failed
