"""Synthetic 年度报告 with known truth: one seeded report, rendered as text, HTML, DOCX or PDF.

Tests, the benchmark and the OCR/batch helpers need many reports whose every table value is
known and consistent with the template's hard rules, in every input kind the extractor reads.
The report model (:class:`SynthReport`) is independent of the renderers; the renderers share the
official table layout (:func:`table_grids`) so a value sits in the same cell whatever the format.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any, Literal

from extractor.resources import load_json

Fmt = Literal["2019", "2021"]
SECTION_NOS = ("一", "二", "三", "四", "五", "六")
ITEM_NOS = ("一", "二", "三", "四", "五", "六", "七", "八")
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


@dataclass
class SynthReport:
    """A report as it should be extracted: metadata, section texts, items of 五 and table truth."""

    seed: int
    fmt: Fmt
    agency: str
    year: int
    published: date
    title: str
    sections: dict[str, dict[str, str]]
    problems: list[str]
    improvements: list[str]
    contacts: dict[str, str]
    truth: dict[str, Any]
    money_text: dict[str, str] = field(default_factory=dict)
    style: dict[str, Any] = field(default_factory=dict)


def _fmt_spec(fmt: Fmt) -> dict[str, Any]:
    return load_json("template.json")["formats"][fmt]


def _pools() -> dict[str, Any]:
    return load_json("synth.json")


# ---------------------------------------------------------------- values

def _count(rng: random.Random, zero: float = 0.6, big: float = 0.05) -> int:
    """Mostly zeros, some small counts, occasionally a big one: how real tables look."""
    x = rng.random()
    if x < zero:
        return 0
    if x < 1 - big:
        return rng.randint(1, 12)
    return rng.randint(13, 900)


def _split(rng: random.Random, total: int, n: int, weights: list[float]) -> list[int]:
    """Distribute ``total`` over ``n`` buckets with skewed weights (sum preserved exactly)."""
    out = [0] * n
    for _ in range(total):
        out[rng.choices(range(n), weights=weights)[0]] += 1
    return out


def _t3_truth(rng: random.Random, spec: dict[str, Any]) -> dict[str, dict[str, int]]:
    t3 = spec["tables"]["t3"]
    cols = [c["id"] for c in t3["columns"]]
    data_rows = [r["id"] for r in t3["rows"] if r["data"]]
    results = [r for r in data_rows if r not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    weights = [8.0 if r == "granted" else 3.0 if r in ("unable_not_held", "partial", "other", "other_other") else 0.4
               for r in results]
    table: dict[str, dict[str, int]] = {r: {} for r in data_rows}
    zero_odds = {"natural_person": 0.35, "legal_commercial": 0.6}
    for col in cols[:-1]:
        new = _count(rng, zero=zero_odds.get(col, 0.85), big=0.08 if col == "natural_person" else 0.02)
        carried = rng.randint(0, max(0, new // 5)) if rng.random() < 0.3 else 0
        forward = rng.randint(0, (new + carried) // 4) if rng.random() < 0.3 else 0
        processed = new + carried - forward
        parts = _split(rng, processed, len(results), weights) if processed < 400 else _bulk(rng, processed, weights)
        table["new_received"][col] = new
        table["carried_over"][col] = carried
        table["total_processed"][col] = processed
        table["carried_forward"][col] = forward
        for r, v in zip(results, parts):
            table[r][col] = v
    for r in data_rows:
        table[r]["total"] = sum(table[r][c] for c in cols[:-1])
    return table


def _bulk(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Proportional split for large totals (fast, exact)."""
    s = sum(weights)
    out = [int(total * w / s * rng.uniform(0.5, 1.5)) for w in weights]
    overflow = sum(out) - total
    i = 0
    while overflow > 0:
        take = min(out[i], overflow)
        out[i] -= take
        overflow -= take
        i += 1
    out[0] += total - sum(out)
    return out


def _t4_truth(rng: random.Random, spec: dict[str, Any]) -> dict[str, int]:
    cols = [c["id"] for c in spec["tables"]["t4"]["columns"]]
    out: dict[str, int] = {}
    for g in range(3):
        group = cols[g * 5:(g + 1) * 5]
        parts = [_count(rng, zero=0.8, big=0.0) if rng.random() < 0.5 else 0 for _ in range(4)]
        out.update(zip(group[:4], parts))
        out[group[4]] = sum(parts)
    return out


