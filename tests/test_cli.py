"""The command line as a user meets it: exit codes, one-line errors, atomic outputs, validate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

SEED = next(EXAMPLES.glob("002_*.txt"))


def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True, timeout=300)


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, code, message", [
    (lambda d: d / "missing.txt", 3, "no such file"),
    (lambda d: _file(d / "empty.txt", b""), 3, "empty file"),
    (lambda d: _file(d / "junk.bin", bytes(range(256)) * 40), 3, "unsupported input"),
    (lambda d: _file(d / "x.zip", b"PK\x03\x04garbage"), 3, "zip"),
    (lambda d: d, 2, "a folder input needs --out"),
    (lambda d: _file(d / "minutes.txt", "会议纪要\n今天讨论了食堂菜单。\n".encode()), 3, "not an information-disclosure"),
])
def test_bad_input_is_one_line_and_an_exit_code(tmp_path, make, code, message):
    target = make(tmp_path)
    result = nianbao("extract", "--no-classify", str(target))
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = nianbao("extract", "--no-classify", str(bad), str(SEED), "--out-dir", str(out))
    assert result.returncode == 10
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"{SEED.stem}.json"]
    record = json.loads((out / written[0]).read_text(encoding="utf-8"))
    assert record["metadata"]["agency"] == "钦州市工业和信息化局"


def test_stdout_for_one_input_and_validate_roundtrip(tmp_path):
    result = nianbao("extract", "--no-classify", str(SEED))
    assert result.returncode == 0, result.stderr
    record = tmp_path / "r.json"
    record.write_text(result.stdout, encoding="utf-8")
    ok = nianbao("validate", str(record))
    assert ok.returncode == 0 and "valid" in ok.stdout

    tampered = json.loads(result.stdout)
    tampered["tables"]["t3"]["granted"]["total"] = 7
    record.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    bad = nianbao("validate", str(record))
    assert bad.returncode == 9 and "inconsistent record: cells[" in bad.stderr and "t3.granted.total" in bad.stderr

    record.write_text('{"schema_version": "1"}', encoding="utf-8")
    assert nianbao("validate", str(record)).returncode == 9


def test_schema_file_in_repo_is_current():
    from extractor.record import json_schema

    shipped = json.loads((Path(__file__).parents[1] / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema()
