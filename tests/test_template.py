"""Table recovery on layouts the seeds do not cover: stacked, split, dropped, blank, failing rules."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from pathlib import Path

import pytest

from extractor.ingest.document import Row
from extractor.ingest.textdump import load_text
from extractor.layout.sections import find_headings
from extractor.template.spec import template
from extractor.template.tables import map_tables
from tests.conftest import EXAMPLES, extract_plain

COLS = ["natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service", "legal_other", "total"]


def t3_values(version: str) -> dict[str, list[int]]:
    """A table 三 that satisfies every rule: 5 new + 1 carried = 4 processed + 2 carried forward."""
    rows = {r.id: [0] * 7 for r in template(version).t3_data_rows}
    rows["new_received"] = [3, 1, 0, 0, 1, 0, 5]
    rows["carried_over"] = [1, 0, 0, 0, 0, 0, 1]
    rows["granted"] = [2, 1, 0, 0, 0, 0, 3]
    rows["unable_not_held"] = [1, 0, 0, 0, 0, 0, 1]
    rows["total_processed"] = [3, 1, 0, 0, 0, 0, 4]
    rows["carried_forward"] = [1, 0, 0, 0, 1, 0, 2]
    return rows


def render(version: str, rows: dict[str, list], row_line, header: str, t4: str = "\t".join(["0"] * 15)) -> str:
    """A minimal report text around table 三 rendered row by row with ``row_line``."""
    lines = ["某某县统计局2021年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳。",
             "三、收到和处理政府信息公开申请情况", header]
    for spec in template(version).t3_rows:
        lines.extend(row_line(spec.label, rows.get(spec.id)))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议\t行政诉讼", t4,
              "五、存在的主要问题及改进情况", "一是人员不足；二是培训不够。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines) + "\n"


HEADER = "申请人情况\t自然人\t法人或其他组织\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"


def tab_row(label, values):
    return [label] if values is None else [label + "\t" + "\t".join(str(v) for v in values)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_one_cell_per_line_with_stacked_header(tmp_path):
    rows = t3_values("2021")

    def one_per_line(label, values):
        return [label] if values is None else [label, *map(str, values)]

    header = "\n".join("申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计")
    report = extract_plain(write(tmp_path, render("2021", rows, one_per_line, header)))
    for row_id, values in rows.items():
        assert [report.tables.t3[row_id][c] for c in COLS] == values, row_id
    assert all(c.ok for c in report.checks)


def test_labels_spaced_and_split_across_lines(tmp_path):
    rows = t3_values("2019")

    def mangled(label, values):
        spaced = " ".join(label) if len(label) < 12 else label
        if values is None:
            return [spaced]
        head, tail = spaced[: len(spaced) // 2 + 1], spaced[len(spaced) // 2 + 1:]
        return [head + "\t" + "\t".join(map(str, values)), tail]

    report = extract_plain(write(tmp_path, render("2019", rows, mangled, HEADER)))
    for row_id, values in rows.items():
        assert [report.tables.t3[row_id][c] for c in COLS] == values, row_id


def test_lost_total_cell_is_placed_by_the_rules_and_inferred(tmp_path):
    rows = t3_values("2021")

    def drop_total_of_new(label, values):
        if values is not None and label.startswith("一、"):
            values = values[:-1]
        return tab_row(label, values)

    report = extract_plain(write(tmp_path, render("2021", rows, drop_total_of_new, HEADER)))
    cell = next(c for c in report.cells if c.row == "new_received" and c.col == "total")
    assert (cell.value, cell.status) == (5, "inferred")
    assert report.tables.t3["new_received"]["natural_person"] == 3


def test_blanks_and_slashes_are_null_not_zero(tmp_path):
    rows = t3_values("2021")

    def blank_or_slash(label, values):
        if values is None:
            return [label]
        return [label + "\t" + "\t".join("/" if v == 0 else str(v) for v in values[:-1]) + "\t" + str(values[-1])]

    report = extract_plain(write(tmp_path, render("2021", rows, blank_or_slash, HEADER)))
    assert report.tables.t3["new_received"]["legal_research"] is None
    assert report.tables.t3["new_received"]["total"] == 5
    assert not any(c.rule == "T3_ROW_TOTAL" and c.scope == "new_received" for c in report.checks)


def test_failing_rule_is_reported(tmp_path):
    rows = t3_values("2021")
    rows["granted"] = [2, 1, 0, 0, 0, 0, 4]  # printed total disagrees with its parts
    report = extract_plain(write(tmp_path, render("2021", rows, tab_row, HEADER)))
    failing = {(c.rule, c.scope) for c in report.checks if not c.ok}
    assert ("T3_ROW_TOTAL", "granted") in failing
    assert ("T3_RESULTS_SUM", "total") in failing
    assert any("T3_ROW_TOTAL" in w for w in report.warnings)


@pytest.mark.parametrize("broken, rule", [
    ("1\t0\t0\t0\t2\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", "T4_REVIEW_SUM"),
    ("0\t0\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0", "T4_LIT_DIRECT_SUM"),
    ("0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t2\t1", "T4_LIT_AFTER_REVIEW_SUM"),
])
def test_table_four_rules(tmp_path, broken, rule):
    report = extract_plain(write(tmp_path, render("2021", t3_values("2021"), tab_row, HEADER, t4=broken)))
    assert {c.rule for c in report.checks if not c.ok} == {rule}


def test_balance_rule_fails_when_carry_is_wrong(tmp_path):
    rows = t3_values("2021")
    rows["carried_forward"] = [1, 0, 0, 0, 1, 0, 3]
    report = extract_plain(write(tmp_path, render("2021", rows, tab_row, HEADER)))
    bad = {(c.rule, c.scope) for c in report.checks if not c.ok}
    assert ("T3_BALANCE", "total") in bad and ("T3_ROW_TOTAL", "carried_forward") in bad


def test_negative_count_fails_nonneg_but_negative_change_is_allowed(tmp_path):
    rows = t3_values("2019")
    text = render("2019", rows, tab_row, HEADER).replace(
        "三、收到和处理", "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
        "行政许可\t12\t-3\t40\n其他对外管理服务事项\t2\t0\t-1\n三、收到和处理")
    report = extract_plain(write(tmp_path, text))
    assert report.tables.t2["art20_5"]["admin_license"] == {"prev_year_items": 12, "change": -3, "decisions": 40}
    nonneg = next(c for c in report.checks if c.rule == "NONNEG_INT" and c.scope == "t2")
    assert not nonneg.ok and nonneg.cells == ["t2.art20_5.other_mgmt_services.decisions"]


def test_formats_are_detected_per_table(tmp_path):
    """A 2021 report that keeps the 2019 table 二 headers: t2 is 2019, t3 is 2021."""
    t2 = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
          "规章\t0\t0\t0\n规范性文件\t3\t3\t17\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额（万元）\n政府集中采购\t2\t1.5\n")
    text = render("2021", t3_values("2021"), tab_row, HEADER).replace("三、收到和处理", t2 + "三、收到和处理")
    report = extract_plain(write(tmp_path, text))
    assert report.metadata.table_formats == {"t2": "2019", "t3": "2021"}
    assert report.tables.t2["art20_1"]["normative_docs"]["total_published"] == 17
    assert report.tables.t2["art20_9"]["central_procurement"]["procurement_amount"] == 15000


def test_numbers_stated_in_the_overview_are_checked_against_the_tables(tmp_path):
    text = render("2021", t3_values("2021"), tab_row, HEADER).replace(
        "本年度工作平稳。", "本年度共收到政府信息公开申请6件，办结4件。")
    report = extract_plain(write(tmp_path, text))
    soft = {c.scope: c for c in report.checks if c.rule == "TEXT_VS_T3"}
    assert soft["new_received.total"].ok is False and soft["new_received.total"].expected == 6
    assert soft["total_processed.total"].ok is True


def test_printed_legal_subtotal_column_is_checked_and_dropped(tmp_path):
    """Some reports print a 法人或其他组织 subtotal between 自然人 and the five kinds."""
    rows = t3_values("2021")

    def with_subtotal(label, values):
        if values is None:
            return [label]
        return tab_row(label, [values[0], sum(values[1:6]), *values[1:]])

    report = extract_plain(write(tmp_path, render("2021", rows, with_subtotal, HEADER.replace("法人或其他组织", "法人或其他组织小计"))))
    for row_id, values in rows.items():
        assert [report.tables.t3[row_id][c] for c in COLS] == values, row_id
    subtotal_checks = [c for c in report.checks if c.rule == "T3_LEGAL_SUBTOTAL"]
    assert subtotal_checks and all(c.ok for c in subtotal_checks)
    assert all(c.ok for c in report.checks if c.severity == "hard")


def test_negative_money_fails_nonneg(tmp_path):
    """Money may be a decimal but never negative: NONNEG_INT names the cell."""
    t2 = ("二、主动公开政府信息情况\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额（万元）\n政府集中采购\t2\t-1.5\n")
    text = render("2019", t3_values("2019"), tab_row, HEADER).replace("三、收到和处理", t2 + "三、收到和处理")
    report = extract_plain(write(tmp_path, text))
    assert report.tables.t2["art20_9"]["central_procurement"]["procurement_amount"] == -15000
    nonneg = next(c for c in report.checks if c.rule == "NONNEG_INT" and c.scope == "t2")
    assert not nonneg.ok and nonneg.cells == ["t2.art20_9.central_procurement.procurement_amount"]


def test_decimal_money_passes_nonneg(tmp_path):
    t2 = ("二、主动公开政府信息情况\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额（万元）\n政府集中采购\t2\t1.55\n")
    text = render("2019", t3_values("2019"), tab_row, HEADER).replace("三、收到和处理", t2 + "三、收到和处理")
    report = extract_plain(write(tmp_path, text))
    assert next(c for c in report.checks if c.rule == "NONNEG_INT" and c.scope == "t2").ok


def test_verified_means_a_passing_hard_rule_covers_the_cell(tmp_path):
    rows = t3_values("2021")
    rows["granted"] = [2, 1, 0, 0, 0, 0, 4]  # the row total is wrong: T3_ROW_TOTAL(granted) fails
    report = extract_plain(write(tmp_path, render("2021", rows, tab_row, HEADER)))
    cells = {f"{c.table}.{c.row}.{c.col}" if c.row else f"{c.table}.{c.col}": c for c in report.cells}
    # natural_person of granted: its row rule fails, its column rule (T3_RESULTS_SUM natural_person) passes
    assert cells["t3.granted.natural_person"].verified
    # granted.total: in the failing row rule and in the failing T3_RESULTS_SUM(total): no passing rule
    assert not cells["t3.granted.total"].verified and cells["t3.granted.total"].status == "read"
    assert cells["t3.new_received.total"].verified
    assert all(c.verified for c in cells.values() if c.table == "t4")
    assert all(c.value is not None for c in cells.values() if c.verified)


def test_an_inferred_cell_is_verified_neither_by_its_rule_nor_by_one_over_suspect_cells(tmp_path):
    """new_received loses its total: T3_BALANCE(total) infers it (so verifies nothing), and the row's
    own rule holds only over the cells its ambiguous placement chose (suspect): no verification."""
    rows = t3_values("2021")

    def drop_total_of_new(label, values):
        return tab_row(label, values[:-1] if values is not None and label.startswith("一、") else values)

    report = extract_plain(write(tmp_path, render("2021", rows, drop_total_of_new, HEADER)))
    cells = {(c.row, c.col): c for c in report.cells if c.table == "t3"}
    assert (cells["new_received", "total"].value, cells["new_received", "total"].status) == (5, "inferred")
    assert cells["new_received", "legal_service"].status == "suspect"
    assert not cells["new_received", "total"].verified
    assert next(c for c in report.checks if c.rule == "T3_ROW_TOTAL" and c.scope == "new_received").ok


def test_a_lost_cell_is_never_inferred_from_suspect_cells(tmp_path):
    """13 numbers for 14 columns: where the lost one was is ambiguous, so the row is suspect and the
    sum that could fill review_total (3 from 1+2+0+0) must not: a doubtful value is no basis."""
    t4 = "1 2 0 0 1 0 0 0 1 0 0 1 0 1"
    report = extract_plain(write(tmp_path, render("2021", t3_values("2021"), tab_row, HEADER, t4=t4)))
    cells = {c.col: c for c in report.cells if c.table == "t4"}
    assert (cells["review_maintain"].value, cells["review_maintain"].status) == (1, "suspect")
    assert (cells["review_total"].value, cells["review_total"].status, cells["review_total"].verified) == \
        (None, "missing", False)


def _mended(rows: list[Row], label: str, index: int, repairs: tuple[str, ...]) -> list[Row]:
    out = []
    for row in rows:
        if row.spans[0].text == label:
            row = Row([replace(s, repairs=repairs) if i == index else s for i, s in enumerate(row.spans)], row.table)
        out.append(row)
    return out


def test_a_mended_reading_no_passing_rule_covers_is_suspect(tmp_path):
    """Span.repairs (joined, split, engines disagree) make a reading weak: it stands only under a passing rule."""
    t2 = "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t12\t-3\t40\n"
    text = render("2019", t3_values("2019"), tab_row, HEADER).replace("三、收到和处理", t2 + "三、收到和处理")
    rows = load_text(write(tmp_path, text)).rows
    rows = _mended(_mended(rows, "行政许可", 3, ("joined",)), "（一）予以公开", 1, ("split", "engines-disagree"))
    result = map_tables(rows, find_headings(rows), 2020)
    weak, covered = result.slots["t2.art20_5.admin_license.decisions"], result.slots["t3.granted.natural_person"]
    assert (weak.value, weak.status, weak.verified) == (40, "suspect", False)
    assert any(w == "t2.art20_5.admin_license.decisions: suspect (no passing rule covers it; reading weak: joined)"
               for w in result.warnings)
    assert (covered.value, covered.status, covered.verified) == (2, "read", True)
    plain = result.slots["t2.art20_5.admin_license.prev_year_items"]
    assert (plain.value, plain.status, plain.verified) == (12, "read", False)


def _flattened(version: str, count: int, seed: int) -> str:
    """A report whose 本年新收 row carries ``count`` numbers (a table flattened onto one line)."""
    rng = random.Random(seed)

    def long_row(label, values):
        if values is not None and label.startswith("一、"):
            return [label + " " + " ".join(str(rng.randint(0, 3000)) for _ in range(count))]
        return tab_row(label, values)

    return render(version, t3_values(version), long_row, HEADER, t4=" ".join(str(rng.randint(0, 50)) for _ in range(count)))


@pytest.mark.parametrize("count", [30, 80, 200])
def test_a_row_with_too_many_values_is_fast_and_flagged(tmp_path, count):
    path = write(tmp_path, _flattened("2021", count, count))
    rows = load_text(path).rows
    started = time.perf_counter()
    result = map_tables(rows, find_headings(rows), 2021)
    assert time.perf_counter() - started < 5
    row = [s for k, s in result.slots.items() if k.startswith("t3.new_received.")]
    assert {s.status for s in row} == {"suspect"} and not any(s.verified for s in row)
    assert {s.status for k, s in result.slots.items() if k.startswith("t4.")} == {"suspect"}
    assert f"t3.new_received: too many values ({count} for 7 columns): not placed by the arithmetic; " \
           "the first ones taken, cells suspect" in result.warnings


def test_two_hundred_numbers_on_one_line_extract_in_under_5_s(tmp_path):
    extract_plain(EXAMPLES / "synthetic_text_2021_00010.txt")  # models loaded once, as in a batch
    path = write(tmp_path, _flattened("2021", 200, 7))
    started = time.perf_counter()
    extract_plain(path)
    assert time.perf_counter() - started < 5


def test_extra_values_are_dropped_by_the_arithmetic_when_one_placement_fits(tmp_path):
    rows = t3_values("2021")

    def page_number_inside(label, values):
        if values is not None and label.startswith("一、"):
            return tab_row(label, [3, 1, 0, 17, 0, 1, 0, 5])  # a stray "17" (a page number) mid-row
        return tab_row(label, values)

    report = extract_plain(write(tmp_path, render("2021", rows, page_number_inside, HEADER)))
    assert [report.tables.t3["new_received"][c] for c in COLS] == [3, 1, 0, 0, 1, 0, 5]
    assert {c.status for c in report.cells if c.row == "new_received"} == {"read"}
    assert "t3.new_received: 1 extra value(s) dropped by the arithmetic" in report.warnings


def test_extra_values_in_an_ocrd_row_leave_it_suspect_even_when_one_placement_fits(tmp_path):
    """A ruled grid gives one value per column: on a scan an extra value is a foreign mark (a page
    number read between a table's halves), and the fit that drops it may hold by chance."""
    rows = t3_values("2021")

    def page_number_inside(label, values):
        if values is not None and label.startswith("一、"):
            return tab_row(label, [3, 1, 0, 17, 0, 1, 0, 5])
        return tab_row(label, values)

    text = load_text(write(tmp_path, render("2021", rows, page_number_inside, HEADER))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    result = map_tables(ocr, find_headings(ocr), 2022)
    cells = [result.slots[f"t3.new_received.{c}"] for c in COLS]
    assert [(c.value, c.status) for c in cells] == [(v, "suspect") for v in (3, 1, 0, 0, 1, 0, 5)]
    assert "t3.new_received: 1 extra value(s) in an OCR'd row dropped by the arithmetic; cells suspect" \
        in result.warnings


def test_an_ocrd_row_read_blank_where_its_rule_needs_a_number_is_suspect(tmp_path):
    """A blank in an OCR'd t4 group leaves its sum unchecked: the values beside it (the feet of a row
    split by a page break look just like this) are suspect; the same row from a text layer stays read."""
    t4 = "\t".join(["1", "2", "", "0", "3"] + ["0"] * 10)
    text = load_text(write(tmp_path, render("2021", t3_values("2021"), tab_row, HEADER, t4=t4))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    for rows, status in ((ocr, "suspect"), (text, "read")):
        result = map_tables(rows, find_headings(rows), 2022)
        review = [result.slots[f"t4.review_{c}"] for c in ("maintain", "correct", "other", "pending", "total")]
        assert [(c.value, c.status) for c in review] == [(1, status), (2, status), (None, "read"), (0, status),
                                                         (3, status)]
        assert result.slots["t4.lit_direct_total"].status == "read"


def test_extra_values_two_placements_fit_leave_the_row_suspect(tmp_path):
    rows = t3_values("2021")

    def ambiguous(label, values):
        if values is not None and label.startswith("一、"):
            return tab_row(label, [0, 0, 0, 0, 0, 1, 0, 1])  # the 1 is 社会公益组织 or 法律服务机构: no rule tells
        return tab_row(label, values)

    report = extract_plain(write(tmp_path, render("2021", rows, ambiguous, HEADER)))
    assert {c.status for c in report.cells if c.row == "new_received"} == {"suspect"}
    assert not any(c.verified for c in report.cells if c.row == "new_received")
    assert "t3.new_received: placement ambiguous; first consistent taken" in report.warnings


def test_a_224_kb_one_line_text_is_bounded(tmp_path):
    """A real report repeated on one line (newlines lost, as in some web copies): was > 200 s in alignment."""
    extract_plain(EXAMPLES / "synthetic_text_2021_00010.txt")
    line = " ".join((EXAMPLES / "002_39b0fcea5e7e8854.txt").read_text(encoding="utf-8").split("\n"))
    path = write(tmp_path, " ".join([line] * (224_000 // len(line.encode()) + 1)))
    started = time.perf_counter()
    report = extract_plain(path)
    assert time.perf_counter() - started < 20
    assert not any(c.status == "read" and c.value is not None and not c.verified and c.table != "t2"
                   for c in report.cells if any("too many values" in w for w in report.warnings))


def test_a_table_flattened_onto_one_line_is_read_row_by_row(tmp_path):
    """Web copies lose the line breaks: "一、本年新收… 3 1 0 0 1 0 5 二、上年结转… 1 0 0 0 0 0 1 …" on one line."""
    rows = t3_values("2019")
    lines = render("2019", rows, tab_row, HEADER).split("\n")
    start, stop = lines.index("三、收到和处理政府信息公开申请情况") + 1, next(i for i, x in enumerate(lines) if x.startswith("四、"))
    lines[start:stop] = [" ".join(" ".join(lines[start:stop]).split())]
    report = extract_plain(write(tmp_path, "\n".join(lines)))
    for row_id, values in rows.items():
        assert [report.tables.t3[row_id][c] for c in COLS] == values, row_id
    assert all(c.verified and c.status == "read" for c in report.cells if c.table == "t3")


def test_prose_with_scattered_numbers_is_not_taken_for_a_flattened_table():
    from extractor.ingest.document import Span
    from extractor.template.numbers import tokenize

    tokens = tokenize(Span("注：本表数据截至 2021 年 12 月 31 日"), False)
    assert [t.kind for t in tokens] == ["text"]
    tokens = tokenize(Span("规章 0 0 5 规范性文件 3 1.5 万元 12"), False)
    assert [(t.kind, t.raw) for t in tokens] == [("text", "规章"), ("value", "0"), ("value", "0"), ("value", "5"),
                                                 ("text", "规范性文件"), ("value", "3"), ("value", "1.5 万元"),
                                                 ("value", "12")]


def test_a_numbering_whose_closing_bracket_a_fax_lost_still_opens_its_row():
    """On a fax "（二）部分公开（区分处理的…" came out as "（二部分公开（区分处理的…": the unclosed bracket
    was taken for an aside and swallowed the whole label, so the row's seven values were lost."""
    from extractor.template.match import label, score, split_label

    read = "（二部分公开（区分处理的，只计这一情形，不计其他情形"
    assert split_label(read) == ("(二)", "部分公开")
    assert score(read, label("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")) == 1.0
    assert score(read, label("denied", "（三）不予公开")) == 0.0


def _garbled(labels: dict[str, str]):
    """Tab rows of table 三 with the labels starting with a key of ``labels`` read as its value."""
    def row_line(label, values):
        return tab_row(next((v for k, v in labels.items() if label.startswith(k)), label), values)
    return row_line


def test_a_ruled_row_whose_label_a_fax_garbled_is_placed_by_its_place_and_stays_suspect(tmp_path):
    """A fax garbles "（二）部分公开…" past any fuzzy match and "（三）不予公开 1.属于国家秘密" with it: each
    ruled row of values still is the next template row (the row above holds its seven cells), not
    seven more values for "(一)予以公开" or values dropped under the heading; placed by their place,
    the values are suspect, and the rows whose labels were read stay as they were."""
    rows = t3_values("2021")
    rows["partial"] = [1, 0, 0, 0, 0, 0, 1]
    rows["denied_state_secret"] = [0, 0, 1, 0, 0, 0, 1]
    rows["total_processed"] = [4, 1, 1, 0, 0, 0, 6]
    rows["new_received"] = [4, 1, 1, 0, 1, 0, 7]
    row_line = _garbled({"（二）": "百分公1区处理", "1.属于国家秘密": "1.周干田宋"})
    text = load_text(write(tmp_path, render("2021", rows, row_line, HEADER))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    result = map_tables(ocr, find_headings(ocr), 2022)
    for row in ("partial", "denied_state_secret"):
        cells = [result.slots[f"t3.{row}.{c}"] for c in COLS]
        assert [(c.value, c.status, c.verified) for c in cells] == [(v, "suspect", False) for v in rows[row]]
    granted = [result.slots[f"t3.granted.{c}"] for c in COLS]
    assert [(c.value, c.status) for c in granted] == [(v, "read") for v in rows["granted"]]
    assert not any("too many values" in w for w in result.warnings)


def test_a_row_of_a_few_values_after_a_full_row_is_not_taken_for_the_next_row(tmp_path):
    """Only a row's worth of cells opens a row by its place: two values with no label after a full
    row are no template row (they go with the row above, which then has too many and is suspect)."""
    rows = t3_values("2021")

    def stray(label, values):
        lines = tab_row(label, values)
        return lines + ["\t".join(["", "7", "7"])] if label.startswith("（一）") else lines

    text = load_text(write(tmp_path, render("2021", rows, stray, HEADER))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    result = map_tables(ocr, find_headings(ocr), 2022)
    assert [result.slots[f"t3.partial.{c}"].value for c in COLS] == rows["partial"]
    assert all(result.slots[f"t3.granted.{c}"].status == "suspect" for c in COLS)


def test_a_2021_table_three_whose_long_markers_a_fax_garbled_is_still_2021(tmp_path):
    """"申请人无正当理由逾期不补正" read "申请人尤止当理由通期不补正" (3 glyphs of 13 wrong): table 三 is
    still 2021 and keeps its three (六) rows; a 2019 table with nothing like it stays 2019."""
    rows = t3_values("2021")
    rows["other_no_correction"] = [1, 0, 0, 0, 0, 0, 1]
    rows["unable_not_held"] = [0, 0, 0, 0, 0, 0, 0]
    mangled = {"1.申请人无正当理由逾期不补正": "1.申请人尤止当理由通期不补正、行政机关不再处理其政府信息公开申请",
               "2.申请人逾期未按收费通知": "2.中请人逾期未按收费通如要求缴纳费用、行政机关不再处理其政府信息公开申请"}
    text = load_text(write(tmp_path, render("2021", rows, _garbled(mangled), HEADER))).rows
    result = map_tables(text, find_headings(text), 2022)
    assert result.formats["t3"] == "2021"
    assert result.slots["t3.other_no_correction.total"].value == 1
    old = load_text(write(tmp_path, render("2019", t3_values("2019"), tab_row, HEADER))).rows
    assert map_tables(old, find_headings(old), 2019).formats["t3"] == "2019"


def test_a_header_row_of_column_numbers_opens_no_row(tmp_path):
    """Some tables number their columns under the header ("1 2 3 4 5 6 7"): a ruled row of values
    with no label is no template row, or every row after it would be taken one row down."""
    rows = t3_values("2021")
    text = load_text(write(tmp_path, render("2021", rows, tab_row, HEADER + "\n\t1\t2\t3\t4\t5\t6\t7"))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    result = map_tables(ocr, find_headings(ocr), 2022)
    for row in ("new_received", "carried_over", "granted"):
        assert [result.slots[f"t3.{row}.{c}"].value for c in COLS] == rows[row]
        assert {result.slots[f"t3.{row}.{c}"].status for c in COLS} == {"read"}


def test_the_first_row_of_table_two_whose_short_label_a_fax_garbled_opens_by_its_place_and_stays_suspect(tmp_path):
    """"规章" read "规章一" (a cell rule taken for a glyph) matches no label exactly, and the
    header's stricter floor let no row of table 二 open at all: every row after it was lost. The
    first ruled row of values whose label resembles the first label is that row, weak (suspect)."""
    lines = ["某某县统计局2021年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳。",
             "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "规章一\t0\t6\t10", "行政规范性文件\t0\t10\t12",
             "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    text = load_text(write(tmp_path, "\n".join(lines))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    slots = map_tables(ocr, find_headings(ocr), 2022).slots
    cols = ("issued", "abolished", "in_force")
    assert [(slots[f"t2.art20_1.regulations.{c}"].value, slots[f"t2.art20_1.regulations.{c}"].status)
            for c in cols] == [(0, "suspect"), (6, "suspect"), (10, "suspect")]
    assert [slots[f"t2.art20_1.normative_docs.{c}"].value for c in cols] == [0, 10, 12]


def test_two_rows_of_table_two_whose_labels_a_fax_garbled_are_placed_in_order_and_stay_suspect(tmp_path):
    """Both rows of 第二十条第（一）项 garbled beyond any likeness (as a fax read them: "印立",
    "行政规总性工件"): the next label read, 行政许可, is three rows on with one garbled row of values
    between, so the two rows are placed in order, by their place only: suspect, never verified."""
    lines = ["某某县统计局2021年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳。",
             "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "印立\t0\t30\t0", "行政规总性工件\t3\t18\t0", "第二十条第（五）项", "信息内容\t本年处理决定数量",
             "行政许可\t7", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
             "五、存在的主要问题及改进情况"]
    text = load_text(write(tmp_path, "\n".join(lines))).rows
    ocr = [Row([replace(s, method="ocr") for s in r.spans], r.table) for r in text]
    slots = map_tables(ocr, find_headings(ocr), 2022).slots
    cols = ("issued", "abolished", "in_force")
    for row, want in (("regulations", [0, 30, 0]), ("normative_docs", [3, 18, 0])):
        cells = [slots[f"t2.art20_1.{row}.{c}"] for c in cols]
        assert [(c.value, c.status, c.verified) for c in cells] == [(v, "suspect", False) for v in want]
    assert (slots["t2.art20_5.admin_license.decisions"].value, slots["t2.art20_5.admin_license.decisions"].status) == (7, "read")


def test_carried_over_in_the_overview_is_not_read_as_carried_forward():
    """"含上年度结转申请34件" states table 三's carried_over, not 结转下年度 (a real 2024 city report)."""
    from extractor.text.facts import stated_numbers

    found = stated_numbers("全年共答复3050件（含上年度结转申请34件，另有103件顺延到下年度）。")
    assert "t3.carried_forward.total" not in found
    assert stated_numbers("办结40件，结转下年度继续办理5件。")["t3.carried_forward.total"] == ("TEXT_VS_T3", 5)
