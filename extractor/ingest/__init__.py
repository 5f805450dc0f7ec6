"""Ingest: bytes on disk to a :class:`Document` of text lines and table rows, with provenance."""
