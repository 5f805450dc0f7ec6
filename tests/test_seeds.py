"""The five bundled real reports give exactly their printed values (null where the report is blank)."""

from __future__ import annotations

import pytest

from extractor.template.spec import template
from tests.conftest import EXAMPLES, extract_plain

T2_2019 = {
    "000": {"art20_1": {"regulations": [2, 2, 2], "normative_docs": [0, 0, 0]},
            "art20_5": {"admin_license": [0, 0, 0], "other_mgmt_services": [0, 0, 0]},
            "art20_6": {"admin_penalty": [0, 0, 0], "admin_coercion": [0, 0, 0]},
            "art20_8": {"admin_fees": [0, 0]}, "art20_9": {"central_procurement": [5, 77900]}},
    "002": {"art20_1": {"regulations": [0, 0, 0], "normative_docs": [1, 1, 1]},
            "art20_5": {"admin_license": [2, 0, 0], "other_mgmt_services": [6, 0, 0]},
            "art20_6": {"admin_penalty": [25, 0, 0], "admin_coercion": [1, 0, 0]},
            "art20_8": {"admin_fees": [1, 0]}, "art20_9": {"central_procurement": [0, 0]}},
    "003": {"art20_1": {"regulations": [0, 0, 0], "normative_docs": [0, 0, 0]},
            "art20_5": {"admin_license": [0, 6, 0], "other_mgmt_services": [0, 0, 0]},
            "art20_6": {"admin_penalty": [0, 0, 0], "admin_coercion": [0, 0, 0]},
            "art20_8": {"admin_fees": [0, 0]}, "art20_9": {"central_procurement": [1, 597920]}},
    "004": {"art20_1": {"regulations": [0, 0, 0], "normative_docs": [0, 0, 0]},
            "art20_5": {"admin_license": [0, 0, 0], "other_mgmt_services": [0, 0, 0]},
            "art20_6": {"admin_penalty": [0, 0, 0], "admin_coercion": [0, 0, 0]},
            "art20_8": {"admin_fees": [0, 0]}, "art20_9": {"central_procurement": [4, 40053]}},
}
T2_001 = {"art20_1": {"regulations": [0, 0, 0], "normative_docs": [2, 0, 3]}, "art20_5": {"admin_license": [0]},
          "art20_6": {"admin_penalty": [0], "admin_coercion": [0]}, "art20_8": {"admin_fees": [0]}}

SEEDS = {
    # stem prefix: (format, year, agency, problem items, sections present in the source)
    "000": ("2019", 2020, "广西东兴国家重点开发开放试验区管理委员会", 3, 6),
    "001": ("2021", 2022, "自治区北部湾办", 2, 6),
    "002": ("2019", 2020, "钦州市工业和信息化局", 2, 6),
    "003": ("2019", 2020, "彭阳县王洼产业园区管理委员会", 4, 6),
    "004": ("2019", 2020, "湛江奋勇高新区办公室", 3, 5),  # the dump ends inside section 五
}


def _seed(prefix: str):
    return extract_plain(next(EXAMPLES.glob(f"{prefix}_*.txt")))


@pytest.fixture(scope="module")
def reports():
    return {prefix: _seed(prefix) for prefix in SEEDS}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_metadata_sections_and_items(reports, prefix):
    fmt, year, agency, n_problems, n_sections = SEEDS[prefix]
    report = reports[prefix]
    assert report.metadata.format == fmt
    assert report.metadata.year == year
    assert report.metadata.agency == agency
    assert len(report.sections) == n_sections
    assert len(report.problems) == n_problems
    assert all(p.text for p in report.problems)


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_table_two_values(reports, prefix):
    report = reports[prefix]
    expected = T2_001 if prefix == "001" else T2_2019[prefix]
    tpl = template(report.metadata.table_formats["t2"])
    for block in tpl.t2:
        for row in block.rows:
            got = [report.tables.t2[block.id][row.id][c.id] for c in block.columns]
            assert got == expected[block.id][row.id], (block.id, row.id)


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_tables_three_and_four_values(reports, prefix):
    report = reports[prefix]
    tpl = template(report.metadata.table_formats["t3"])
    for row in tpl.t3_data_rows:
        values = report.tables.t3[row.id]
        if prefix == "003":  # only the 总计 column is filled; the rest is printed blank
            assert values["total"] == 0
            assert all(values[c.id] is None for c in tpl.t3_cols[:-1]), row.id
        else:
            assert all(v == 0 for v in values.values()), row.id
    assert list(report.tables.t4.values()) == [0] * 15
    assert all(c.ok for c in report.checks)


def test_dropped_total_column_is_inferred_not_read(reports):
    """Seed 002 loses the 总计 column in six rows: the rules restore it, marked inferred."""
    cells = {(c.row, c.col): c for c in reports["002"].cells if c.table == "t3"}
    assert cells[("new_received", "total")].status == "inferred"
    assert cells[("new_received", "total")].value == 0
    assert cells[("denied_state_secret", "total")].status == "read"


def test_money_is_normalised_to_yuan_and_raw_kept(reports):
    cell = next(c for c in reports["000"].cells if c.col == "procurement_amount")
    assert cell.value == 77900 and cell.raw == "7.79 万"


def test_published_date_and_contacts(reports):
    assert reports["001"].metadata.published == "2023-01-31"
    assert reports["000"].metadata.published == "2021-01-20"
    contacts = reports["000"].metadata.contacts
    assert "538001" in contacts.postcodes
    assert any("dxsyq.gxzf.gov.cn" in w for w in contacts.websites)
    assert contacts.emails == ["syqfwzx@163.com"]
