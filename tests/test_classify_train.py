"""The real corpus build (hold-out refused), training reproducibility, and the classify CLI on text."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.classify.holdout import is_held_out, read_prints, windows
from extractor.classify.realcorpus import read_real
from extractor.classify.train import train
from extractor.cli import app
from extractor.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
RESERVED = "我局政府信息公开工作仍存在一些不足，一是信息更新不够及时；二是政策解读形式单一，公众参与度不高。"


def _digests(text: str) -> list[str]:
    letters = re.sub(r"[\W_]+", "", text)
    return [hashlib.sha256(letters[i:i + 16].encode()).hexdigest()[:16] for i in range(len(letters) - 15)]


def test_hold_out_check_counts_shared_windows_ignoring_punctuation() -> None:
    prints = frozenset(_digests(RESERVED)[10:13])
    assert windows(RESERVED) == _digests(RESERVED)
    assert is_held_out(RESERVED.replace("，", " ").replace("；", "\n"), prints)
    assert not is_held_out(RESERVED, frozenset(_digests(RESERVED)[10:12]))
    assert not is_held_out("另一段毫不相干的文字，讲的是别的事情，和保留段落没有共同之处。", prints)


def test_packaged_hold_out_list_is_well_formed() -> None:
    assert len(read_prints(ROOT / "annotations" / "holdout.txt")) > 1000


def _corpus(folder: Path, passages: dict[str, str], items: list[dict]) -> Path:
    real = folder / "real"
    (real / "passages").mkdir(parents=True)
    lines = []
    for n, (pid, text) in enumerate(passages.items()):
        (real / "passages" / f"{pid}.txt").write_text(text, encoding="utf-8")
        lines.append(json.dumps({"id": pid, "source": "test", "agency": f"测试局{n}", "level": "county", "year": 2020,
                                 "file": f"annotations/real/passages/{pid}.txt"}, ensure_ascii=False))
    (real / "passages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (real / "items-t.jsonl").write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    return folder


def test_corpus_build_refuses_a_held_out_passage(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, {"x1": RESERVED}, [
        {"id": "x1-01", "passage": "x1", "text": "一是信息更新不够及时；", "kind": "problem", "labels": ["timeliness"]}])
    (folder / "holdout.txt").write_text("\n".join(_digests(RESERVED)[:5]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="x1 is a held-out evaluation passage"):
        read_real(folder / "real")
    result = CliRunner().invoke(app, ["train", "--data", str(folder), "--out-dir", str(tmp_path / "m"), "--no-package-copy"])
    assert result.exit_code == 8 and "held-out" in result.output
    (folder / "holdout.txt").write_text("0" * 16 + "\n", encoding="utf-8")
    assert read_real(folder / "real").primary()[0].labels == ("timeliness",)


def _small_annotations(tmp_path: Path, passages: int) -> Path:
    """The first passages of the real corpus with their items and the hold-out list (no generated bank)."""
    source = ROOT / "annotations"
    folder = tmp_path / "annotations"
    (folder / "real" / "passages").mkdir(parents=True)
    shutil.copyfile(source / "holdout.txt", folder / "holdout.txt")
    rows = [json.loads(line) for line in (source / "real" / "passages.jsonl").read_text(encoding="utf-8").splitlines()][:passages]
    keep = {r["id"] for r in rows}
    for r in rows:
        shutil.copyfile(source / "real" / "passages" / f"{r['id']}.txt", folder / "real" / "passages" / f"{r['id']}.txt")
    (folder / "real" / "passages.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for path in (source / "real").glob("items-*.jsonl"):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and json.loads(line)["passage"] in keep]
        (folder / "real" / path.name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def test_training_twice_gives_identical_figures(tmp_path: Path) -> None:
    folder = _small_annotations(tmp_path, 16)
    first, second = train(folder, repeats=(1,)), train(folder, repeats=(1,))
    assert first.meta == second.meta and first.report == second.report
    split = first.meta["split_by_agency"]
    assert split["test_items"] and split["train_items"]
    assert first.meta["data"]["bank_items"] == 0 and "cue-word tagger, test" in first.report
    assert first.meta["repeated_splits"]["seeds"] == [13, 1] and "split seeds" in first.report


def test_classify_command_on_section_text(tmp_path: Path) -> None:
    section = tmp_path / "s5.txt"
    section.write_text(
        "五、存在的主要问题及改进情况\n主要问题有：一是政策解读信息较少；二是信息发布不够及时。\n"
        "针对上述问题，一是加大政策解读力度；二是督促及时发布信息。\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(section), str(empty), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "s5.json").read_text(encoding="utf-8"))
    assert len(data["problems"]) == 2 and len(data["improvements"]) == 2
    assert all(p["categories"] for p in data["problems"])
    assert all("addresses" in i for i in data["improvements"])
    assert json.loads((tmp_path / "out" / "empty.json").read_text(encoding="utf-8"))["problems"] == []


def test_bank_items_weigh_bank_weight_and_real_items_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bank's weight is a validated choice: it must reach the fit, and real items stay at 1."""
    from extractor.classify import train as training

    seen: list = []

    def recording(texts, truth, seed, weights=None):
        seen.append(weights)
        return original(texts, truth, seed, weights)

    original = training.fit_scorer
    monkeypatch.setattr(training, "fit_scorer", recording)
    real = [training.Example("信息发布不够及时", ("timeliness",), "p1", "a", "p1"),
            training.Example("政策解读形式单一", ("policy_interpretation",), "p2", "b", "p2")]
    bank = [training.Example("信息更新不及时", ("timeliness",), "bank:1", "bank", "bank:1")]
    training.fit_model(real, bank, seed=13)
    assert list(seen[0]) == [1.0, 1.0, training.BANK_WEIGHT]


def test_naive_bayes_scale_is_folded_into_the_runtime_weights() -> None:
    """NB-LR: a word seen only with the label is scaled up, and the bundle's plain weights on the unscaled
    features give exactly the probabilities of the regression fitted on the scaled ones."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from extractor.classify import train as training
    from extractor.classify.features import runtime_model

    texts = ["信息发布不够及时", "栏目更新不及时", "发布滞后", "政策解读形式单一", "解读信息较少", "培训不足"]
    truth = np.array([[1], [1], [1], [0], [0], [0]])
    features, coef, intercept = training.fit_scorer(texts, truth, seed=13)
    x = features.transform(texts).tocsr()
    scale = training.nb_scale(x, truth[:, 0], np.ones(len(texts)))
    model = runtime_model(features, coef, intercept, ("timeliness",), (0.5,))
    column = {ch: model.chars.offset + model.chars.terms[ch] for ch in "时信"}
    assert scale[column["时"]] > scale[column["信"]] >= 1.0 - training.NB_MIX
    fitted = LogisticRegression(C=training.LOGREG_C, class_weight="balanced", solver="liblinear", random_state=13)
    fitted.fit(x @ sparse.diags(scale), truth[:, 0])
    assert np.allclose(model.proba(texts)[:, 0], fitted.predict_proba(x @ sparse.diags(scale))[:, 1])
