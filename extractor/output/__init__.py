"""Output: JSON files (atomic) and databases."""
