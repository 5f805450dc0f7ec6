"""Word-processor files python-docx cannot open (.doc, RTF, .odt), read through LibreOffice.

Archives keep many older reports as Word 97-2003 files. Here the office generator's Word files —
narrow columns whose numbers wrap, merged label cells, vertical header text — are saved by a real
LibreOffice as .doc, RTF and .odt, the way a clerk's "save as" makes them, and each is extracted and
compared with the report's truth cell by cell. Damaged files and a missing LibreOffice must end in
one line and the right exit code.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.bench.corpus import compare_tables
from extractor.bench.hostile import docx_with
from extractor.bench.office import OfficeStyle, office_report, soffice_export, write_office_docx
from extractor.errors import ExitCode, InputFileError
from extractor.ingest.sniff import sniff
from tests.conftest import extract_plain

#: 2019/17 wraps numbers two digits a line; 2021/46 stacks its headers top to bottom (tbRl)
CASES = (("2019", 17), ("2021", 46))
KINDS = ("doc", "rtf", "odt")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Path, dict]]]:
    """Each case's .docx and its copies saved by LibreOffice as .doc, RTF and .odt, with the truth."""
    folder = tmp_path_factory.mktemp("saved")
    docx, truths = [], []
    for fmt, seed in CASES:
        report = office_report(seed, fmt)  # type: ignore[arg-type]
        docx.append(write_office_docx(report, OfficeStyle.random(seed), folder / f"office_{fmt}_{seed:05d}.docx"))
        truths.append(report.truth)
    out: dict[str, list[tuple[Path, dict]]] = {"docx": list(zip(docx, truths))}
    for kind in KINDS:
        out[kind] = list(zip(soffice_export(docx, folder / kind, kind), truths))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_saved_copies_read_to_the_truth(saved: dict[str, list[tuple[Path, dict]]], kind: str) -> None:
    for path, truth in saved[kind]:
        assert sniff(path) == kind
        report = extract_plain(path)
        assert report.source.kind == kind and report.source.path == str(path)
        assert any("by LibreOffice" in w for w in report.warnings)
        assert compare_tables(truth, report.tables.model_dump()) == []
        assert len(report.sections) == 6
        assert all(c.status == "read" for c in report.cells if c.value is not None)


@pytest.mark.slow
def test_a_saved_copy_reads_as_its_docx(saved: dict[str, list[tuple[Path, dict]]]) -> None:
    """The conversion loses nothing the record holds: sections and items match the .docx's."""
    original = extract_plain(saved["docx"][1][0])
    for kind in KINDS:
        copy = extract_plain(saved[kind][1][0])
        assert copy.sections == original.sections
        assert copy.metadata == original.metadata
        assert [p.text for p in copy.problems] == [p.text for p in original.problems]


def _cli(path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extractor", "extract", "--no-classify", str(path)],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_a_scrambled_doc_is_one_line_and_an_input_error(saved: dict[str, list[tuple[Path, dict]]], tmp_path: Path) -> None:
    data = bytearray(saved["doc"][0][0].read_bytes())
    data[512:40_000] = random.Random(5).randbytes(40_000 - 512)
    bad = tmp_path / "noise.doc"
    bad.write_bytes(bytes(data))
    done = _cli(bad)
    assert done.returncode == ExitCode.input_file
    assert done.stderr.strip().splitlines() == [f"nianbao: {bad}: LibreOffice could not open this Word 97-2003 (.doc) file"]


def test_a_truncated_doc_and_an_odt_bomb_are_refused_before_libreoffice(
        saved: dict[str, list[tuple[Path, dict]]], tmp_path: Path) -> None:
    half = tmp_path / "half.doc"
    whole = saved["doc"][0][0].read_bytes()
    half.write_bytes(whole[: len(whole) // 2])  # the directory naming its streams sits past the middle
    with pytest.raises(InputFileError, match="no Word document in it"):
        sniff(half)
    bomb = docx_with(saved["odt"][0][0], tmp_path / "bomb.odt", add_zeros={"Pictures/big.png": 200 << 20})
    assert sniff(bomb) == "odt"
    with pytest.raises(InputFileError, match="inflates to 200 MB"):
        extract_plain(bomb)


@pytest.mark.slow
def test_without_libreoffice_a_doc_is_a_missing_dependency(saved: dict[str, list[tuple[Path, dict]]]) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    done = _cli(saved["doc"][0][0], env)
    assert done.returncode == ExitCode.missing_dependency
    assert len(done.stderr.strip().splitlines()) == 1 and "LibreOffice (soffice) is not installed" in done.stderr
