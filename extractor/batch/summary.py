"""What a batch did, counted as lines are written, and shown once at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from extractor.errors import ExitCode


@dataclass
class Summary:
    inputs: int = 0
    skipped: int = 0
    written: int = 0
    failed: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    reports_failing_checks: int = 0
    failing_checks: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    torn_bytes: int = 0

    def add(self, line: dict[str, Any]) -> None:
        self.written += 1
        if "error" in line:
            self.failed += 1
            self.errors[line["error"]["code"]] += 1
            return
        self.kinds[line["source"]["kind"]] += 1
        failing = sum(1 for check in line.get("checks", []) if not check.get("ok", True))
        self.failing_checks += failing
        self.reports_failing_checks += failing > 0

    @property
    def ok(self) -> int:
        return self.written - self.failed

    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.interrupted
        return ExitCode.some_failed if self.failed else ExitCode.ok

    def lines(self) -> list[str]:
        """Plain lines for the terminal (the CLI prints them on stderr)."""
        rate = self.written / self.seconds * 60 if self.seconds > 0 else 0.0
        out = [
            f"inputs: {self.inputs}, already done (skipped): {self.skipped}, written now: {self.written}"
            + (" (interrupted: rerun the same command to resume)" if self.interrupted else ""),
            "reports by kind: " + (_counts(self.kinds) or "none"),
            f"failures: {self.failed}" + (f" ({_counts(self.errors)})" if self.errors else ""),
            f"checks failing: {self.failing_checks} in {self.reports_failing_checks} report(s)",
            f"time: {self.seconds:.1f} s ({rate:.1f} files/min)",
        ]
        if self.torn_bytes:
            out.append(f"a torn last line ({self.torn_bytes} bytes) from an interrupted run was removed")
        return out


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
