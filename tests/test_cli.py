"""The command line as a user meets it: exit codes, one-line errors, atomic outputs, validate."""

from __future__ import annotations

import json
import os
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


# issue 9: every unwritable destination or bad argument is one line and its exit code, before any work

def _user_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("extra, code, message", [
    (lambda d: ["--timeout", "-1"], 2, "--timeout"),
    (lambda d: ["--timeout", "nan", "--out", str(d / "r.jsonl")], 2, "--timeout"),
    (lambda d: ["--ocr-engine", "bogus"], 2, "--ocr-engine"),
    (lambda d: ["--out", str(d / "r.jsonl"), "--out-dir", str(d / "o")], 2, "not both"),
    (lambda d: ["--out-dir", str(_user_file(d / "notes.txt", b"mine"))], 5, "not a folder"),
    (lambda d: ["--out-dir", "/proc/nianbao-out"], 5, "cannot write"),
    (lambda d: ["--out-dir", "/sys/kernel"], 5, "cannot write"),
    (lambda d: ["--out", str(_user_file(d / "diary.txt", "第一行\n第二行".encode()))], 5, "not a results file"),
    (lambda d: ["--out", str(_user_file(d / "mine.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"))], 5, "not a results file"),
])
def test_bad_destination_or_argument_is_refused_before_work(tmp_path, extra, code, message):
    args = extra(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = nianbao("extract", "--no-classify", str(SEED), *args)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert not (tmp_path / "r.jsonl").exists() and not (tmp_path / "o").exists()


def test_stdout_on_a_full_device_is_exit_5(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "extractor", "extract", "--no-classify", str(SEED)],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert result.returncode == 5 and len(result.stderr.strip().splitlines()) == 1


def test_single_file_extract_has_a_time_limit(tmp_path):
    result = nianbao("extract", "--no-classify", str(SEED), "--timeout", "0.05")
    assert result.returncode == 7 and "timed out" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_files_honour_the_umask(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", "--no-classify", str(SEED), "--out-dir", str(out)],
                            capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    assert (out / f"{SEED.stem}.json").stat().st_mode & 0o777 == 0o644


def test_export_from_a_mistyped_sqlite_path_is_an_error(tmp_path):
    typo = tmp_path / "reprots.db"
    result = nianbao("export", "--db", f"sqlite:///{typo}", "--format", "csv", str(tmp_path / "csv"))
    assert result.returncode == 3 and "no SQLite database" in result.stderr
    assert not typo.exists() and not (tmp_path / "csv").exists()


def test_load_skips_a_non_utf8_line_and_loads_the_rest(tmp_path):
    from extractor.output.db import row_counts

    record = nianbao("extract", "--no-classify", str(SEED))
    assert record.returncode == 0, record.stderr
    line = json.dumps(json.loads(record.stdout), ensure_ascii=False).encode("utf-8")
    results = _user_file(tmp_path / "r.jsonl", b'{"note": "\xb2\xe2\xca\xd4"}\n' + line + b"\n")
    db = f"sqlite:///{tmp_path / 'r.db'}"
    loaded = nianbao("load", str(results), "--db", db)
    assert loaded.returncode == 0, loaded.stderr
    assert "r.jsonl:1: not UTF-8" in loaded.stderr and "inserted 1" in loaded.stderr
    assert row_counts(db)["reports"] == 1


SECTION_FIVE = ("五、存在的主要问题及改进情况\n（一）存在的问题。一是信息公开的及时性有待提高，部分栏目更新不够及时。"
                "二是政策解读形式较为单一。\n（二）改进措施。下一步，我们将加强业务培训，丰富政策解读形式。\n")


def test_classify_reads_gbk_text_like_extract_does(tmp_path):
    utf8 = _user_file(tmp_path / "utf8.txt", SECTION_FIVE.encode("utf-8"))
    gbk = _user_file(tmp_path / "gbk.txt", SECTION_FIVE.encode("gbk"))
    out = tmp_path / "out"
    result = nianbao("classify", str(utf8), str(gbk), "--out-dir", str(out))
    assert result.returncode == 0, result.stderr
    a, b = (json.loads((out / f"{name}.json").read_text(encoding="utf-8")) for name in ("utf8", "gbk"))
    assert a["problems"] and [p["text"] for p in a["problems"]] == [p["text"] for p in b["problems"]]
    assert a["improvements"] == b["improvements"]
