"""Training features for section-五 items: normalised text, jieba words and character n-grams.

scikit-learn fits the vocabularies and idf weights; :func:`runtime_model` hands them to the
numpy-only :class:`extractor.classify.model.Model`, which computes the same features at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from extractor.classify.model import Model, Vocabulary, clean
from extractor.text.nlp import segment


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


def _vectorizers(features: Pipeline) -> list[TfidfVectorizer]:
    return [
        step.steps[-1][1] if isinstance(step, Pipeline) else step
        for _, step in features.named_steps["union"].transformer_list
    ]


def runtime_model(features: Pipeline, coef, intercept, labels: tuple[str, ...], thresholds: tuple[float, ...]) -> Model:
    """The fitted vocabularies and idf weights as the run-time model's plain arrays."""
    words, chars = _vectorizers(features)
    return Model(
        Vocabulary(dict(words.vocabulary_), words.idf_.copy()),
        Vocabulary(dict(chars.vocabulary_), chars.idf_.copy(), len(words.vocabulary_)),
        coef, intercept, labels, thresholds,
    )
