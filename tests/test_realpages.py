"""Real archived portal pages (tests/fixtures/realpages: page text of www.pingtan.gov.cn as crawled by a
public archive, gold written by reading each page): metadata exactly, section 五 cut at the signature,
flattened statistics tables never read into wrong cells.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.api import extract
from extractor.bench.portalbench import item_matches
from extractor.ingest.document import Span
from extractor.ingest.textdump import load_text
from extractor.settings import Settings
from extractor.template.align import align
from extractor.template.numbers import Token
from extractor.template.rules import Equation

REAL = Path(__file__).parent / "fixtures" / "realpages"
GOLD = json.loads((REAL / "gold.json").read_text(encoding="utf-8"))["pages"]
PLAIN = Settings(classify=False)
FIELDS = ("agency", "year", "published", "published_source", "format")


@pytest.mark.parametrize("name", ["pt-county-2012.txt", "pt-dishui-2013.txt", "pt-zone-2017.txt", "pt-zone-2022.txt"])
def test_real_page_metadata(name: str) -> None:
    """County signature + appendix, a department, portal chrome with the CMS's wrong 来源, no title in the body."""
    meta = extract(REAL / name, PLAIN).metadata.model_dump()
    assert {f: meta[f] for f in FIELDS} == {f: GOLD[name][f] for f in FIELDS}


def test_archive_header_is_page_meta_and_run_on_body_is_cut_at_headings() -> None:
    doc = load_text(REAL / "pt-county-2012.txt")
    assert doc.meta == {"title": "平潭县人民政府2012年政府信息公开工作年度报告", "published": "2013-01-17 00:00",
                        "source": "平潭县人民政府"}
    short = [r.text for r in doc.rows if len(r.text) < 40]
    assert short == ["平潭县人民政府2012年政府信息公开工作年度报告", "一、 概述", "二、主动公开政府信息情况",
                     "三、政府信息依申请公开工作情况", "四、政府信息公开工作存在的主要问题及改进情况",
                     "平潭县人民政府 2013年1月16日", "附件1：平潭县人民政府2012年政府信息公开情况统计表"]


def test_section_five_stops_before_signature_and_flattened_table() -> None:
    report = extract(REAL / "pt-county-2012.txt", PLAIN)
    text = report.sections["s5"].text
    assert text.endswith("将信息公开评议和考核工作常规化、日常化。")
    assert "统计表" not in text and "2013年1月16日" not in text


def test_flattened_template_tables_leave_no_wrong_cell_read() -> None:
    """Digits of adjacent cells run together on page text: a row is cut where its own arithmetic holds
    ("713000074" → 71 3 0 0 0 0 74); a row two cuts fit ("220000022": 22 … 22 or 2 20 … 22) is settled by
    the table's column equations (商业企业's 总计 is 1, so not 20); no wrong value leaves as read or inferred."""
    for page in ("pt-zone-2019.txt", "pt-zone-2021.txt", "pt-zone-2023.txt", "pt-zone-2025.txt"):
        report = extract(REAL / page, PLAIN)
        cells = {"/".join(p for p in (c.table, c.row, c.col) if p): c for c in report.cells}
        for key, value in GOLD[page]["table_cells"].items():
            assert cells[key].value == value or cells[key].status in ("suspect", "missing"), (page, key)
        assert all(c.value is None or c.value < 1000 for c in report.cells if c.status in ("read", "inferred"))
    report = extract(REAL / "pt-zone-2023.txt", PLAIN)
    cells = {"/".join(p for p in (c.table, c.row, c.col) if p): c for c in report.cells}
    granted = [cells[f"t3/granted/{col}"] for col in ("natural_person", "legal_commercial", "total")]
    assert [(c.value, c.status) for c in granted] == [(22, "read"), (0, "read"), (22, "read")]
    assert "granted: cut settled by the table's equations" in report.warnings


