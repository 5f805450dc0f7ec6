"""Feature extraction for section-五 items: normalised text, jieba words and character n-grams.

The transformers are stateless and hold no callables, so the fitted pipeline serialises with skops
(trusted types only) and segments exactly like the rest of the package (extractor.text.nlp).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from extractor.text.nlp import normalize, segment, strip_list_marker


def clean(text: str) -> str:
    """Normalised text without its list marker (the marker carries no topic)."""
    return strip_list_marker(normalize(text))


class TextCleaner(BaseEstimator, TransformerMixin):
    """Width, hard breaks, glyph spacing and list markers folded before any feature."""

    def fit(self, texts: Iterable[str], y=None) -> TextCleaner:
        return self

    def transform(self, texts: Iterable[str]) -> list[str]:
        return [clean(t) for t in texts]


class Segmenter(BaseEstimator, TransformerMixin):
    """jieba words (with the domain dictionary), joined by spaces for a whitespace tokenizer."""

    def fit(self, texts: Iterable[str], y=None) -> Segmenter:
        return self

    def transform(self, texts: Iterable[str]) -> list[str]:
        return [_segmented(t) for t in texts]


@lru_cache(maxsize=20000)
def _segmented(text: str) -> str:
    """Training refits the features many times on the same texts; jieba is the slow part."""
    return " ".join(segment(text))


def build_features() -> Pipeline:
    """Cleaner, then the union of words and character 1-2-grams (tf-idf, sublinear).

    Longer character n-grams (up to 5) and word bigrams scored no better in grouped CV on the train
    split and multiply the vocabulary, hence the file size and load time.
    """
    words = Pipeline(
        [
            ("segment", Segmenter()),
            (
                "tfidf",
                TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True),
            ),
        ]
    )
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    return Pipeline([("clean", TextCleaner()), ("union", FeatureUnion([("words", words), ("chars", chars)]))])
