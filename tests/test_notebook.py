"""notebooks/themes.ipynb runs headless from a fresh kernel and shows what it computed from the reports given."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "themes.ipynb"
SERIES = Path(__file__).parent / "fixtures" / "portal" / "series"


def _text(outputs: list) -> str:
    parts = []
    for output in outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data") and "text/plain" in output.data:
            parts.append(output.data["text/plain"])
    return "\n".join(parts)


@pytest.mark.slow
def test_themes_notebook_follows_one_agency_across_years(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the 7-year series: the notebook loads all 8 files, plots the agency's years, and lists the 6 breaks."""
    monkeypatch.setenv("NIANBAO_EXAMPLES", str(SERIES))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = _text(outputs)
    assert "reports inserted 8" in text
    assert "agency: 安平县交通运输局; years: 2017, 2018, 2019, 2020, 2021, 2022, 2023" in text
    assert "cross-year findings: 6" in text and "T2_2021_IN_FORCE_CARRY" in text and "COPIED_SECTION" in text
    last = notebook.cells[-1].outputs
    assert sum(o.output_type == "display_data" and "image/png" in o.data for o in last) == 1, "the across-years plot"
