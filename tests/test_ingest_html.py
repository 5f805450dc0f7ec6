"""HTML ingest on generated pages: encodings, boilerplate, spanned/nested/flattened tables, e2e."""

from __future__ import annotations

from pathlib import Path

from extractor.bench.corpus import compare_tables
from extractor.bench.synth import random_report, render_html
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
