"""Export tables to CSV, Parquet or one Excel workbook, safe to open in a spreadsheet.

A text cell beginning with = + - @ (or a tab or carriage return) would run as a formula in Excel,
LibreOffice or Sheets (CSV/formula injection): CSV and Excel exports prefix it with an apostrophe.
Excel cannot hold more than 1,048,575 data rows or 32,767 characters in a cell, or control characters:
long tables continue on further sheets (``cells (2)``), long texts are cut with a marked ending.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

FORMATS = ("parquet", "csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_ROWS = 1_048_575
EXCEL_CELL = 32_767
_CUT = "…[truncated]"


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made plain text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe_frame(frame: pd.DataFrame, excel: bool) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            cleaned = out[column].map(neutralise)
            if excel:
                cleaned = cleaned.map(_excel_text)
            out[column] = cleaned
    return out


def _excel_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    return value if len(value) <= EXCEL_CELL else value[: EXCEL_CELL - len(_CUT)] + _CUT


def write_export(frames: dict[str, pd.DataFrame], fmt: str, out_dir: Path) -> list[Path]:
    """One file per table (csv, parquet), or ``nianbao.xlsx`` with one sheet per table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        target = out_dir / "nianbao.xlsx"
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for name, frame in frames.items():
                safe = _safe_frame(frame, excel=True)
                for part, start in enumerate(range(0, max(len(safe), 1), EXCEL_ROWS)):
                    sheet = name if part == 0 else f"{name} ({part + 1})"
                    safe.iloc[start : start + EXCEL_ROWS].to_excel(writer, sheet_name=sheet[:31], index=False)
        return [target]
    written = []
    for name, frame in frames.items():
        target = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(target, index=False)
        else:
            _safe_frame(frame, excel=False).to_csv(target, index=False)
        written.append(target)
    return written
