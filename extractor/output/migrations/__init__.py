"""Versioned SQL steps of the nianbao database (NNNN_name.sql, applied in order)."""
