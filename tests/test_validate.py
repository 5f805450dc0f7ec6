"""`nianbao validate` re-derives a record from its own numbers: each tampering is named, first first."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from extractor.record import Report
from extractor.template.verify import disagreements
from tests.conftest import EXAMPLES, extract_plain


@pytest.fixture(scope="module")
def record() -> dict:
    """A real record (2021 text report with every table), as JSON."""
    return extract_plain(EXAMPLES / "synthetic_text_2021_00010.txt").model_dump(mode="json")


def _cell(data: dict, key: str) -> dict:
    return next(c for c in data["cells"] if ".".join(p for p in (c["table"], c["row"], c["col"]) if p) == key)


def _check(data: dict, rule: str, scope: str) -> dict:
    return next(c for c in data["checks"] if c["rule"] == rule and c["scope"] == scope)


def _first(data: dict) -> str | None:
    return next(disagreements(Report.model_validate(data)), None)


def test_a_record_as_written_has_no_disagreement(record):
    assert _first(record) is None
    assert any(c["verified"] for c in record["cells"]) and not all(c["verified"] for c in record["cells"])


def _set_table(data: dict, value: object) -> None:
    data["tables"]["t3"]["granted"]["total"] = value


def _both(data: dict, value: object) -> None:
    _set_table(data, value)
    _cell(data, "t3.granted.total")["value"] = value


def _invent_row(data: dict) -> None:
    data["tables"]["t3"]["granted_twice"] = dict(data["tables"]["t3"]["granted"])


def _unknown_cell(data: dict) -> None:
    extra = dict(_cell(data, "t3.granted.total"), col="grand_total")
    data["cells"].append(extra)


def _check_names_unknown(data: dict) -> None:
    _check(data, "T3_ROW_TOTAL", "granted")["cells"][0] = "t3.granted.everyone"


def _ok_despite_numbers(data: dict) -> None:
    check = _check(data, "T3_ROW_TOTAL", "granted")
    check["expected"], check["ok"] = check["actual"] + 1, True


def _flip_ok(data: dict) -> None:
    check = _check(data, "T3_BALANCE", "total")
    check["ok"] = not check["ok"]


def _drop_check(data: dict) -> None:
    data["checks"] = [c for c in data["checks"] if not (c["rule"] == "T3_BALANCE" and c["scope"] == "total")]


def _flip_verified(data: dict) -> None:
    cell = _cell(data, "t3.granted.total")
    cell["verified"] = not cell["verified"]


def _verify_uncovered(data: dict) -> None:
    cell = next(c for c in data["cells"] if c["table"] == "t2" and c["value"] is not None)
    cell["verified"] = True


def _suspect_verified(data: dict) -> None:
    """A suspect cell is never verified: a rule may pass only because two wrong values balance."""
    _cell(data, "t3.granted.total")["status"] = "suspect"


def _verified_by_a_suspect_cell(data: dict) -> None:
    """A rule over a suspect cell verifies none of its cells: the record's flags must drop with it."""
    cell = _cell(data, "t4.review_correct")
    cell["status"], cell["verified"] = "suspect", False


def _nonneg_lies(data: dict) -> None:
    _check(data, "NONNEG_INT", "t3")["ok"] = False


def _missing_with_value(data: dict) -> None:
    _cell(data, "t3.granted.total")["status"] = "missing"


def _inferred_wrongly(data: dict) -> None:
    cell = next(c for c in data["cells"] if c["table"] == "t2" and c["value"] is not None)
    cell["status"] = "inferred"


def _cell_twice(data: dict) -> None:
    data["cells"].append(dict(_cell(data, "t3.granted.total")))


def _legacy_with_tables(data: dict) -> None:
    data["metadata"]["table_formats"]["t3"] = "legacy"


CASES: list[tuple[Callable[[dict], None], str]] = [
    (lambda d: _set_table(d, d["tables"]["t3"]["granted"]["total"] + 7), "cells["),
    (lambda d: _set_table(d, float("nan")), "tables.t3.granted.total: nan is not a finite number"),
    (lambda d: _both(d, float("inf")), "tables.t3.granted.total: inf is not a finite number"),
    (_invent_row, "tables.t3.granted_twice."),
    (_unknown_cell, "grand_total: no such cell in the template"),
    (_check_names_unknown, "names t3.granted.everyone, which the record does not hold"),
    (_ok_despite_numbers, "T3_ROW_TOTAL (granted): expected"),
    (_flip_ok, "T3_BALANCE (total): ok="),
    (_drop_check, "T3_BALANCE (total): the tables evaluate it but the record states no check"),
    (_flip_verified, "t3.granted.total: verified="),
    (_verify_uncovered, ": verified=True, the rules give False"),
    (_suspect_verified, "t3.granted.total: verified=True, the rules give False"),
    (_verified_by_a_suspect_cell, "t4.review_maintain: verified=True, the rules give False"),
    (_nonneg_lies, "NONNEG_INT (t3): ok=False cells=[], the tables give ok=True"),
    (_missing_with_value, "t3.granted.total: status missing with value"),
    (_inferred_wrongly, "the rules give None"),
    (_cell_twice, "t3.granted.total: cell given twice"),
    (_legacy_with_tables, "tables.t3: metadata.table_formats.t3 is 'legacy'"),
]


@pytest.mark.parametrize("tamper, named", CASES, ids=[c[1][:40] for c in CASES])
def test_each_tampering_is_named(record, tamper, named):
    data = copy.deepcopy(record)
    tamper(data)
    first = _first(data)
    assert first is not None and named in first, first


def test_a_reviewed_cell_is_accepted_when_consistent(record):
    data = copy.deepcopy(record)
    cell = next(c for c in data["cells"] if c["table"] == "t3" and c["verified"])
    cell["status"] = "reviewed"
    assert _first(data) is None


def test_a_record_without_verified_flags_is_not_judged_on_them(record):
    data = copy.deepcopy(record)
    for cell in data["cells"]:
        del cell["verified"]
    assert _first(data) is None


def test_cli_exit_9_with_the_first_disagreement_in_one_line(record, tmp_path):
    data = copy.deepcopy(record)
    _cell(data, "t3.granted.total")["value"] = float("nan")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # json writes NaN literally
    result = subprocess.run([sys.executable, "-m", "extractor", "validate", str(path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 9 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "cells[" in result.stderr and "nan is not a finite number" in result.stderr


def test_a_legacy_record_without_template_tables_is_accepted(record):
    data = copy.deepcopy(record)
    data["metadata"]["format"] = "legacy"
    data["metadata"]["table_formats"] = {"t2": "legacy", "t3": "legacy"}
    data["tables"], data["cells"] = {"t2": {}, "t3": {}, "t4": {}}, []
    data["checks"] = []
    assert _first(data) is None


def test_a_printed_subtotal_check_is_recomputed_on_the_side_the_record_holds(tmp_path):
    from tests.test_template import HEADER, render, t3_values, tab_row, write

    def with_subtotal(label, values):
        return [label] if values is None else tab_row(label, [values[0], sum(values[1:6]), *values[1:]])

    text = render("2021", t3_values("2021"), with_subtotal, HEADER.replace("法人或其他组织", "法人或其他组织小计"))
    data = extract_plain(write(tmp_path, text)).model_dump(mode="json")
    assert _first(data) is None
    check = next(c for c in data["checks"] if c["rule"] == "T3_LEGAL_SUBTOTAL" and c["expected"])
    check["expected"] += 1
    assert f"T3_LEGAL_SUBTOTAL ({check['scope']}): expected {check['expected']}, the cells give" in _first(data)
