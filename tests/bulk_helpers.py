"""Shared by the bulk tests: a small mixed folder, result comparison, and the PostgreSQL server."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from extractor.batch import read_records

BROKEN = {"corrupt", "empty", "encrypted", "binary", "not_report"}


def by_sha(path: Path) -> dict[tuple[str | None, str], dict[str, Any]]:
    """Records keyed by (sha256, path): the order of lines depends on which worker finished first."""
    return {(r["source"]["sha256"], r["source"]["path"]): r for r in read_records(path)}


def server_url() -> str:
    """DATABASE_URL, or a skip outside CI; in CI (CI=true) a missing server is a failure."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("DATABASE_URL is not set in CI: scripts/pg.sh start DIR prints one")
    pytest.skip("no PostgreSQL: set DATABASE_URL (scripts/pg.sh start DIR prints one)")


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new, empty database on the server for one test; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"nianbao_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"
