"""HTML ingest on generated pages: encodings, boilerplate, spanned/nested/flattened tables, e2e."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.bench.corpus import compare_tables
from extractor.bench.synth import random_report, render_html, render_text
from extractor.ingest.html import decode_html, load_html


def _row(doc, startswith: str):
    return next(r for r in doc.rows if r.spans[0].text.startswith(startswith) or
                any(s.text.startswith(startswith) for s in r.spans))


def test_gb2312_declared_page_with_gbk_only_glyphs_decodes(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gb2312"></head><body><p>朱镕基 政府信息公开</p></body></html>'
    path = tmp_path / "gb.html"
    path.write_bytes(page.encode("gbk"))  # 镕 is outside GB2312
    doc = load_html(path)
    assert doc.kind == "html"
    assert doc.rows[0].text == "朱镕基政府信息公开"
    assert decode_html("<p>年度报告</p>".encode("gb18030")) == "<p>年度报告</p>"
    assert decode_html("\ufeff<p>年度报告</p>".encode("utf-8")) == "<p>年度报告</p>"


def test_boilerplate_dropped_and_rowspan_cells_not_repeated(tmp_path: Path) -> None:
    r = random_report(21, "2019")
    path = tmp_path / "r.html"
    path.write_bytes(render_html(r, charset="gbk").encode("gbk"))
    doc = load_html(path)
    text = doc.text()
    assert "document.write" not in text and "简体版" not in text
    assert doc.rows[0].text == r.title
    first = _row(doc, "三、本年度办理结果")
    assert first.table and [s.text for s in first.spans[:2]] == ["三、本年度办理结果", "（一）予以公开"]
    second = _row(doc, "2.其他法律行政法规禁止公开")
    assert len(second.spans) == 8  # label + 7 values; the rowspan cells of 三 and （三） are not repeated
    assert [s.text for s in second.spans[1:]] == [str(v) for v in r.truth["t3"]["denied_law_prohibited"].values()]
    assert all(s.method == "html" and s.bbox is None for s in second.spans)


def test_layout_table_br_and_nested_data_table(tmp_path: Path) -> None:
    long_text = "我局认真贯彻落实政府信息公开条例。" * 30
    page = f"""<html><body><table><tr><td>
      <p>{long_text}</p><div>一、总体情况<br>第二行</div>
      <table border=1><tr><td>信息内容</td><td>本年新制作数量</td></tr>
        <tr><td>规章</td><td>3</td></tr><tr><td>规范性文件</td><td>&nbsp;</td></tr></table>
    </td></tr></table></body></html>"""
    path = tmp_path / "nested.html"
    path.write_text(page, encoding="utf-8")
    rows = load_html(path).rows
    texts = [(r.table, r.text) for r in rows]
    assert (False, "一、总体情况") in texts and (False, "第二行") in texts
    assert (True, "规章\t3") in texts
    assert (True, "规范性文件\t") in texts  # blank cell kept as ""
    assert not any(r.table and long_text[:20] in r.text for r in rows)


def test_flattened_tables_become_prose_lines(tmp_path: Path) -> None:
    r = random_report(4, "2021")
    path = tmp_path / "flat.html"
    path.write_text(render_html(r, flat=True), encoding="utf-8")
    doc = load_html(path)
    assert not any(row.table for row in doc.rows)
    lines = [row.text for row in doc.rows]
    i = lines.index("四、结转下年度继续办理")
    assert lines[i + 1:i + 8] == [str(v) for v in r.truth["t3"]["carried_forward"].values()]


def test_html_extracts_to_the_truth(tmp_path: Path) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    for seed, fmt, charset in ((31, "2019", "gbk"), (32, "2021", "utf-8"), (33, "2021", "gb2312")):
        r = random_report(seed, fmt)
        path = tmp_path / f"{seed}.html"
        path.write_bytes(render_html(r, charset=charset).encode("gb18030" if charset != "utf-8" else "utf-8"))
        report = extract(path, Settings(classify=False))
        assert report.source.kind == "html"
        assert compare_tables(r.truth, report.tables.model_dump()) == [], path.name


def test_report_pasted_into_pre_keeps_its_lines_and_sections(tmp_path: Path) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    r = random_report(5, "2021")

    path = tmp_path / "pre.html"
    body = render_text(r).replace("&", "&amp;").replace("<", "&lt;")
    path.write_text(f"<html><body><div class='nav'><a href='/'>首页</a></div><pre>{body}</pre></body></html>", encoding="utf-8")
    report = extract(path, Settings(classify=False))
    assert sorted(report.sections) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert report.metadata.agency == r.agency and report.metadata.year == r.year
    assert compare_tables(r.truth, report.tables.model_dump()) == []


@pytest.mark.parametrize("depth", [200, 20_000])
@pytest.mark.parametrize("wrap", [("<div>", "</div>"), ("<table><tr><td>", "</td></tr></table>")])
def test_deeply_nested_markup_is_read_not_a_recursion_error(tmp_path: Path, depth: int, wrap: tuple[str, str]) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + wrap[0] * depth + "<p>一、总体情况</p><p>本年度正文。</p>" + wrap[1] * depth
                    + "</body></html>", encoding="utf-8")
    doc = load_html(path)
    assert [r.text for r in doc.rows] == ["一、总体情况", "本年度正文。"]
    assert doc.warnings and "plain text" in doc.warnings[0]


def _page(tmp_path: Path, head: str, body: str) -> Path:
    path = tmp_path / "p.html"
    path.write_text(f"<html><head>{head}</head><body>{body}</body></html>", encoding="utf-8")
    return path


_REPORT = ("<div class='content'><p>某县民政局2017年政府信息公开工作年度报告</p><p>一、概述</p>"
           "<p>2017年，我局认真贯彻落实条例，全年主动公开信息120条，收到申请3件，均已答复。</p>"
           "<p>二、主动公开政府信息情况</p><p>全年主动公开信息120条，其中机构职能类10条，政策法规类30条，工作动态类80条，"
           "均通过县政府门户网站和政务公开栏发布，方便群众查阅。</p>{sign}</div>")


@pytest.mark.parametrize(("head", "sign", "info", "expected"), [
    ('<meta name="PubDate" content="2018-02-01 10:00">', "<p>某县民政局</p><p>2018年1月20日</p>", "", ("2018-02-01", "meta")),
    ("", "<p>某县民政局</p><p>二〇一八年一月二十日</p>", "<div>发布时间：2018-02-03</div>", ("2018-01-20", "signature")),
    ("", "<p>某县民政局</p><p>２０１８年１月２０日</p>", "", ("2018-01-20", "signature")),
    ("", "", "<div class='info'>时间：2018-02-03 来源：某县民政局</div>", ("2018-02-03", "text")),
])
def test_published_date_by_order_of_trust(tmp_path: Path, head: str, sign: str, info: str, expected: tuple) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    nav = "<div class='top'><span>国务院</span><span>省政府</span><span>省人大</span><span>省政协</span></div>"
    path = _page(tmp_path, head, nav + info + _REPORT.format(sign=sign))
    meta = extract(path, Settings(classify=False)).metadata
    assert (meta.published, meta.published_source) == expected
    assert meta.agency == "某县民政局" and meta.year == 2017 and meta.format == "legacy"


def test_agency_from_signature_when_the_title_names_none(tmp_path: Path) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    body = ("<div class='top'><span>国务院省政府省人大省政协</span></div><div class='c'><p>2017年政府信息公开工作年度报告</p>"
            "<p>一、概述</p><p>2017年，某市审计局认真贯彻落实条例，全年主动公开信息20条。</p>"
            "<p>二、主动公开政府信息情况</p><p>全年主动公开信息20条。</p><p>某市审计局</p><p>2018年1月5日</p></div>")
    meta = extract(_page(tmp_path, '<meta name="ContentSource" content="市政府办公室">', body), Settings(classify=False)).metadata
    assert meta.agency == "某市审计局"
