"""Benchmark support: synthetic reports with known truth and corpus writers (not used by extraction)."""