def _money(rng: random.Random, unit: str) -> tuple[float, str]:
    """A money value in 元 and how it is written under ``unit`` ("元", "万", "万元")."""
    if rng.random() < 0.3:
        return 0.0, "0" if unit != "元" else rng.choice(["0", "0.00"])
    if unit == "元":
        cents = rng.randint(100_00, 9_000_000_00)
        return cents / 100, f"{cents // 100}.{cents % 100:02d}"
    hundreds = rng.randint(1, 90_000)  # 万 with two decimals = multiples of 100 元
    wan = f"{hundreds // 100}.{hundreds % 100:02d}"
    return float(hundreds * 100), wan + (" 万" if unit == "万" else "")


def _t2_truth(rng: random.Random, spec: dict[str, Any], fmt: Fmt) -> tuple[dict[str, Any], dict[str, str], str]:
    t2: dict[str, Any] = {}
    money_text: dict[str, str] = {}
    money_header = ""
    for block in spec["tables"]["t2"]["blocks"]:
        t2[block["id"]] = {}
        for row in block["rows"]:
            vals: dict[str, float | int] = {}
            for col in block["columns"]:
                cid, ctype = col["id"], col["type"]
                if ctype == "money":
                    unit = "万元" if fmt == "2021" else rng.choice(["元", "万", "万元"])
                    money_header = "" if unit == "万" else f"（{unit}）" if unit != "万元" or fmt == "2019" else ""
                    vals[cid], money_text[f"{block['id']}.{row['id']}.{cid}"] = _money(rng, unit)
                elif ctype == "signed_int":
                    prev = int(vals.get("prev_year_items", 0))
                    vals[cid] = rng.randint(-prev, 6) if rng.random() < 0.35 else 0
                else:
                    vals[cid] = _count(rng, zero=0.5, big=0.15)
            _consistent_t2(vals)
            t2[block["id"]][row["id"]] = vals
    return t2, money_text, money_header


def _consistent_t2(vals: dict[str, float | int]) -> None:
    """Keep the soft t2 relations real reports show (published ≤ total, in force ≥ new − abolished)."""
    if "new_published" in vals:
        vals["new_published"] = min(vals["new_published"], vals["new_made"])
        vals["total_published"] = max(vals["total_published"], vals["new_published"])
    if "in_force" in vals:
        vals["in_force"] = max(vals["in_force"], vals["issued"] - vals["abolished"])


# ---------------------------------------------------------------- text

def _agency(rng: random.Random) -> tuple[str, str]:
    pools = _pools()
    body = rng.choice(pools["bodies"])
    short = "办" if body.endswith("办公室") or body.endswith("办事处") else "局" if body.endswith("局") else "委" \
        if body.endswith("委员会") else "镇" if body.endswith("镇人民政府") else "单位"
    return rng.choice(pools["regions"]) + body, short


def _enumerate_items(items: list[str], sep: str) -> str:
    return sep.join(f"{ITEM_NOS[i]}是{t}" for i, t in enumerate(items)) + "。"


def _section_titles(rng: random.Random, spec: dict[str, Any]) -> dict[str, str]:
    out = {}
    for s in spec["sections"]:
        title = s["title"] if rng.random() < 0.7 else rng.choice(s["title_variants"])
        out[s["id"]] = title
    return out