def test_run_together_row_is_cut_by_its_arithmetic_only() -> None:
    """One cut satisfying the row's equation is the reading; two, or none, leave the row unread."""
    keys = [f"t3.r.{c}" for c in ("a", "b", "c", "d", "e", "f", "total")]
    rule = Equation("T", "hard", "t3.r", "==", ((1, keys[-1]),), tuple((1, k) for k in keys[:-1]))
    cut = align([Token("value", "713000074", Span("713000074"))], keys, keys, [rule])
    assert [t.raw for t in cut.cells.values()] == ["71", "3", "0", "0", "0", "0", "74"] and not cut.suspect
    two = align([Token("value", "220000022", Span("220000022"))], keys, keys, [rule])
    assert two.suspect or two.cells[keys[0]] is None or two.cells[keys[0]].raw != "22"


def test_ordinary_dump_paragraph_with_numbered_points_is_not_cut(tmp_path: Path) -> None:
    """Only a line holding most of the page is taken for a run-together page; a long paragraph is left whole."""
    paragraph = "存在的主要问题：" + "一、公开形式单一的问题，" + "有待加强。" * 60 + "二、下一步改进措施，" + "继续推进。" * 60
    dump = tmp_path / "report.txt"
    dump.write_text("\n".join(["某县人民政府2020年政府信息公开工作年度报告", *["一段正文。" * 40] * 4, paragraph,
                               *["另一段正文。" * 40] * 4]), encoding="utf-8")
    rows = [r.text for r in load_text(dump).rows]
    assert paragraph in rows


def test_legacy_key_figures_come_from_their_own_sections() -> None:
    """概述 counts other things (采购信息188条, 受理申请136437件 at the service centre): never taken for the key figures."""
    county = {f.key: (f.value, f.section) for f in extract(REAL / "pt-county-2012.txt", PLAIN).legacy.facts}
    assert county == {"proactive_total": (2026, "s2"), "applications": (21, "s3"), "answered": (21, "s3"),
                      "reviews": (0, "s3")}
    zone = {f.key: f.value for f in extract(REAL / "pt-zone-2015.txt", PLAIN).legacy.facts}
    assert zone == {"proactive_total": 2949, "applications": 0, "reviews": 0, "lawsuits": 0}
    approvals = {f.key: f.value for f in extract(REAL / "pt-dishui-2013.txt", PLAIN).legacy.facts}
    assert "answered" not in approvals  # 受理审批事项117件，办结171件 are approvals, not answers to requests


def test_publication_date_from_a_label_value_list(tmp_path: Path) -> None:
    """Page text of a CMS that lists 索引号 / 发布机构 / 发布日期 with each value on the line after its
    label (the shape of several county portals' pages; wording here is ours): the date is read, from the text."""
    lines = ["登录 | 注册", "• 索引号", "000000000/2023-00001", "• 发布机构", "某某乡人民政府", "• 发布日期",
             "2023-02-02", "某某乡2022年政府信息公开工作年度报告", "一、总体情况", "本乡依法公开政府信息。",
             "二、主动公开政府信息情况", "规章\t0\t0\t0", "三、收到和处理政府信息公开申请情况", "全年未收到申请。",
             "四、政府信息公开行政复议、行政诉讼情况", "无。", "五、存在的主要问题及改进情况",
             "一是公开内容不够全面。下一步，我乡将加强培训。", "六、其他需要报告的事项", "无。"]
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    meta = extract(page, PLAIN).metadata
    assert (meta.agency, meta.year, meta.published, meta.published_source) == (
        "某某乡", 2022, "2023-02-02", "text")


