"""The audit trail: every decision a reviewer makes, appended to a sidecar beside the results file.

Decisions are keyed by the source file's sha256 and the cell id (``t3.granted.total``) or item id
(``problems.2``), never by position in a results file, so they replay onto a fresh extraction of the
same files. The results file itself is never written.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from extractor.errors import BadArgsError, OutputAccessError

Action = Literal["accept", "correct", "blank", "illegible", "labels"]
Value = int | float | None | list[str]
CSV_FIELDS = ("time", "reviewer", "sha256", "path", "target", "action", "old", "new")


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time: str
    reviewer: str
    sha256: str
    path: str
    target: str
    action: Action
    old: Value = None
    new: Value = None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sidecar_for(results: Path) -> Path:
    return results.with_name(results.name + ".decisions.jsonl")


def read_log(path: Path) -> list[Decision]:
    """Every decision in a sidecar, oldest first; an unreadable line is an error, never skipped."""
    if not path.exists():
        return []
    decisions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                decisions.append(Decision.model_validate_json(line))
            except ValidationError as exc:
                raise BadArgsError(f"{path}:{number}: not a review decision ({exc.error_count()} errors)") from exc
    return decisions


def append(path: Path, decision: Decision) -> None:
    """One line per decision, flushed to disk before the page reports it saved."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(decision.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise OutputAccessError(f"cannot write {path}: {exc.strerror}") from exc


def latest(decisions: list[Decision]) -> dict[tuple[str, str], Decision]:
    """The decision in force for each (sha256, target): the last one made."""
    return {(d.sha256, d.target): d for d in decisions}


def _cell_text(value: Value) -> str:
    text = "" if value is None else json.dumps(value, ensure_ascii=False)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(decisions: list[Decision], out: Path) -> None:
    """The audit trail as CSV (old/new JSON-encoded; a leading = + - @ neutralised for spreadsheets)."""
    tmp = out.with_name(f".{out.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, CSV_FIELDS)
            writer.writeheader()
            for d in decisions:
                row = d.model_dump()
                writer.writerow({**row, "old": _cell_text(d.old), "new": _cell_text(d.new)})
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputAccessError(f"cannot write {out}: {exc.strerror}") from exc


def _csv_value(text: str) -> Value:
    text = text[1:] if text.startswith("'") else text
    return None if text == "" else json.loads(text)


def import_csv(path: Path) -> list[Decision]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadArgsError(f"cannot read decisions from {path}: {exc}") from exc
    try:
        return [Decision(**{**r, "old": _csv_value(r["old"]), "new": _csv_value(r["new"])}) for r in rows]
    except (ValidationError, KeyError, ValueError) as exc:
        raise BadArgsError(f"{path}: not a decisions CSV written by `nianbao review --export-decisions`") from exc
