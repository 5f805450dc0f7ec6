"""notebooks/themes.ipynb runs headless from a fresh kernel without any error."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from extractor.resources import data_path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "themes.ipynb"


def _examples() -> Path:
    """The examples bundled in the package: real reports and one synthetic report of each kind."""
    bundled = Path(str(data_path("examples")))
    assert bundled.is_dir() and len(list(bundled.iterdir())) >= 5
    return bundled


@pytest.mark.slow
def test_themes_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_EXAMPLES", str(_examples()))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "display_data" and "image/png" in o.data for o in outputs), "no plot was drawn"
    assert os.environ["NIANBAO_EXAMPLES"]
