"""Archives: portal pages of several layouts and years, pre-2019 reports, one agency across seven years.

Fixtures: tests/fixtures/portal/ (``python -m extractor.bench.archive tests/fixtures/portal`` rebuilds
them), gold written by reading each page (gold.json, series_gold.json).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from extractor.api import extract
from extractor.output.agencies import agency_key
from extractor.output.corpus_checks import corpus_checks
from extractor.output.db import connect_db, load
from extractor.settings import Settings

PORTAL = Path(__file__).parent / "fixtures" / "portal"
EXAMPLES = Path(__file__).parents[1] / "extractor" / "data" / "examples"
GOLD = json.loads((PORTAL / "gold.json").read_text(encoding="utf-8"))["pages"]
SERIES_GOLD = json.loads((PORTAL / "series_gold.json").read_text(encoding="utf-8"))
PLAIN = Settings(classify=False)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_portal_page_metadata_format_and_items(name: str) -> None:
    gold = GOLD[name]
    report = extract(PORTAL / name, PLAIN)
    meta = report.metadata
    assert (meta.agency, meta.year, meta.format) == (gold["agency"], gold["year"], gold["format"])
    assert (meta.published, meta.published_source) == (gold["published"], gold["published_source"])
    assert (len(report.problems), len(report.improvements)) == (gold["problems"], gold["improvements"])


@pytest.mark.parametrize("name", sorted(n for n, g in GOLD.items() if "text_dump" in g))
def test_portal_page_tables_equal_the_text_dump(name: str) -> None:
    """The page gives exactly the cells its report's text dump gives (pinned right by test_seeds)."""
    page = extract(PORTAL / name, PLAIN)
    dump = extract(next(EXAMPLES.glob(f"{GOLD[name]['text_dump']}_*.txt")), PLAIN)
    assert page.tables == dump.tables
    assert [(c.table, c.row, c.col, c.value, c.status) for c in page.cells] == \
        [(c.table, c.row, c.col, c.value, c.status) for c in dump.cells]


def test_portal_chrome_is_not_the_article() -> None:
    """Header buttons, navigation, sidebars, related links and footers stay out of the rows."""
    from extractor.ingest.html import load_html

    doc = load_html(PORTAL / "trs_2020_qinzhou.html")
    text = doc.text()
    for chrome in ("国务院", "省人大", "相关文章", "网站标识码", "当前位置", "分享到", "政府信息公开指南"):
        assert chrome not in text
    assert doc.rows[0].text == "钦州市工业和信息化局2020年政府信息公开工作年度报告"
    assert doc.meta["published"].startswith("2021-01-29") and doc.meta["source"] == "钦州市工业和信息化局"


def test_legacy_report_sections_table_facts_in_under_5_s() -> None:
    extract(PORTAL / "oldtable_2018_anping.html")  # warm the models: the budget is the report's own work
    start = time.perf_counter()
    report = extract(PORTAL / "series" / "2017.html")
    elapsed = time.perf_counter() - start
    assert elapsed < 5
    assert report.metadata.format == "legacy" and report.tables.t3 == {} and report.cells == []
    assert sorted(report.sections) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert report.sections["s3"].text.endswith("2017年，我局在政府信息公开工作中未收取任何费用。")  # 收费及减免 kept in s3
    assert "统计表" not in report.sections["s6"].text and "2018年1月26日" not in report.sections["s6"].text
    table = report.legacy.tables[0]
    assert table.title == "安平县交通运输局2017年政府信息公开情况统计表" and table.columns == ["统计数"]
    rows = {r.label: (r.values, r.unit) for r in table.rows}
    assert rows["（一）主动公开政府信息数"] == ([186], "条")
    assert rows["三、依申请公开收费情况"] == ([0], "万元")
    assert rows["一、主动公开情况"] == ([None], None)
    facts = {f.key: (f.value, f.section) for f in report.legacy.facts}
    assert facts == {"proactive_total": (186, "s2"), "applications": (7, "s3"), "answered": (7, "s3"),
                     "reviews": (1, "s4"), "lawsuits": (0, "s4")}
    review = next(f for f in report.legacy.facts if f.key == "reviews")
    assert review.sentence.startswith("2017年，我局因政府信息公开被申请行政复议1件")


