"""The review web app: server-rendered pages, one keystroke per decision, loopback unless told otherwise."""

from __future__ import annotations

import hmac
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from extractor.errors import NianbaoError
from extractor.record import Report
from extractor.review.apply import cell_key
from extractor.review.evidence import crop_png, labels
from extractor.review.queue import Entry, matches
from extractor.review.session import ReviewSession
from extractor.template.solve import coverings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
FILTERS = ("agency", "year", "status", "rule")


class TokenGate(BaseHTTPMiddleware):
    """With a token set, every request must carry it (query ``token`` once, then a cookie)."""

    def __init__(self, app: object, token: str) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.token = token

    async def dispatch(self, request: Request, call_next):  # type: ignore[no-untyped-def]
        given = request.query_params.get("token") or request.cookies.get("nianbao_token") or ""
        if not hmac.compare_digest(given, self.token):
            return PlainTextResponse("token required", status_code=403)
        response = await call_next(request)
        response.set_cookie("nianbao_token", self.token, httponly=True, samesite="strict")
        return response


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in FILTERS if request.query_params.get(k)}


def _visible(session: ReviewSession, filters: dict[str, str]) -> list[int]:
    return [i for i, e in enumerate(session.queue) if matches(e, filters)]


def _neighbours(order: list[int], index: int) -> tuple[int | None, int | None]:
    pos = order.index(index) if index in order else -1
    prev_ = order[pos - 1] if pos > 0 else None
    next_ = order[pos + 1] if 0 <= pos < len(order) - 1 else None
    return prev_, next_


def _next_pending(session: ReviewSession, order: list[int], after: int) -> int | None:
    done = session.decided()
    later = [i for i in order if i > after] + [i for i in order if i <= after]
    return next((i for i in later if (session.queue[i].sha256, session.queue[i].target) not in done), None)


def _cell_view(session: ReviewSession, entry: Entry, report: Report) -> dict[str, object]:
    cell = next(c for c in report.cells if cell_key(c) == entry.target)
    original = next(c for c in session.by_sha[entry.sha256].cells if cell_key(c) == entry.target)
    row_label, col_label = labels(cell, report.metadata.table_formats)
    return {"cell": cell, "original": original, "row_label": row_label, "col_label": col_label,
            "rules": coverings(report, entry.target),
            "has_crop": original.bbox is not None and original.page is not None}


def _item_view(session: ReviewSession, entry: Entry, report: Report) -> dict[str, object]:
    kind, _, index = entry.target.partition(".")
    item = (report.problems if kind == "problems" else report.improvements)[int(index)]
    original = (session.by_sha[entry.sha256].problems if kind == "problems"
                else session.by_sha[entry.sha256].improvements)[int(index)]
    return {"item": item, "original": original, "item_kind": kind, "taxonomy": session.taxonomy,
            "chosen": {c.label for c in item.categories}}


def build_app(session: ReviewSession, reviewer: str = "", token: str | None = None) -> Starlette:
    """The app over one session; ``token`` is required whenever it listens beyond loopback."""

    async def queue_page(request: Request) -> Response:
        filters = _filters(request)
        order = _visible(session, filters)
        done = session.decided()
        rows = [(i, session.queue[i], done.get((session.queue[i].sha256, session.queue[i].target))) for i in order]
        first = _next_pending(session, order, -1)
        return TEMPLATES.TemplateResponse(request, "queue.html", {
            "rows": rows, "filters": filters, "query": urlencode(filters), "first": first,
            "pending": sum(1 for _, _, d in rows if d is None), "results": session.results.name})

    async def entry_page(request: Request) -> Response:
        index = int(request.path_params["index"])
        if not 0 <= index < len(session.queue):
            return PlainTextResponse("no such entry", status_code=404)
        entry = session.queue[index]
        filters = _filters(request)
        order = _visible(session, filters)
        prev_, next_ = _neighbours(order, index)
        report = session.reviewed(entry.sha256)
        view = _item_view(session, entry, report) if entry.reason == "unsure label" else _cell_view(session, entry, report)
        return TEMPLATES.TemplateResponse(request, "entry.html", {
            **view, "entry": entry, "index": index, "prev": prev_, "next": next_, "report": report,
            "decision": session.decided().get((entry.sha256, entry.target)), "query": urlencode(filters),
            "reviewer": reviewer, "error": request.query_params.get("error", ""),
            "position": order.index(index) + 1 if index in order else 0, "total": len(order)})

    async def decide(request: Request) -> Response:
        index = int(request.path_params["index"])
        if not 0 <= index < len(session.queue):
            return PlainTextResponse("no such entry", status_code=404)
        form = await request.form()
        filters = {k: str(form.get(k, "")) for k in FILTERS if form.get(k)}
        query = urlencode(filters)
        try:
            decision = session.decision(session.queue[index], str(form.get("action", "")), str(form.get("value", "")),
                                        [str(v) for v in form.getlist("labels")],
                                        str(form.get("reviewer", "")) or reviewer)
            session.record([decision])
        except NianbaoError as exc:
            return RedirectResponse(f"/e/{index}?{urlencode({**filters, 'error': str(exc)})}", status_code=303)
        nxt = _next_pending(session, _visible(session, filters), index)
        return RedirectResponse(f"/e/{nxt}?{query}" if nxt is not None else f"/?{query}", status_code=303)

    async def crop(request: Request) -> Response:
        index = int(request.path_params["index"])
        if not 0 <= index < len(session.queue):
            return PlainTextResponse("no such entry", status_code=404)
        entry = session.queue[index]
        report = session.by_sha[entry.sha256]
        cell = next((c for c in report.cells if cell_key(c) == entry.target), None)
        png = crop_png(report.source.path, report.source.kind, cell) if cell else None
        return Response(png, media_type="image/png") if png else PlainTextResponse("no page image", status_code=404)

    routes = [
        Route("/", queue_page),
        Route("/e/{index:int}", entry_page),
        Route("/e/{index:int}", decide, methods=["POST"]),
        Route("/crop/{index:int}.png", crop),
    ]
    middleware = [Middleware(TokenGate, token=token)] if token else []
    return Starlette(routes=routes, middleware=middleware)
