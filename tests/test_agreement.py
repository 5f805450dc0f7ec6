"""The second labelling pass: items matched by overlap, per-label agreement against the first pass."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.classify.realcorpus import read_real
from extractor.classify.train import agreement

TEXT = "五、存在的主要问题及改进情况\n一是信息更新不够及时；二是政策解读形式单一。下一步将加强培训。\n"


def _write(folder: Path, annotator: str, rows: list[tuple[str, str, list[str]]]) -> None:
    lines = [json.dumps({"id": f"a1-{n:02d}", "passage": "a1", "text": text, "kind": kind, "labels": labels},
                        ensure_ascii=False) for n, (text, kind, labels) in enumerate(rows, 1)]
    (folder / f"items-{annotator}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_second_pass_agreement_on_matched_items(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "passages").mkdir(parents=True)
    (real / "passages" / "a1.txt").write_text(TEXT, encoding="utf-8")
    (real / "passages.jsonl").write_text(json.dumps({"id": "a1", "source": "test", "agency": "测试局", "level": "city",
                                                      "year": 2020, "file": "annotations/real/passages/a1.txt",
                                                      "annotator": "b"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "holdout.txt").write_text("0" * 16 + "\n", encoding="utf-8")
    _write(real, "a", [("一是信息更新不够及时；", "problem", ["timeliness"]), ("二是政策解读形式单一。", "problem", ["other"]),
                       ("下一步将加强培训。", "improvement", ["awareness_training"])])
    _write(real, "b", [("一是信息更新不够及时；", "problem", ["timeliness"]),
                       ("二是政策解读形式单一。下一步将加强培训。", "problem", ["policy_interpretation"])])
    corpus = read_real(real)
    assert [i.annotator for i in corpus.primary()] == ["b", "b"]
    result = agreement(corpus)
    assert (result["double_split_passages"], result["double_split_items"], result["items_matched"], result["items_unmatched"]) == (1, 2, 1, 1)
    assert result["per_label"]["timeliness"]["f1"] == 1.0 and result["micro_f1"] == 1.0
    (real / "second-pass.jsonl").write_text(json.dumps({"id": "a1-02", "kind": "problem", "labels": ["timeliness"]}) + "\n",
                                            encoding="utf-8")
    result = agreement(read_real(real))
    assert (result["relabelled_items"], result["items_matched"], result["kind_agreement"]) == (1, 2, 2)
    assert result["per_label"]["timeliness"]["support"] == 1 and result["micro_f1"] == 0.5


def test_split_score_counts_found_extra_and_kind() -> None:
    from extractor.classify.realcorpus import Passage, RealItem
    from extractor.classify.splitcheck import score_passage

    passage = Passage("a1", "test", "测试局", "city", 2020, TEXT, "a")
    gold = [RealItem("a1-01", "a1", "一是信息更新不够及时；", "problem", ("timeliness",), "a"),
            RealItem("a1-02", "a1", "下一步将加强培训。", "problem", ("awareness_training",), "a"),
            RealItem("a1-03", "a1", "全新的一条", "problem", ("other",), "a")]
    result = score_passage(passage, gold)
    assert (result.gold, result.found, result.extra, result.kind_right) == (3, 2, 1, 1)


def test_near_duplicate_passages_form_one_family(tmp_path: Path) -> None:
    from extractor.classify.train import families

    real = tmp_path / "real"
    (real / "passages").mkdir(parents=True)
    texts = {"m1": TEXT, "m2": TEXT.replace("五、", "六、") + "（转载）", "m3": "五、存在的主要问题\n人员编制偏少，专职人员配备不足，兼职人员流动性较大。\n"}
    rows = []
    for n, (pid, text) in enumerate(texts.items()):
        (real / "passages" / f"{pid}.txt").write_text(text, encoding="utf-8")
        rows.append(json.dumps({"id": pid, "source": "t", "agency": f"局{n}", "level": "city", "year": 2020,
                                "file": f"annotations/real/passages/{pid}.txt"}, ensure_ascii=False))
    (real / "passages.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "holdout.txt").write_text("0" * 16 + "\n", encoding="utf-8")
    (real / "items-a.jsonl").write_text(json.dumps({"id": "m1-01", "passage": "m1", "text": "一是信息更新不够及时；",
                                                    "kind": "problem", "labels": ["timeliness"]}, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    assert families(read_real(real)) == {"m1": "m1", "m2": "m1", "m3": "m3"}
