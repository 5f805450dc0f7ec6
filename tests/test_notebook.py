"""notebooks/themes.ipynb runs headless from a fresh kernel without any error."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from extractor.resources import data_path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "themes.ipynb"


def _examples(tmp_path: Path) -> Path:
    """The bundled examples when packaged; until then, generated reports of several years."""
    bundled = Path(str(data_path("examples")))
    if bundled.is_dir() and any(bundled.iterdir()):
        return bundled
    from extractor.bench.synth import random_report, render_text

    folder = tmp_path / "examples"
    folder.mkdir()
    for seed in range(6):
        report = random_report(seed, "2019" if seed % 3 == 0 else "2021")
        (folder / f"example{seed}.txt").write_text(render_text(report), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_themes_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_EXAMPLES", str(_examples(tmp_path)))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "display_data" and "image/png" in o.data for o in outputs), "no plot was drawn"
    assert os.environ["NIANBAO_EXAMPLES"]
