"""Entry points behind ``nianbao review``: serve the app, export the audit trail, replay decisions."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from extractor.errors import BadArgsError
from extractor.review.decisions import export_csv, import_csv
from extractor.review.session import ReviewSession, reviewed_path


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Nothing listens beyond loopback unless asked, and then only behind a token."""
    if not _loopback(host) and not token:
        raise BadArgsError(f"--host {host} listens beyond this machine: give --token SECRET as well")


def serve(session: ReviewSession, host: str, port: int, token: str | None, reviewer: str) -> None:
    import uvicorn

    from extractor.review.app import build_app

    check_exposure(host, token)
    uvicorn.run(build_app(session, reviewer, token), host=host, port=port, log_level="warning")


def export_decisions(session: ReviewSession, out: Path) -> str:
    export_csv(session.decisions, out)
    return f"{len(session.decisions)} decisions written to {out}"


def replay(session: ReviewSession, decisions_csv: Path) -> str:
    """Decisions exported elsewhere, applied to this (perhaps fresh) extraction by file hash and cell id."""
    decisions = import_csv(decisions_csv)
    if not decisions:
        raise BadArgsError(f"{decisions_csv}: no decisions")
    kept = session.record(decisions)
    return (f"{kept} of {len(decisions)} decisions apply to {session.results.name}; "
            f"reviewed records in {reviewed_path(session.results)}")
