"""Portal pages and one agency's multi-year series, for the archive fixtures and benchmark.

Stored public archives hold the text of real annual-report pages but not their markup, so a page
is rebuilt here: a report's text (the project's real seed reports, or a pre-2019 report written
in that era's structure) inside the shell of one of three common portal layouts — a TRS-style
page with ArticleTitle/PubDate/ContentSource meta tags, header buttons (国务院 省政府 省人大 省政协),
navigation, breadcrumb, sidebar and related links; a Hanweb-style page with no article meta, a
``<title>`` carrying the site name and a 发布时间/信息来源 line; an old layout-table page in GB2312.

``python -m extractor.bench.archive OUT_DIR`` writes the pages (the series in OUT_DIR/series); tests/fixtures/portal/ holds them
with a gold file written by reading each page.
"""

from __future__ import annotations

import copy
import re
import sys
from html import escape
from pathlib import Path

from extractor.bench.synth import SynthReport, random_report, render_html, render_text

SITE = {"name": "安平县人民政府", "owner": "安平县人民政府办公室"}
SERIES_AGENCY = "安平县交通运输局"


def article(text: str) -> tuple[str, str]:
    """(title, article HTML) of a report text: '|' or tab lines are table rows, other lines paragraphs."""
    lines = [ln.strip().lstrip("#").strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    at = next(i for i, ln in enumerate(lines[:14]) if "年度报告" in ln or "年度政府信息" in ln)
    title = lines[at]
    if "报告" not in title:
        title, at = title + lines[at + 1], at + 1
    html, table = [], []
    for line in lines[at + 1:] + [""]:
        cells = line.strip("|").split("|") if line.startswith("|") else line.split("\t") if "\t" in line else None
        if cells is not None:
            table.append("<tr>" + "".join(f"<td>{escape(c.strip())}</td>" for c in cells) + "</tr>")
            continue
        if table:
            html.append('<table border="1" cellspacing="0" cellpadding="2">' + "".join(table) + "</table>")
            table = []
        if line:
            html.append(f'<p style="text-indent:2em">{escape(line)}</p>')
    return title, "\n".join(html)


def trs_page(title: str, body: str, *, published: str, source: str, info: bool = True) -> str:
    """TRS-style portal page: meta tags, header buttons, nav, breadcrumb, left menu, related links, footer;
    without ``info`` the date and publisher are stated only in the meta tags."""
    menu = "".join(f'<li><a href="/xxgk/{i}">{escape(t)}</a></li>' for i, t in enumerate(
        ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"]))
    related = "".join(f'<li><a href="/nb/{y}.html">{SERIES_AGENCY}{y}年政府信息公开工作年度报告</a><span>{y + 1}-01-20</span></li>'
                      for y in (2014, 2015, 2016))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}_{SITE['name']}</title>
<meta name="SiteName" content="{SITE['name']}"><meta name="SiteDomain" content="www.anping.gov.cn">
<meta name="ColumnName" content="政府信息公开年报"><meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{published} 09:30"><meta name="ContentSource" content="{escape(source)}">
<meta name="Keywords" content="政府信息公开,年度报告"><link rel="stylesheet" href="/css/main.css">
<script src="/js/jquery.min.js"></script><script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");}})();</script>
</head><body><div class="top"><div class="wrap"><span class="date">今天是：<span id="today"></span></span>
<div class="toplinks"><span>国务院</span><span>省政府</span><span>省人大</span><span>省政协</span></div><div class="toplinks2">国务院省政府省人大省政协</div>
<div class="tools"><a href="/wza">无障碍</a> <a href="/ft">繁體</a> <a href="/m">手机版</a></div></div></div>
<div class="header"><img src="/images/logo.png" alt="{SITE['name']}"><div class="search"><input type="text" placeholder="请输入关键字"><a>搜索</a></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li><li><a href="/zjap">走进安平</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/nb">政府信息公开年报</a></div>
<div class="main"><div class="left"><h3>政府信息公开</h3><ul>{menu}</ul></div>
<div class="right"><div class="article"><h1 class="article-title">{escape(title)}</h1>
{f'<div class="article-info">发布日期：{published} 信息来源：{escape(source)} 浏览次数：<span id="count">1024</span> 字体：【<a>大</a> <a>中</a> <a>小</a>】</div>' if info else '<div class="article-info">字体：【<a>大</a> <a>中</a> <a>小</a>】</div>'}
<div class="TRS_Editor">{body}</div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a> 【<a>打印本页</a>】 【<a>关闭窗口</a>】</div></div>
<div class="related"><h4>相关文章</h4><ul>{related}</ul></div></div></div>
<div class="footer"><p>主办：{SITE['owner']}　承办：安平县大数据发展中心</p><p>网站标识码：1311250001　冀ICP备05012345号　冀公网安备 13112502000123号</p>
<p>地址：安平县人民路88号　联系电话：0318-7520000　建议使用1366*768分辨率浏览本站</p></div></body></html>"""


def hanweb_page(title: str, body: str, *, published: str, source: str) -> str:
    """Hanweb-style page: no article meta; the site name in <title>; a 发布时间/信息来源 line; side lists."""
    side = "".join(f'<li><a href="/col/{i}">{escape(t)}</a></li>' for i, t in enumerate(
        ["机构概况", "部门文件", "规划计划", "财政资金", "政府信息公开年报", "政策解读"]))
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(title)}_{SITE['name']}</title><meta name="keywords" content="年度报告"><meta name="description" content="{SITE['name']}门户网站">
<script type="text/javascript">document.write('<div id="barrierfree_container">');</script></head>
<body><div id="barrierfree_container"><div class="head"><div class="logo">{SITE['name']}</div>
<div class="menu"><a href="/">网站首页</a><a href="/zw">政务公开</a><a href="/bs">办事服务</a><a href="/hd">互动交流</a></div></div>
<table width="1200" align="center"><tr><td valign="top" width="240"><div class="sidebar"><div class="sidetitle">信息公开目录</div><ul>{side}</ul>
<div class="sidetitle">主动公开事项</div><ul><li><a>领导信息</a></li><li><a>人事信息</a></li></ul></div></td>
<td valign="top"><div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zw">政务公开</a> &gt; <a href="/nb">年度报告</a></div>
<div class="xxgk-head"><table class="xxgk"><tr><td>索引号：</td><td>11131125MB0123456X/2021-00012</td><td>分类：</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构：</td><td>{escape(source)}</td><td>发文日期：</td><td>{published}</td></tr></table></div>
<div class="title">{escape(title)}</div><div class="info">发布时间：{published}　信息来源：{escape(source)}　【字体：<a>大</a> <a>中</a> <a>小</a>】</div>
<div id="zoom">{body}</div><div class="print"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</td></tr></table>
<div class="foot">版权所有：{SITE['owner']}　技术支持：大汉网络　ICP备案序号：冀ICP备05012345号<br>政府网站标识码：1311250001</div></div></body></html>"""


def oldtable_page(title: str, body: str, *, published: str, source: str) -> str:
    """An old layout-table portal in GB2312: <font> tags, nested tables, 时间/来源 line, no meta."""
    links = "".join(f'<td><a href="/{i}.asp"><font color="#ffffff">{t}</font></a></td>' for i, t in enumerate(
        ["首页", "政务公开", "公告公示", "招商引资", "网上办事", "领导信箱"]))
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{SITE['name']}</title>
<style>.f14{{font-size:14px}}</style></head><body topmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td><img src="/img/banner.jpg"></td></tr></table>
<table width="980" border="0" align="center" bgcolor="#1d5fa8"><tr>{links}</tr></table>
<table width="980" border="0" align="center"><tr><td width="220" valign="top">
<table width="100%"><tr><td><b>栏目导航</b></td></tr><tr><td><a href="/gk.asp">政府信息公开</a></td></tr><tr><td><a href="/nb.asp">年度报告</a></td></tr><tr><td><a href="/zn.asp">公开指南</a></td></tr></table>
</td><td valign="top"><table width="100%" border="0"><tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/nb.asp">年度报告</a></td></tr>
<tr><td align="center"><font size="4" color="#cc0000"><b>{escape(title)}</b></font></td></tr>
<tr><td align="center" class="f12">时间：{published}　来源：{escape(source)}　点击数：<script>document.write(213)</script></td></tr>
<tr><td class="f14">{body}</td></tr></table></td></tr></table>
<table width="980" align="center"><tr><td align="center">版权所有：{SITE['owner']}　地址：安平县人民路88号　备案号：冀ICP备05012345号</td></tr></table></body></html>"""


SHELLS = {"trs": trs_page, "hanweb": hanweb_page, "oldtable": oldtable_page}


def write_page(path: Path, shell: str, text: str, *, published: str, source: str, bare: bool = False) -> Path:
    """A report in a portal shell; ``bare``: its title without the agency, no date or publisher line."""
    title, body = article(text)
    if bare:
        title = re.sub(r"^.*?(?=(?:19|20)\d{2})", "", title)
        html = trs_page(title, body, published=published, source=source, info=False)
    else:
        html = SHELLS[shell](title, body, published=published, source=source)
    encoding = "gb18030" if shell == "oldtable" else "utf-8"
    path.write_bytes(html.encode(encoding))
    return path


# ---------------------------------------------------------------- one agency across years

T3_COLUMNS = ("natural_person", "legal_commercial", "legal_research", "legal_social", "legal_service", "legal_other")
BREAKS = {"carry": (2021, "natural_person", 2), "in_force": (2023, "normative_docs", 4), "copied_s5": (2021, 2022)}


def _chain(previous: SynthReport, report: SynthReport) -> None:
    """Make ``report`` continue ``previous``: 上年结转 = last year's 结转, 项目数量 and 现行有效件数 carried on."""
    t3_prev, t3 = previous.truth["t3"], report.truth["t3"]
    for col in T3_COLUMNS:
        carried = t3_prev["carried_forward"][col]
        forward = t3["new_received"][col] + carried - t3["total_processed"][col]
        if forward < 0:
            t3["new_received"][col] -= forward
            forward = 0
        t3["carried_over"][col], t3["carried_forward"][col] = carried, forward
    for row in ("new_received", "carried_over", "carried_forward"):
        t3[row]["total"] = sum(t3[row][c] for c in T3_COLUMNS)
    if previous.fmt == report.fmt == "2019":
        for block in ("art20_5", "art20_6", "art20_8"):
            for row, cells in report.truth["t2"][block].items():
                before = previous.truth["t2"][block][row]
                cells["prev_year_items"] = before["prev_year_items"] + before["change"]
                cells["change"] = max(cells["change"], -cells["prev_year_items"])
    if previous.fmt == report.fmt == "2021":
        for row, cells in report.truth["t2"]["art20_1"].items():
            before = previous.truth["t2"]["art20_1"][row]["in_force"]
            cells["abolished"] = min(cells["abolished"], before + cells["issued"])
            cells["in_force"] = before + cells["issued"] - cells["abolished"]


def _break(reports: dict[int, SynthReport]) -> None:
    """The breaks a reader is meant to find: a carry off by 2, an in-force count off by 4, a copied section 五."""
    year, col, delta = BREAKS["carry"]
    t3 = reports[year].truth["t3"]
    t3["carried_over"][col] += delta
    t3["carried_over"]["total"] += delta
    t3["new_received"][col] -= delta
    t3["new_received"]["total"] -= delta
    year, row, delta = BREAKS["in_force"]
    reports[year].truth["t2"]["art20_1"][row]["in_force"] += delta
    source, copy_to = BREAKS["copied_s5"]
    reports[copy_to].sections["s5"] = copy.deepcopy(reports[source].sections["s5"])
    reports[copy_to].problems, reports[copy_to].improvements = reports[source].problems, reports[source].improvements


def series_reports(seed: int = 7) -> dict[int, SynthReport]:
    """2019–2023 of one agency: the 2019 format for 2019–2020, the 2021 format after, chained, then broken."""
    reports: dict[int, SynthReport] = {}
    for offset, year in enumerate(range(2019, 2024)):
        fmt = "2019" if year < 2021 else "2021"
        seed_here = seed * 100 + offset
        r = random_report(seed_here, fmt)
        while fmt == "2019" and r.truth["t3"]["carried_forward"]["total"] == 0:
            seed_here += 1000
            r = random_report(seed_here, fmt)
        r.agency, r.year, r.title = SERIES_AGENCY, year, f"{SERIES_AGENCY}{year}年政府信息公开工作年度报告"
        r.published = r.published.replace(year=year + 1)
        if year - 1 in reports:
            _chain(reports[year - 1], r)
        reports[year] = r
    _break(reports)
    return reports


def write_series(out: Path, legacy_dir: Path, seed: int = 7) -> list[Path]:
    """Seven pages of 安平县交通运输局 (2017–2023) on the TRS shell, plus 2023 again as a text dump."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for year, published in ((2017, "2018-01-29"), (2018, "2019-01-23")):
        text = (legacy_dir / f"legacy_{year}.txt").read_text(encoding="utf-8")
        written.append(write_page(out / f"{year}.html", "trs", text, published=published, source=SERIES_AGENCY))
    for year, r in series_reports(seed).items():
        page = render_html(r)
        body = page.split('<div class="article">', 1)[1].rsplit("</div><footer>", 1)[0]
        body = body.split("</h1>", 1)[1]
        html = trs_page(r.title, body, published=r.published.isoformat(), source=SERIES_AGENCY)
        (out / f"{year}.html").write_text(html, encoding="utf-8")
        written.append(out / f"{year}.html")
    duplicate = series_reports(seed)[2023]
    (out / "2023_copy.txt").write_text(render_text(duplicate), encoding="utf-8")
    written.append(out / "2023_copy.txt")
    return written


PAGES = (
    # (file, shell, report text, published as the page states it, publisher as the page states it)
    ("trs_2020_qinzhou.html", "trs", "examples:002", "2021-01-29", "钦州市工业和信息化局"),
    ("hanweb_2020_pengyang.html", "hanweb", "examples:003", "2021-01-15", "彭阳县王洼产业园区管理委员会"),
    ("oldtable_2022_beibuwan.html", "oldtable", "examples:001", "2023-01-31", "自治区北部湾办"),
    ("hanweb_2020_fenyong.html", "hanweb", "examples:004", "2021-01-12", "湛江奋勇高新区办公室"),
    ("trs_2020_dongxing.html", "trs", "examples:000", "2021-01-21", "东兴试验区综合服务中心"),
    ("oldtable_2018_anping.html", "oldtable", "articles:legacy_2018.txt", "2019-01-23", "县交通运输局"),
    ("bare_2020_qinzhou.html", "bare", "examples:002", "2021-02-02", "钦州市工业和信息化局"),
    ("bare_2020_pengyang.html", "bare", "examples:003", "2021-01-18", "彭阳县王洼产业园区管理委员会"),
)


def write_pages(out: Path, articles: Path) -> list[Path]:
    """The portal fixture pages: real seed reports and a pre-2019 report, each in a portal shell."""
    from extractor.resources import data_path

    examples = Path(str(data_path("examples")))
    written = []
    for name, shell, source, published, publisher in PAGES:
        kind, _, ref = source.partition(":")
        path = next(examples.glob(f"{ref}_*.txt")) if kind == "examples" else articles / ref
        written.append(write_page(out / name, shell, path.read_text(encoding="utf-8"), published=published, source=publisher,
                                  bare=shell == "bare"))
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m extractor.bench.archive OUT_DIR", file=sys.stderr)
        return 2
    here = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "portal" / "articles"
    for path in [*write_pages(Path(argv[0]), here), *write_series(Path(argv[0]) / "series", here)]:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
