"""One segmenter for the whole process: jieba with the domain dictionary, and a blank spaCy ``zh``.

jieba's state is process-wide (spaCy's zh tokenizer calls the global module), so the dictionary is
loaded once here and both the text stage and the classifier segment the same way.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

from extractor.imports import deferred
from extractor.resources import data_path
from extractor.text.prefix_cache import import_jieba, initialise

_HARD_BREAK = re.compile(r"(?<=[\u4e00-\u9fff，、；：“”（）《》])\s*\n\s*(?=[\u4e00-\u9fff，、；：“”（）《》0-9])")
_CJK_OR_PUNCT = r"[\u4e00-\u9fff，、；：。！？“”（）《》]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK_OR_PUNCT})[ \t\u3000]+(?={_CJK_OR_PUNCT})")
_LIST_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]+[，、]?|第[一二三四五六七八九十]+[，、]"
    r"|（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+、|\d+[.、．](?!\d))\s*"
)


@cache
def _jieba():
    jieba = import_jieba()
    jieba.setLogLevel(logging.WARNING)
    initialise(jieba)
    with data_path("userdict.txt").open("r", encoding="utf-8") as handle:
        jieba.load_userdict(handle)
    return jieba


def normalize(text: str) -> str:
    """Full-width to half-width letters/digits (NFKC), hard-wrapped lines and glyph spacing folded.

    Chinese punctuation is kept full-width (NFKC would turn （ into ( — we map those back).
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("(", "（").replace(")", "）").replace(",", "，").replace(";", "；").replace(":", "：")
    text = _HARD_BREAK.sub("", text)
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


def strip_list_marker(text: str) -> str:
    """Drop a leading 一是/（一）/1./第一， marker: it says where an item sits, not what it is about."""
    return _LIST_MARKER.sub("", text, count=1)


def segment(text: str) -> list[str]:
    """Words of ``text`` after normalisation, whitespace dropped."""
    return [w for w in _jieba().lcut(normalize(text)) if w.strip()]


@cache
def get_nlp():
    """A blank ``zh`` pipeline on the jieba segmenter with a sentencizer; no downloaded model.

    spaCy imports its command line only to re-export ``spacy.info``; it is deferred to that call.
    """
    with deferred("spacy.cli.info", "info"):
        import spacy

    _jieba()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "；", "!", "?", ";"]})
    return nlp
