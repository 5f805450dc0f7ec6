"""Real archived portal pages (tests/fixtures/realpages: page text of www.pingtan.gov.cn as crawled by a
public archive, gold written by reading each page): metadata exactly, section 五 cut at the signature,
flattened statistics tables never read into wrong cells.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.api import extract
from extractor.ingest.textdump import load_text
from extractor.settings import Settings

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
    """Digits of adjacent cells run together on page text: such cells stay missing, never read wrong."""
    report = extract(REAL / "pt-zone-2022.txt", PLAIN)
    cells = {"/".join(p for p in (c.table, c.row, c.col) if p): c for c in report.cells}
    for key, value in GOLD["pt-zone-2022.txt"]["table_cells"].items():
        assert cells[key].value == value
    read_t3 = [c for c in report.cells if c.table == "t3" and c.status == "read"]
    assert read_t3 == []


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