def test_report_of_2019_format_is_not_legacy_even_with_old_headings(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    text = (EXAMPLES / next(p.name for p in EXAMPLES.glob("002_*.txt"))).read_text(encoding="utf-8")
    path.write_text(text.replace("2020", "2018"), encoding="utf-8")  # a year misprinted: the template tables decide
    assert extract(path, PLAIN).metadata.format == "2019"


@pytest.fixture(scope="module")
def series_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("series")
    results = work / "results.jsonl"
    with results.open("w", encoding="utf-8") as out:
        for path in sorted((PORTAL / "series").glob("20*")):
            out.write(extract(path, PLAIN).model_dump_json() + "\n")
    url = f"sqlite:///{work / 'series.db'}"
    load(results, url)
    return url


def test_cross_year_checks_report_exactly_the_breaks_found_by_hand(series_db: str) -> None:
    engine = connect_db(series_db)
    with engine.connect() as conn:
        findings = corpus_checks(conn)
    engine.dispose()
    got = sorted([f.check, f.year_a, f.cell_a, f.year_b, f.cell_b, f.expected, f.actual] for f in findings)
    assert got == sorted(SERIES_GOLD["findings"]), got
    assert {f.agency for f in findings} == {"安平县交通运输局"} and all(f.level == "county" for f in findings)
    duplicate = next(f for f in findings if f.check == "DUPLICATE_REPORT")
    assert {Path(duplicate.path_a).name, Path(duplicate.path_b).name} == {"2023.html", "2023_copy.txt"}


def test_indicators_match_a_hand_computation(series_db: str) -> None:
    """2021 page, read by hand: 新收 21, 上年结转 4, 予以公开 5, 不予公开 1+1, 无法提供 4+1+1, 总计 23, 复议 0;
    2017 (legacy): 申请 7, 复议 1, 诉讼 0 from its prose; 2018 申请 9: change +2/7."""
    from sqlalchemy import text

    engine = connect_db(series_db)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.year, i.indicator, i.value FROM indicators i JOIN reports r ON r.id = i.report_id"
            " WHERE r.year IN (2017, 2021)")).all()
        change = conn.execute(text(
            "SELECT change FROM indicator_changes WHERE year = 2018 AND indicator = 'applications_total'")).scalar_one()
    engine.dispose()
    values = {(year, name): value for year, name, value in rows}
    assert values[(2021, "applications_total")] == 25
    assert values[(2021, "granted_rate")] == pytest.approx(5 / 23)
    assert values[(2021, "denied_rate")] == pytest.approx(2 / 23)
    assert values[(2021, "unable_rate")] == pytest.approx(6 / 23)
    assert values[(2021, "review_correction_rate")] is None  # no review concluded: no rate, not 0
    assert (values[(2017, "applications_total")], values[(2017, "reviews")], values[(2017, "lawsuits")]) == (7, 1, 0)
    assert (2017, "granted_rate") not in values
    assert change == pytest.approx(2 / 7)


@pytest.mark.parametrize(("a", "b"), [
    ("安平县人民政府", "安平县 政府"),
    ("钦州市环境保护局", "钦州市生态环境局"),
    ("广西壮族自治区卫生和计划生育委员会", "广西壮族自治区卫生健康委员会"),
    ("彭阳县王洼产业园区管理委员会", "彭阳县王洼产业园区管委会"),
])
def test_agency_names_normalised(a: str, b: str) -> None:
    assert agency_key(a) == agency_key(b)


def test_former_names_and_distinct_agencies() -> None:
    assert agency_key("安平县交通局") == agency_key("安平县交通运输局")
    assert agency_key("甲县老名字局", {"甲县老名字局": "甲县新名字局"}) == agency_key("甲县新名字局")
    assert agency_key("安平县交通运输局") != agency_key("安平县民政局")


def test_legacy_report_with_200_numbers_on_one_line_in_under_5_s(tmp_path: Path) -> None:
    """A statistics table flattened onto one line (web copies): the legacy path never aligns it to a template."""
    text = (PORTAL / "articles" / "legacy_2018.txt").read_text(encoding="utf-8")
    flat = " ".join(str(n) for n in range(200))
    path = tmp_path / "flat.txt"
    path.write_text(text.replace("二、主动公开政府信息情况\n", f"二、主动公开政府信息情况\n{flat}\n"), encoding="utf-8")
    extract(PORTAL / "oldtable_2018_anping.html", PLAIN)  # warm
    start = time.perf_counter()
    report = extract(path, PLAIN)
    assert time.perf_counter() - start < 5
    assert report.metadata.format == "legacy" and flat in report.sections["s2"].text


