"""DOCX ingest on generated documents: body order, merged cells once per row, nested tables, bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from extractor.bench.corpus import compare_tables
from extractor.bench.synth import random_report, render_docx
from extractor.errors import EncryptedInputError, InputFileError
from extractor.ingest.docx import load_docx


def _find(rows, text: str) -> int:
    return next(i for i, r in enumerate(rows) if any(s.text == text for s in r.spans))


def test_tables_stay_in_body_order_with_merged_cells_once(tmp_path: Path) -> None:
    r = random_report(41, "2021")
    doc = load_docx(render_docx(r, tmp_path / "r.docx"))
    rows = doc.rows
    assert doc.kind == "docx" and rows[0].text == r.title
    h3, h4 = _find(rows, f"三、{r.sections['s3']['title']}"), _find(rows, f"四、{r.sections['s4']['title']}")
    t3_rows = rows[h3 + 1:h4]
    assert t3_rows and all(row.table for row in t3_rows)
    caption = rows[_find(rows, "第二十条第（一）项")]
    assert [s.text for s in caption.spans] == ["第二十条第（一）项"]  # gridSpan 4 → one cell
    first = rows[_find(rows, "三、本年度办理结果")]
    assert [s.text for s in first.spans[:2]] == ["三、本年度办理结果", "（一）予以公开"]
    assert len(first.spans) == 9  # 三 | （一） spanning two grid columns | 7 values
    cont = rows[_find(rows, "2.其他法律行政法规禁止公开")]
    assert [s.text for s in cont.spans[:3]] == ["", "", "2.其他法律行政法规禁止公开"]  # vMerge continuations
    assert [s.text for s in cont.spans[3:]] == [str(v) for v in r.truth["t3"]["denied_law_prohibited"].values()]
    header = rows[_find(rows, "未经复议直接起诉")]
    assert [s.text for s in header.spans].count("未经复议直接起诉") == 1


def test_nested_table_follows_its_row_and_breaks_split_lines(tmp_path: Path) -> None:
    word = DocxDocument()
    para = word.add_paragraph("一、总体情况")
    para.add_run().add_break()
    para.add_run("第二行")
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外层"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for (i, j), text in {(0, 0): "规章", (0, 1): "3", (1, 0): "规范性文件", (1, 1): ""}.items():
        inner.cell(i, j).text = text
    word.add_paragraph("二、主动公开政府信息情况")
    path = tmp_path / "nested.docx"
    word.save(str(path))
    texts = [(r.table, r.text) for r in load_docx(path).rows]
    assert texts[:2] == [(False, "一、总体情况"), (False, "第二行")]
    assert texts[2][0] and texts[2][1].startswith("外层")
    assert texts[3:] == [(True, "规章\t3"), (True, "规范性文件\t"), (False, "二、主动公开政府信息情况")]


def test_zip_of_junk_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a word document")
    with pytest.raises(InputFileError) as err:
        load_docx(path)
    assert not isinstance(err.value, EncryptedInputError)
    plain = tmp_path / "plain.docx"
    plain.write_bytes(b"this is not a zip at all")
    with pytest.raises(InputFileError, match="not a zip"):
        load_docx(plain)


def test_ole2_container_with_encrypted_package_is_encrypted(tmp_path: Path) -> None:
    """Office writes password-protected .docx as an OLE2 compound file holding an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 94
    path = tmp_path / "locked.docx"
    path.write_bytes(header + directory)
    with pytest.raises(EncryptedInputError):
        load_docx(path)
    legacy = tmp_path / "old.docx"
    legacy.write_bytes(header + "WordDocument".encode("utf-16-le"))
    with pytest.raises(InputFileError, match="legacy"):
        load_docx(legacy)


def test_docx_extracts_to_the_truth(tmp_path: Path) -> None:
    from extractor.api import extract
    from extractor.settings import Settings

    for seed, fmt in ((51, "2019"), (52, "2021"), (53, "2019")):
        r = random_report(seed, fmt)
        report = extract(render_docx(r, tmp_path / f"{seed}.docx"), Settings(classify=False))
        assert report.source.kind == "docx"
        assert compare_tables(r.truth, report.tables.model_dump()) == [], seed
