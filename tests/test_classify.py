"""Section-五 classifier: seed items tagged as a reader would, robust input, loading rules, addresses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extractor.classify import classify_items
from extractor.classify.cuewords import cue_tag
from extractor.classify.model import decide_row, load_model
from extractor.classify.taxonomy import label_keys
from extractor.errors import DataError
from extractor.resources import data_path

ROOT = Path(__file__).resolve().parents[1]

# Items of the five seed reports' section 五 (input text), with the labels a reader accepts as main.
SEED_ITEMS = [
    ("一是由于我委已接入防城港公文收发系统，无法收到自治区公文收发系统发送到我委的文件，导致我委无法及时收到有关文件，以致没能紧跟政府信息公开新要求的步伐", {"resources_support", "timeliness"}),  # the cause is the system, the harm is lateness: a reader accepts either
    ("二是由于经费欠缺和人力有限，我委微博、微信编辑设计缺乏创意创新", {"new_media", "resources_support"}),
    ("三是2020年由于疫情影响，我委参加网站管理的有关培训机会有所减少", {"awareness_training"}),
    ("一是在群众较为关注的政策上，需要加大宣传力度", {"public_engagement"}),
    ("二是政策解读形式不够丰富", {"policy_interpretation"}),
    ("一是针对栏目内容工业园区政策解读方面信息较少", {"policy_interpretation"}),
    ("二是发布的内容挂载相应栏目还不够及时", {"timeliness"}),
    ("一是园区政府信息公开专职人员配备薄弱，影响政务公开工作开展", {"staffing"}),
    ("二是政策理论和专业知识学习需要进一步加强，对一些政务公开文件理解贯彻不够深入", {"awareness_training"}),
    ("三是落实政务公开工作安排部署不够主动，对一些应公开的政府信息不能够全面深入公开", {"content_scope", "awareness_training"}),
    ("四是公开信息内容质量需要有待加强，现有信息公开的及时性和实用性都较为不足", {"standardization_quality", "timeliness"}),
    ("一是规范性标准性有待进一步提高", {"standardization_quality"}),
    ("二是政务公开队伍建设不够完善，对政务公开制度的掌握程度不够", {"staffing", "awareness_training"}),
    ("三是网站平台建设仍需进一步加强，部分功能仍不完善", {"platform_channels"}),
]


@pytest.mark.parametrize(("text", "accepted"), SEED_ITEMS)
def test_seed_item_main_label(text: str, accepted: set[str]) -> None:
    problems, _ = classify_items([text], [])
    assert problems[0].categories[0].label in accepted


def test_categories_sorted_and_addresses_link_matching_problems() -> None:
    problems, improvements = classify_items(
        ["一是针对栏目内容工业园区政策解读方面信息较少", "二是发布的内容挂载相应栏目还不够及时"],
        ["进一步加强相关政策信息解读的发布、释疑", "加强督促发布人员对发布内容进行整理，及时把相应内容挂载至相应栏目"],
    )
    for item in problems + improvements:
        scores = [c.score for c in item.categories]
        assert scores == sorted(scores, reverse=True) and item.categories
    assert 0 in improvements[0].addresses and 1 not in improvements[0].addresses
    assert 1 in improvements[1].addresses


@pytest.mark.parametrize("text", ["", "   \n\t ", "No problems were found in this reporting year.", "问题较多。" * 20000])
def test_degenerate_input_gives_valid_result(text: str) -> None:
    problems, improvements = classify_items([text], [text])
    assert problems[0].categories and all(0.0 <= c.score <= 1.0 for c in problems[0].categories)
    assert improvements[0].addresses == [] or improvements[0].categories[0].label != "other"
    if not text.strip() or text.isascii():
        assert [c.label for c in problems[0].categories] == ["other"]


def test_no_items_gives_empty_lists() -> None:
    assert classify_items([], []) == ([], [])


def _bundle(model) -> dict:
    with np.load(ROOT / "models" / "section5" / "model.npz", allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(labels=np.array([*b["labels"][:-1], "misc"])), "do not match taxonomy"),
        (lambda b: b.update(thresholds=b["thresholds"][:-1]), "thresholds"),
        (lambda b: b.update(thresholds=np.full(len(b["thresholds"]), 1.5)), "outside"),
        (lambda b: b.update(coef=b["coef"][:, :-1]), "do not fit"),
        (lambda b: b.update(intercept=b["intercept"][:-1]), "do not fit"),
        (lambda b: b.update(char_idf=b["char_idf"][:-1]), "do not fit"),
        (lambda b: b.update(coef=b["coef"] * np.nan), "non-finite"),
        (lambda b: b.pop("word_vocab"), "incomplete"),
        (lambda b: b.update(format=np.array(2)), "not a format-3"),
    ],
)
def test_model_bundle_is_validated_on_load(tmp_path: Path, change, message: str) -> None:
    model = load_model(ROOT / "models" / "section5")
    assert model.labels == label_keys() and model.coef.shape[0] == len(label_keys())
    bundle = _bundle(model)
    change(bundle)
    np.savez(tmp_path / "model.npz", **bundle)
    with pytest.raises(DataError, match=message):
        load_model(tmp_path)


def test_broken_model_is_exit_8_with_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    bundle = _bundle(load_model(ROOT / "models" / "section5"))
    bundle["thresholds"] = bundle["thresholds"][:3]
    np.savez(tmp_path / "model.npz", **bundle)
    section = tmp_path / "s5.txt"
    section.write_text("五、存在的主要问题及改进情况\n一是信息更新不及时。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(section), "--model", str(tmp_path)])
    assert result.exit_code == 8
    assert "Traceback" not in result.output and "thresholds" in result.output


def test_a_bundle_holding_python_objects_is_refused_unread(tmp_path: Path) -> None:
    bundle = _bundle(load_model(ROOT / "models" / "section5"))
    bundle["labels"] = np.array([object()] * len(bundle["labels"]), dtype=object)
    np.savez(tmp_path / "model.npz", **bundle)
    with pytest.raises(DataError, match="unreadable"):
        load_model(tmp_path)


def test_run_time_features_equal_the_training_vectorizers() -> None:
    """The numpy-only scorer computes exactly the tf-idf rows scikit-learn fitted in training."""
    from extractor.classify.features import build_features, runtime_model
    import json

    items = sorted((ROOT / "annotations" / "real").glob("items-*.jsonl"))
    real = [json.loads(line)["text"] for path in items for line in path.read_text(encoding="utf-8").splitlines()]
    texts = real[:120] + ["一是  ＡＢＣ 信息公开　　不及时；\n二是 1.2 万元", "", "abc"]
    features = build_features().fit(texts[:100])
    model = runtime_model(features, np.zeros((len(label_keys()), 1)), np.zeros(len(label_keys())), label_keys(),
                          (0.5,) * len(label_keys()))
    expected = features.transform(texts).toarray()
    got = np.zeros_like(expected)
    for i, row in enumerate(model.vectors(texts)):
        for col, value in row.items():
            got[i, col] = value
    assert np.allclose(got, expected, atol=1e-12)


def test_cue_baseline_fires_on_cues_only() -> None:
    assert "policy_interpretation" in cue_tag("政策解读形式单一")
    assert cue_tag("天气晴朗") == ["other"]


def test_corpus_meets_issue_requirements() -> None:
    rows = [json.loads(line) for line in (ROOT / "annotations" / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 800
    assert {r["kind"] for r in rows} == {"problem", "improvement"}
    for label in label_keys():
        assert sum(label in r["labels"] for r in rows) >= 30, label
    train_groups = {g for r in rows if r["split"] == "train" for g in r["groups"]}
    test_groups = {g for r in rows if r["split"] == "test" for g in r["groups"]}
    assert not train_groups & test_groups


def test_clause_with_content_keeps_its_best_label_when_no_threshold_passes() -> None:
    labels = label_keys()
    thresholds = (0.9,) * len(labels)
    row = np.full(len(labels), 0.05)
    row[labels.index("staffing")] = 0.4
    assert decide_row(row, labels, thresholds) == [("staffing", 0.4)]
    assert [lab for lab, _ in decide_row(row, labels, thresholds, content=False)] == ["other"]
    row[labels.index("other")] = 0.6
    assert [lab for lab, _ in decide_row(row, labels, thresholds)] == ["other"]


def test_other_passing_its_threshold_and_outranking_every_topic_wins_over_passed_topics() -> None:
    labels = label_keys()
    thresholds = tuple(0.5 if lab == "other" else 0.2 for lab in labels)
    row = np.full(len(labels), 0.05)
    row[labels.index("staffing")], row[labels.index("other")] = 0.3, 0.45
    assert [lab for lab, _ in decide_row(row, labels, thresholds)] == ["staffing"]
    row[labels.index("other")] = 0.55
    assert [lab for lab, _ in decide_row(row, labels, thresholds)] == ["other"]
    row[labels.index("staffing")] = 0.6
    assert [lab for lab, _ in decide_row(row, labels, thresholds)] == ["staffing"]


def test_one_model_file_and_save_writes_through_the_link(tmp_path: Path) -> None:
    link = ROOT / "models" / "section5" / "model.npz"
    assert link.is_symlink() and link.resolve() == data_path("models/model.npz").resolve()
    model = load_model(link)
    target = tmp_path / "package" / "model.npz"
    target.parent.mkdir()
    target.write_bytes(b"stale")
    card = tmp_path / "card"
    card.mkdir()
    (card / "model.npz").symlink_to(Path("..") / "package" / "model.npz")
    model.save(card)
    assert (card / "model.npz").is_symlink()
    assert load_model(target).thresholds == model.thresholds