def random_report(seed: int, fmt: Fmt) -> SynthReport:
    """A complete report whose tables satisfy every hard rule of ``fmt``; same seed, same report."""
    rng = random.Random(seed)
    spec = _fmt_spec(fmt)
    pools = _pools()
    year = rng.randint(2019, 2020) if fmt == "2019" else rng.randint(2021, 2024)
    agency, short = _agency(rng)
    published = date(year + 1, 1, 10) + timedelta(days=rng.randint(0, 40))
    t2, money_text, money_header = _t2_truth(rng, spec, fmt)
    t3, t4 = _t3_truth(rng, spec), _t4_truth(rng, spec)
    truth = {"t2": t2, "t3": t3, "t4": t4}
    contacts = {
        "phone": f"0{rng.randint(770, 779)}-{rng.randint(2000000, 8999999)}",
        "email": f"gk{rng.randint(100, 999)}@{rng.choice(['163.com', 'qq.com', 'gxzf.gov.cn'])}",
        "postcode": f"5{rng.randint(30000, 49999)}",
        "address": f"{agency[:3]}{rng.choice(pools['streets'])}{rng.randint(1, 199)}号",
    }
    fill = {"year": year, "short": short, "agency": agency, **contacts,
            "received": t3["new_received"]["total"], "processed": t3["total_processed"]["total"],
            "forward": t3["carried_forward"]["total"], "reviews": t4["review_total"],
            "suits": t4["lit_direct_total"] + t4["lit_after_review_total"],
            **{f"n{i}": rng.randint(3, 900) for i in range(1, 7)}}
    problems = rng.sample(pools["problems"], rng.randint(1, 4))
    improvements = rng.sample(pools["improvements"], rng.randint(1, 5))
    titles = _section_titles(rng, spec)
    s1 = "\n".join(p.format(**fill) for p in pools["s1_paragraphs"])
    lead = rng.choice(pools["s5_lead_in"]).format(**fill)
    s5 = "\n".join(x for x in [
        lead, rng.choice(pools["s5_problem_headers"]), _enumerate_items(problems, "；"),
        rng.choice(pools["s5_improvement_headers"]), _enumerate_items(improvements, rng.choice(["；", "。"])),
    ] if x)
    s6 = rng.choice(pools["s6_texts"]).format(**fill)
    texts = {"s1": s1, "s2": "", "s3": "", "s4": "", "s5": s5, "s6": s6}
    sections = {sid: {"title": titles[sid], "text": texts[sid]} for sid in texts}
    style = {"money_header": money_header, "text_layout": rng.choice(["tabs", "tabs", "lines"]),
             "date_top": rng.random() < 0.4, "repeat_header": rng.random() < 0.5}
    return SynthReport(seed, fmt, agency, year, published, f"{agency}{year}年政府信息公开工作年度报告",
                       sections, problems, improvements, contacts, truth, money_text, style)


# ---------------------------------------------------------------- table layout shared by renderers

@dataclass
class GCell:
    """A cell of the official table layout: text, spans, and whether it is a header (narrow) cell."""

    text: str
    rs: int = 1
    cs: int = 1
    header: bool = False


@dataclass
class Grid:
    table: str
    ncols: int
    rows: list[list[GCell]]
    header_rows: int = 0
    col_widths: list[float] = field(default_factory=list)


def _num(v: float | int) -> str:
    return str(v)


def _t2_grids(r: SynthReport) -> list[Grid]:
    spec = _fmt_spec(r.fmt)
    rows: list[list[GCell]] = []
    for block in spec["tables"]["t2"]["blocks"]:
        rows.append([GCell(block["caption"], cs=4)])
        cols = block["columns"]
        spans = [1] * len(cols)
        spans[-1] += 3 - len(cols)
        head = [GCell("信息内容", header=True)]
        for col, span in zip(cols, spans):
            label = col["label"] + (r.style["money_header"] if col["type"] == "money" and r.fmt == "2019" else "")
            head.append(GCell(label, cs=span, header=True))
        rows.append(head)
        for row in block["rows"]:
            vals = r.truth["t2"][block["id"]][row["id"]]
            cells = [GCell(row["label"])]
            for col, span in zip(cols, spans):
                key = f"{block['id']}.{row['id']}.{col['id']}"
                cells.append(GCell(r.money_text.get(key, _num(vals[col["id"]])), cs=span))
            rows.append(cells)
    return [Grid("t2", 4, rows, 0, [0.34, 0.22, 0.22, 0.22])]