def test_check_command_prints_each_finding_and_refuses_a_bad_names_file(series_db: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, ["check", "--db", series_db])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 + len(SERIES_GOLD["findings"])
    assert any(line.startswith("T3_CROSS_YEAR_CARRY\t安平县交通运输局\t2020 #") and "t3.carried_over.natural_person" in line
               for line in lines)
    bad = tmp_path / "names.json"
    bad.write_text('{"former_names": ["not", "a", "map"]}', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--db", series_db, "--names", str(bad)])
    assert result.exit_code == 2 and "former_names" in result.output


@pytest.mark.parametrize(("lines", "expected"), [
    (["一、概述", "正文。", "二、主动公开政府信息情况", "三、依申请公开、不予公开及咨询政府信息情况",
      "四、申请行政复议、提起行政诉讼和申诉的情况", "五、政府信息公开的收费及减免情况", "六、工作存在的主要问题及下步打算"],
     ["s1", "s2", "s3", "s4", "s3", "s5"]),
    (["第一部分 概述", "第二部分 主动公开政府信息的情况", "第三部分 依申请公开政府信息和不予公开政府信息的情况",
      "第四部分 因政府信息公开申请行政复议、提起行政诉讼的情况", "第五部分 政府信息公开工作存在的主要问题及改进情况",
      "第六部分 其他需要报告的事项"], ["s1", "s2", "s3", "s4", "s5", "s6"]),
    (["（一）主动公开情况", "1、依申请公开", "我局主动公开信息120条。"], []),
])
def test_legacy_headings_by_their_words_not_their_numbers(lines: list[str], expected: list[str]) -> None:
    from extractor.ingest.document import text_row
    from extractor.text.legacy import legacy_headings

    assert [h.section for h in legacy_headings([text_row(line) for line in lines])] == expected


def test_legacy_section_keeps_its_prose_around_a_table_and_stops_before_the_appendix(tmp_path: Path) -> None:
    text = (PORTAL / "articles" / "legacy_2018.txt").read_text(encoding="utf-8")
    text = text.replace("全年主动公开政府信息213条", "|类别|条数|\n|工作动态|150|\n|政策文件|63|\n全年主动公开政府信息213条")
    text = text.replace("本年度无其他需要报告的事项。", "本年度无其他需要报告的事项。\n|指标|数量|\n|申请数|9|\n附件：统计说明")
    path = tmp_path / "l.txt"
    path.write_text(text, encoding="utf-8")
    report = extract(path, PLAIN)
    assert report.sections["s2"].text.startswith("全年主动公开政府信息213条")
    assert report.sections["s6"].text == "本年度无其他需要报告的事项。"
    assert [t.section for t in report.legacy.tables] == ["s2", "s6"]
    assert report.legacy.tables[0].rows[0].values == [150]


def test_item_count_carry_of_the_2019_format_is_checked(series_db: str, tmp_path: Path) -> None:
    """2019 行政事业性收费 9 items, change −6 → 2020 must start from 3; a 2020 page saying 5 is a break."""
    import shutil

    from sqlalchemy import text

    copy = tmp_path / "edited.db"
    shutil.copy(series_db.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = connect_db(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cells SET value = 5 WHERE tbl = 't2' AND row_id = 'art20_8.admin_fees' AND col_id = 'prev_year_items'"
                          " AND report_id = (SELECT id FROM reports WHERE year = 2020)"))
        findings = [f for f in corpus_checks(conn) if f.check == "T2_2019_ITEM_CARRY"]
    engine.dispose()
    assert [(f.year_a, f.cell_a, f.year_b, f.cell_b, f.expected, f.actual) for f in findings] == [
        (2019, "t2.art20_8.admin_fees.change", 2020, "t2.art20_8.admin_fees.prev_year_items", 3, 5)]


def test_legacy_table_with_year_column_headers_keeps_its_header() -> None:
    from extractor.ingest.document import table_row
    from extractor.template.generic import generic_tables

    rows = [table_row(["指标名称", "计量单位", "2014年度", "历年累计"]),
            table_row(["主动公开政府信息数", "条", "2069", "15320"]),
            table_row(["收到申请数", "件", "1", "12"])]
    table = generic_tables(rows, lambda _: "s2")[0]
    assert table.columns == ["2014年度", "历年累计"]
    assert [(r.label, r.values, r.unit) for r in table.rows] == [
        ("主动公开政府信息数", [2069, 15320], "条"), ("收到申请数", [1, 12], "件")]
