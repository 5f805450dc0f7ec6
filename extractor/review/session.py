"""One review session over a results file: the records as extracted, the decisions, the reviewed copy."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from pydantic import ValidationError

from extractor.errors import BadArgsError, InputFileError
from extractor.output.jsonfile import write_atomic
from extractor.record import Report
from extractor.resources import load_json
from extractor.review.apply import apply, cell_key, targets
from extractor.review.decisions import Decision, append, latest, now, read_log, sidecar_for
from extractor.review.queue import Entry, build_queue


def read_reports(results: Path) -> list[Report]:
    """The reports of a results file (error lines skipped), the last line per source file winning."""
    try:
        lines = results.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read results: {exc}") from exc
    by_sha: dict[str, Report] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise InputFileError(f"line {number} is not JSON: not a results file written by nianbao") from exc
        if isinstance(raw, dict) and "error" in raw:
            continue
        try:
            report = Report.model_validate(raw)
        except ValidationError as exc:
            raise InputFileError(f"line {number} is not a nianbao record ({exc.error_count()} errors)") from exc
        by_sha.pop(report.source.sha256, None)
        by_sha[report.source.sha256] = report
    return list(by_sha.values())


def reviewed_path(results: Path) -> Path:
    return results.with_name(results.stem + ".reviewed.jsonl")


def _number(text: str) -> int | float:
    cleaned = text.strip().replace(",", "").replace("，", "")
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise BadArgsError(f"not a number: {text!r}") from exc
    return int(value) if value.is_integer() else value


class ReviewSession:
    """Decisions are appended to the sidecar first; the reviewed file and the database follow."""

    def __init__(self, results: Path, db_url: str | None = None, from_db: bool = False) -> None:
        """``results`` is the results file, or with ``from_db`` the sidecar's base name while the
        records come from the database (``nianbao review --db URL``)."""
        self.results = results
        if from_db:
            from extractor.output.db import stored_records

            self.reports = stored_records(db_url or "")
        else:
            self.reports = read_reports(results)
        self.by_sha = {r.source.sha256: r for r in self.reports}
        self.log = sidecar_for(results)
        self.decisions = read_log(self.log)
        self.queue: list[Entry] = build_queue(self.reports)
        self.db_url = db_url
        self.taxonomy = {e["key"]: e["name"] for e in load_json("taxonomy.json")["labels"]}
        self._lock = threading.Lock()

    def reviewed(self, sha256: str) -> Report:
        return apply(self.by_sha[sha256], self.decisions)

    def decided(self) -> dict[tuple[str, str], Decision]:
        return latest(self.decisions)

    def decision(self, entry: Entry, action: str, text: str, labels: list[str], reviewer: str) -> Decision:
        """A decision on a queue entry from what the page sent; bad values are refused, not guessed."""
        current = self.reviewed(entry.sha256)
        old = _old_value(current, entry.target)
        if action == "correct":
            new: object = _number(text)
        elif action == "labels":
            unknown = [label for label in labels if label not in self.taxonomy]
            if unknown:
                raise BadArgsError(f"unknown labels: {', '.join(unknown)}")
            new = labels
        elif action == "accept":
            new = old
        elif action in ("blank", "illegible"):
            new = None
        else:
            raise BadArgsError(f"unknown action {action!r}")
        return Decision(time=now(), reviewer=reviewer or "anonymous", sha256=entry.sha256,
                        path=current.source.path, target=entry.target, action=action, old=old, new=new)  # type: ignore[arg-type]

    def record(self, decisions: list[Decision]) -> int:
        """Keep decisions that name a report and a target of this results file; returns how many."""
        kept = [d for d in decisions if d.sha256 in self.by_sha and d.target in targets(self.by_sha[d.sha256])]
        with self._lock:
            for d in kept:
                append(self.log, d)
                self.decisions.append(d)
            self.write_reviewed()
        return len(kept)

    def write_reviewed(self) -> Path:
        """The whole reviewed results file, atomically; then the database, when one was named."""
        out = reviewed_path(self.results)
        write_atomic(out, "".join(apply(r, self.decisions).model_dump_json() + "\n" for r in self.reports))
        if self.db_url:
            from extractor.output.db import load

            load(out, self.db_url)
        return out


def _old_value(report: Report, target: str) -> object:
    kind, _, index = target.partition(".")
    if kind in ("problems", "improvements"):
        items = report.problems if kind == "problems" else report.improvements
        return [c.label for c in items[int(index)].categories]
    return next((c.value for c in report.cells if cell_key(c) == target), None)
