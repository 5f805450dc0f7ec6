"""A text report's cold start: what it imports, and jieba's fast dictionary segmenting exactly as jieba does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.imports import deferred, without
from extractor.text import prefix_cache

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "extractor" / "data" / "examples"
TEXTS = sorted(EXAMPLES.glob("00*.txt"))

_NOT_FOR_TEXT = ["pkg_resources", "camelot", "cv2", "rapidocr", "onnxruntime", "pytesseract", "sklearn", "scipy",
                 "pandas", "matplotlib", "pypdfium2", "extractor.batch.runner", "extractor.batch.executors",
                 "spacy.cli", "weasel", "httpx", "requests"]

_EXTRACT = """
import json, sys
from pathlib import Path
from extractor.api import extract
from extractor.settings import Settings
extract(Path(sys.argv[1]), Settings())
print(json.dumps(sorted(sys.modules)))
"""

_SEGMENT = """
import json, sys
from pathlib import Path
if sys.argv[1] == "jieba":  # jieba building its dictionary from its own dict.txt, as it does without a cache
    import jieba
    jieba.dt.tmp_dir = sys.argv[2]
    jieba.load_userdict(sys.argv[3])
    cut = jieba.lcut
else:
    from extractor.text.nlp import _jieba
    cut = _jieba().lcut
print(json.dumps([cut(Path(p).read_text(encoding="utf-8")) for p in sys.argv[4:]], ensure_ascii=False))
"""


def _python(code: str, *args: str, cache: Path) -> str:
    env = {**os.environ, "NIANBAO_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True).stdout


def test_a_text_report_imports_no_engine_it_does_not_use(tmp_path: Path) -> None:
    loaded = set(json.loads(_python(_EXTRACT, str(TEXTS[0]), cache=tmp_path)))
    assert {"spacy", "jieba", "extractor.text.metadata"} <= loaded  # the text stage did its work
    assert sorted(loaded & set(_NOT_FOR_TEXT)) == []


_EXTRACT_THEN_INFO = """
import json, sys
from pathlib import Path
from extractor.api import extract
from extractor.settings import Settings
extract(Path(sys.argv[1]), Settings())
loaded = sorted(sys.modules)
import spacy
print(json.dumps([loaded, spacy.info(silent=True)["spacy_version"] == spacy.__version__, callable(spacy.cli.download)]))
"""


def test_spacy_loads_without_its_command_line_which_still_works_afterwards(tmp_path: Path) -> None:
    docx = str(EXAMPLES / "synthetic_docx_2019_00008.docx")
    loaded, info_works, cli_works = json.loads(_python(_EXTRACT_THEN_INFO, docx, cache=tmp_path))
    assert {"spacy", "extractor.text.metadata"} <= set(loaded)
    assert sorted(set(loaded) & {"spacy.cli", "spacy.cli.info", "weasel", "httpx", "requests"}) == []
    assert info_works and cli_works


def test_a_text_pdf_imports_camelot_but_not_its_plotting_or_ocr(tmp_path: Path) -> None:
    loaded = set(json.loads(_python(_EXTRACT, str(EXAMPLES / "synthetic_pdf_2021_00007.pdf"), cache=tmp_path)))
    assert "camelot" in loaded
    assert sorted(loaded & {"matplotlib", "pkg_resources", "rapidocr", "onnxruntime", "pytesseract", "sklearn"}) == []


def test_without_blocks_an_import_only_inside() -> None:
    sys.modules.pop("tabnanny", None)
    with without("tabnanny", "json"), pytest.raises(ImportError):
        import tabnanny  # noqa: F401
    import json as again  # imported before: never blocked
    import tabnanny

    assert again is json and callable(tabnanny.check)


def test_deferred_names_import_their_module_when_called() -> None:
    sys.modules.pop("colorsys", None)
    with deferred("colorsys", "rgb_to_hsv"):
        from colorsys import rgb_to_hsv
    assert "colorsys" not in sys.modules
    assert rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert "colorsys" in sys.modules


def test_cached_dictionary_segments_exactly_as_jieba(tmp_path: Path) -> None:
    userdict = str(ROOT / "extractor" / "data" / "userdict.txt")
    texts = [str(p) for p in TEXTS]
    reference = _python(_SEGMENT, "jieba", str(tmp_path / "jieba-tmp"), userdict, *texts, cache=tmp_path)
    built = _python(_SEGMENT, "nianbao", "", userdict, *texts, cache=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("jieba-prefix-*.bin"))) == 1
    loaded = _python(_SEGMENT, "nianbao", "", userdict, *texts, cache=tmp_path / "cache")
    (tmp_path / "a-file").write_text("")
    unwritable = _python(_SEGMENT, "nianbao", "", userdict, *texts, cache=tmp_path / "a-file" / "cache")
    assert len(json.loads(reference)) == len(TEXTS)
    assert built == reference
    assert loaded == reference
    assert unwritable == reference


def test_a_damaged_cache_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "prefix.bin"
    prefix_cache._write(path, {"政府": 10, "政": 0, "公开": 5}, 15)
    assert prefix_cache._read(path) == ({"政府": 10, "政": 0, "公开": 5}, 15)
    whole = path.read_bytes()
    path.write_bytes(whole[:-3])
    assert prefix_cache._read(path) is None
    path.write_bytes(whole[:24] + b"\xff" + whole[25:])
    assert prefix_cache._read(path) is None
    assert prefix_cache._read(tmp_path / "absent.bin") is None
