"""Bulk extraction: folders of reports to one JSON line each, in parallel or on Dask, resumable."""

from extractor.batch.results import read_records
from extractor.batch.runner import DEFAULT_TIMEOUT, run_batch
from extractor.batch.summary import Summary

__all__ = ["DEFAULT_TIMEOUT", "Summary", "read_records", "run_batch"]