def _t3_grid(r: SynthReport) -> Grid:
    t3 = _fmt_spec(r.fmt)["tables"]["t3"]
    by_id = {row["id"]: row for row in t3["rows"]}
    children: dict[str, list[str]] = {}
    for row in t3["rows"]:
        children.setdefault(row.get("parent", ""), []).append(row["id"])
    cols = [c["id"] for c in t3["columns"]]
    rows: list[list[GCell]] = [
        [GCell(t3["header_note"], rs=3, cs=3, header=True), GCell(t3["column_header"], cs=7, header=True)],
        [GCell("自然人", rs=2, header=True), GCell("法人或其他组织", cs=5, header=True), GCell("总计", rs=2, header=True)],
        [GCell(c["label"], header=True) for c in t3["columns"][1:6]],
    ]

    def values(rid: str) -> list[GCell]:
        return [GCell(_num(r.truth["t3"][rid][c])) for c in cols]

    def leaves(rid: str) -> list[str]:
        kids = children.get(rid, [])
        return [rid] if not kids else [x for k in kids for x in leaves(k)]

    for rid in children[""]:
        row = by_id[rid]
        if row["data"]:
            rows.append([GCell(row["label"], cs=3)] + values(rid))
            continue
        group_rows: list[list[GCell]] = []
        for kid in children[rid]:
            kid_leaves = leaves(kid)
            if kid_leaves == [kid]:
                group_rows.append([GCell(by_id[kid]["label"], cs=2)] + values(kid))
                continue
            for i, leaf in enumerate(kid_leaves):
                head = [GCell(by_id[kid]["label"], rs=len(kid_leaves))] if i == 0 else []
                group_rows.append(head + [GCell(by_id[leaf]["label"])] + values(leaf))
        group_rows[0].insert(0, GCell(row["label"], rs=len(group_rows)))
        rows.extend(group_rows)
    widths = [0.07, 0.09, 0.22] + [0.09] * 6 + [0.08]
    return Grid("t3", 10, rows, 3, widths)


def _t4_grid(r: SynthReport) -> Grid:
    t4 = _fmt_spec(r.fmt)["tables"]["t4"]
    labels = [c["label"] for c in t4["columns"]]
    rows = [
        [GCell("行政复议", cs=5, header=True), GCell("行政诉讼", cs=10, header=True)],
        [GCell(x, rs=2, header=True) for x in labels[:5]]
        + [GCell("未经复议直接起诉", cs=5, header=True), GCell("复议后起诉", cs=5, header=True)],
        [GCell(x, header=True) for x in labels[5:]],
        [GCell(_num(r.truth["t4"][c["id"]])) for c in t4["columns"]],
    ]
    return Grid("t4", 15, rows, 3, [1 / 15] * 15)


def table_grids(r: SynthReport) -> dict[str, list[Grid]]:
    """The official layout of each table section (s2, s3, s4) with merged cells as spans."""
    return {"s2": _t2_grids(r), "s3": [_t3_grid(r)], "s4": [_t4_grid(r)]}


def physical(grid: Grid) -> list[list[tuple[GCell | None, bool]]]:
    """The grid as a full matrix: (cell, is_origin) per position; spanned positions carry the cell."""
    mat: list[list[tuple[GCell | None, bool]]] = []
    pending: dict[tuple[int, int], GCell] = {}
    for ri, row in enumerate(grid.rows):
        line: list[tuple[GCell | None, bool]] = []
        cells = iter(row)
        col = 0
        while col < grid.ncols:
            if (ri, col) in pending:
                line.append((pending.pop((ri, col)), False))
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                line.append((None, False))
                col += 1
                continue
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    if dr or dc:
                        pending[(ri + dr, col + dc)] = cell
            line.append((cell, True))
            col += 1
        mat.append(line)
    return mat


def _blocks(r: SynthReport) -> list[tuple[str, str]]:
    """The report as a sequence of ('title'|'heading'|'para'|'s2'..'s4'|'date', text)."""
    out: list[tuple[str, str]] = [("title", r.title)]
    stamp = f"{r.published.year}年{r.published.month}月{r.published.day}日"
    if r.style["date_top"]:
        out.append(("date", f"发布日期：{r.published.isoformat()}"))
    out.append(("para", _pools()["intro"].format(agency=r.agency, year=r.year)))
    for no, sid in zip(SECTION_NOS, ("s1", "s2", "s3", "s4", "s5", "s6")):
        out.append(("heading", f"{no}、{r.sections[sid]['title']}"))
        if sid in ("s2", "s3", "s4"):
            out.append((sid, ""))
        out.extend(("para", p) for p in r.sections[sid]["text"].split("\n") if p)
    out.append(("para", r.agency))
    if not r.style["date_top"]:
        out.append(("date", stamp))
    return out


# ---------------------------------------------------------------- renderers

def _grid_text(grid: Grid, layout: str) -> list[str]:
    lines = []
    for line in physical(grid):
        cells = [c.text if (c is not None and origin) else "" for c, origin in line]
        if layout == "lines":
            lines.extend(x for x in cells if x)
        else:
            while cells and not cells[-1]:
                cells.pop()
            lines.append("\t".join(cells))
    return lines