def test_served_portal_page_reads_its_tables_whole() -> None:
    """The 2024 page as served (TRS CMS: header buttons, menus, 全真版/文字版 tabs around the article; label
    cells split over <p>s with &nbsp; runs, rowspan 22): metadata from the meta tags, every cell of the
    three tables as printed, section 五 from its own heading."""
    gold = GOLD["pt-zone-2024.html"]
    report = extract(REAL / "pt-zone-2024.html", PLAIN)
    assert {f: report.metadata.model_dump()[f] for f in FIELDS} == {f: gold[f] for f in FIELDS}
    cells = {"/".join(p for p in (c.table, c.row, c.col) if p): c for c in report.cells}
    assert {k: cells[k].value for k in gold["table_cells"]} == gold["table_cells"]
    assert report.sections["s5"].text.startswith("2024年，实验区政府信息公开工作取得了新进展新成果")


def test_other_site_portal_page_cells_items_and_signature_date() -> None:
    """沭阳县发改局's 2023 page (UCAP CMS, another site): no PubDate meta tag, so the date is the signature's;
    tables 二/三/四 every printed cell as printed (blank 法人 cells carry no gold); section 五's three items."""
    gold = GOLD["sy-fgj-2023.html"]
    report = extract(REAL / "sy-fgj-2023.html", PLAIN)
    meta = report.metadata
    assert (meta.year, meta.published, meta.published_source, meta.format) == (
        gold["year"], gold["published"], gold["published_source"], gold["format"])
    cells = {"/".join(p for p in (c.table, c.row, c.col) if p): c for c in report.cells}
    assert {k: cells[k].value for k in gold["table_cells"]} == gold["table_cells"]
    assert item_matches(report, gold) == (3, 3)


def test_other_site_portal_page_agency() -> None:
    """The info table above the title labels it 名称: the label is not part of the agency."""
    assert extract(REAL / "sy-fgj-2023.html", PLAIN).metadata.agency == GOLD["sy-fgj-2023.html"]["agency"]


@pytest.mark.parametrize(("head", "agency", "published"), [
    (["索引号 abc01/2023-00001 发文字号", "成文日期 2023-01-18 发布日期 2023-01-18",
      "标   题 县政府办2022年度政府信息公开工作年度报告", "发布机构 县政府办公室"], "县政府办", "2023-01-18"),
    (["某某镇人民政府2022年政府信息公开工作年度报告 |", "来源: 作者: 时间:2023-01-28 点击率:【 打印 】【 关闭 】 | ||||"],
     "某某镇人民政府", "2023-01-28"),
    (["某某县某某镇2022年政府信息公开工作年度报告 | ||||", "2023年01月19日 (点击: ) | ||||"], "某某县某某镇", "2023-01-19"),
    (["某某市人民政府", "首页 >> 乡镇信息公开 >> 某某镇", "某某镇2022年政府信息公开年度报告",
      "日期:2023年01月17日   作者:   来源:某某镇    点击:[]"], "某某镇", "2023-01-17"),
    (["2022年某某市政府信息公开工作年度报告", "字号:"], "某某市", None),
])
def test_page_head_forms_of_county_portals(tmp_path: Path, head: list[str], agency: str, published: str | None) -> None:
    """Title and date lines as several county portals' pages print them (shapes seen on real pages of other
    sites, wording ours): a 标题 label before the title, a year-first title, 时间/日期 or a bare date with a hit
    counter under the title. The report that follows has no signature, so the date comes from that line."""
    body = ["一、总体情况", "本年依法公开政府信息。", "二、主动公开政府信息情况", "规章\t0\t0\t0",
            "三、收到和处理政府信息公开申请情况", "全年未收到申请。", "四、政府信息公开行政复议、行政诉讼情况", "无。",
            "五、存在的主要问题及改进情况", "一是公开内容不够全面。下一步，将加强培训。", "六、其他需要报告的事项", "无。"]
    page = tmp_path / "page.txt"
    page.write_text("\n".join([*head, *body]), encoding="utf-8")
    meta = extract(page, PLAIN).metadata
    assert (meta.agency, meta.year, meta.published) == (agency, 2022, published)
    assert meta.published_source == ("text" if published else None)
