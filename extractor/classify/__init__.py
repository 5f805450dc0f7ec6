"""Section-五 issue tagging: a trained jieba + scikit-learn model over the taxonomy's labels."""

from extractor.classify.tagging import classify_items, get_model

__all__ = ["classify_items", "get_model"]