def render_text(r: SynthReport) -> str:
    """A text dump like the seeds: tables tab-separated (or one cell per line), prose as lines."""
    grids = table_grids(r)
    layout = r.style["text_layout"]
    out: list[str] = []
    for kind, text in _blocks(r):
        if kind in grids:
            for g in grids[kind]:
                out.extend(_grid_text(g, layout))
        else:
            out.append(text)
    sep = "\n\n" if layout == "lines" else "\n"
    return sep.join(out) + "\n"


def _html_table(grid: Grid) -> str:
    rows = []
    for row in grid.rows:
        tds = []
        for c in row:
            attrs = (f' rowspan="{c.rs}"' if c.rs > 1 else "") + (f' colspan="{c.cs}"' if c.cs > 1 else "")
            tds.append(f"<td{attrs}><p>{escape(c.text)}</p></td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>"


def _html_flat(grid: Grid) -> str:
    """A flattened table like some CMS exports: one cell per paragraph, no <table>."""
    return "".join(f"<p>{escape(c.text)}</p>" for row in grid.rows for c in row)


def render_html(r: SynthReport, *, charset: str = "utf-8", flat: bool = False) -> str:
    """A government-site page: nav and script boilerplate, the report in <div>/<p>, tables with spans."""
    grids = table_grids(r)
    body = []
    for kind, text in _blocks(r):
        if kind in grids:
            body.extend(_html_flat(g) if flat else _html_table(g) for g in grids[kind])
        elif kind == "title":
            body.append(f"<h1>{escape(text)}</h1>")
        elif kind == "heading":
            body.append(f"<h3>{escape(text)}</h3>")
        else:
            body.append(f"<p>{escape(text)}</p>")
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{escape(r.title)}</title><style>td{{border:1px solid #000}}</style>"
            "<script>var _hmt = _hmt || []; document.write('首页');</script></head><body>"
            "<nav><a href='/'>首页</a> | <a href='/zwgk'>政务公开</a> | 无障碍 | 简体版</nav>"
            f'<div class="article">{"".join(body)}</div>'
            "<footer>主办单位：网站管理中心 版权所有</footer></body></html>")


def render_docx(r: SynthReport, path: str | Path) -> Path:
    """A Word report: official tables with label cells merged via ``merge()``, narrow columns."""
    from docx import Document as DocxDocument
    from docx.shared import Cm

    doc = DocxDocument()
    grids = table_grids(r)
    for kind, text in _blocks(r):
        if kind in grids:
            for g in grids[kind]:
                _docx_table(doc, g, Cm(16.0))
        elif kind == "title":
            doc.add_heading(text, level=1)
        elif kind == "heading":
            doc.add_heading(text, level=2)
        else:
            doc.add_paragraph(text)
    out = Path(path)
    doc.save(str(out))
    return out


def _docx_table(doc: Any, grid: Grid, width: Any) -> None:
    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    for ci, frac in enumerate(grid.col_widths):
        for cell in table.columns[ci].cells:
            cell.width = int(width * frac)
    for _, _, cell, target in docx_regions(table, grid):
        target.text = cell.text


def docx_regions(table, grid) -> Iterator[tuple[int, int, Any, Any]]:
    """Each region of ``grid`` once, at its top-left (row, column), with the python-docx cell it is merged into."""
    for ri, line in enumerate(physical(grid)):
        for ci, (cell, origin) in enumerate(line):
            if cell is None or not origin:
                continue
            target = table.cell(ri, ci)
            if cell.rs > 1 or cell.cs > 1:
                target = target.merge(table.cell(ri + cell.rs - 1, ci + cell.cs - 1))
            yield ri, ci, cell, target


def render_pdf(r: SynthReport, path: str | Path, *, narrow_headers: bool = True, split_rows: bool = True,
               password: str | None = None) -> Path:
    """A PDF with an embedded CJK font and ruled tables (see :mod:`extractor.bench.pdfrender`);
    ``password`` encrypts it with that user password."""
    from extractor.bench.pdfrender import write_pdf

    return write_pdf(r, _blocks(r), table_grids(r), Path(path), narrow_headers=narrow_headers,
                     split_rows=split_rows, password=password)
