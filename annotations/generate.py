"""Render the clause bank into annotations/items.jsonl, deterministically.

Each bank clause is rendered in several report styles (list markers 一是/（一）/1., lead-ins, tails,
hard wraps, PDF glyph spacing) and some items join two clauses. The train/test split is by clause:
every fifth clause of each bank goes to test, and an item only mixes clauses of one split, so no
wording seen in training reappears in the test split.

Run: python annotations/generate.py  (rewrites annotations/items.jsonl)
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from bank import BANK

SEED = 20240501
HERE = Path(__file__).resolve().parent
ORDINALS = "一二三四五六七八"
ORGS = ["我局", "我委", "我办", "本单位", "我镇", "我街道", "我中心", "我区", "本机关", "我县", "本部门", "我馆"]
YEARS = range(2019, 2026)
P_LEADS = [
    "对照上级要求，", "从工作实际看，", "经自查，", "{year}年，", "在实际工作中，", "客观来看，",
    "与先进地区相比，", "{org}", "对照考核指标，", "总体来看，",
]
P_TAILS = [
    "，有待进一步加强", "，需要在今后工作中加以改进", "，与群众期盼还有差距", "，影响了公开工作整体成效",
    "，仍需持续改进", "，亟需加以解决", "，离上级要求还有一定差距",
]
I_LEADS = [
    "下一步，{org}将", "针对上述问题，{org}将", "{org}将", "{year}年，{org}将", "今后，", "为此，",
    "整改措施：", "{org}计划", "", "下一步，",
]
I_TAILS = [
    "，切实提升政务公开工作水平", "，确保各项工作落到实处", "，推动政务公开工作再上新台阶",
    "，不断提高政府信息公开工作质量", "，努力让群众满意",
]
JOINERS = ["，", "；", "，同时", "；此外，", "，且"]


@dataclass(frozen=True)
class Clause:
    gid: str
    kind: str
    text: str
    labels: tuple[str, ...]
    split: str


def load_clauses() -> list[Clause]:
    """Parse the bank; every fifth clause of each (label, kind) bank is held out for test."""
    clauses = []
    for label, kinds in BANK.items():
        for kind, block in kinds.items():
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            for index, line in enumerate(lines):
                text, _, extra = line.partition("|")
                labels = (label, *[e for e in extra.split(",") if e])
                split = "test" if index % 5 == 2 else "train"
                gid = f"{label}.{kind}.{index:02d}"
                clauses.append(Clause(gid, "problem" if kind == "P" else "improvement", text, labels, split))
    return clauses


def marker(rng: random.Random) -> str:
    """A list marker in one of the styles real reports use, or none."""
    n = rng.randrange(6)
    style = rng.choices(["none", "shi", "paren", "dot", "dun", "paren_num", "di"], [30, 25, 10, 12, 8, 8, 7])[0]
    return {
        "none": "",
        "shi": f"{ORDINALS[n]}是",
        "paren": rng.choice([f"（{ORDINALS[n]}）", f"({ORDINALS[n]})"]),
        "dot": rng.choice([f"{n + 1}.", f"{n + 1}．", f"{chr(0xFF11 + n)}．"]),
        "dun": f"{n + 1}、",
        "paren_num": rng.choice([f"（{n + 1}）", f"({n + 1})"]),
        "di": f"第{ORDINALS[n]}，",
    }[style]


def fill(template: str, rng: random.Random) -> str:
    return template.format(org=rng.choice(ORGS), year=rng.choice(YEARS))


def hard_wrap(text: str, rng: random.Random) -> str:
    """Break the line every ``width`` characters as PDF text extraction does."""
    width = rng.randrange(16, 40)
    pieces = [text[i : i + width] for i in range(0, len(text), width)]
    return rng.choice(["\n", " \n", "\n\n"]).join(pieces)


def glyph_spaced(text: str) -> str:
    return " ".join(text)


def render(body: str, kind: str, rng: random.Random) -> str:
    """Dress one clause body in a report style."""
    leads, tails = (P_LEADS, P_TAILS) if kind == "problem" else (I_LEADS, I_TAILS)
    text = body
    if body not in ("无", "暂无") and rng.random() < 0.35:
        text = fill(rng.choice(leads), rng) + text
    if body not in ("无", "暂无") and rng.random() < 0.25:
        text += rng.choice(tails)
    text = marker(rng) + text + rng.choice(["；", "。", "", ";"])
    roll = rng.random()
    if roll < 0.25 and len(text) > 20:
        text = hard_wrap(text, rng)
    elif roll < 0.28:
        text = glyph_spaced(text)
    return text


def items(clauses: list[Clause], rng: random.Random) -> list[dict]:
    """Two or three single-clause renderings per clause, then two-clause items within a split."""
    out: list[dict] = []
    for clause in clauses:
        for _ in range(2 if clause.kind == "improvement" or rng.random() < 0.5 else 3):
            out.append(item(render(clause.text, clause.kind, rng), clause.kind, clause.labels, clause.split, [clause.gid]))
    pools: dict[tuple[str, str], list[Clause]] = {}
    for clause in clauses:
        if "other" not in clause.labels:
            pools.setdefault((clause.kind, clause.split), []).append(clause)
    for (kind, split), pool in sorted(pools.items()):
        for _ in range(len(pool) * 3 // 4):
            a, b = rng.sample(pool, 2)
            if a.labels[0] == b.labels[0]:
                continue
            body = a.text + rng.choice(JOINERS) + b.text
            labels = tuple(dict.fromkeys(a.labels + b.labels))
            out.append(item(render(body, kind, rng), kind, labels, split, [a.gid, b.gid]))
    return out


def item(text: str, kind: str, labels: tuple[str, ...], split: str, groups: list[str]) -> dict:
    return {"text": text, "kind": kind, "labels": list(labels), "split": split, "groups": groups}


def main() -> None:
    rng = random.Random(SEED)
    seen: set[str] = set()
    rows = []
    for row in items(load_clauses(), rng):
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        rows.append({"id": f"s5-{len(rows) + 1:04d}", **row})
    path = HERE / "items.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} items to {path}")


if __name__ == "__main__":
    main()
