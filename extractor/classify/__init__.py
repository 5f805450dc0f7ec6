"""Section-五 issue tagging: a trained jieba + scikit-learn model over the taxonomy's labels."""
