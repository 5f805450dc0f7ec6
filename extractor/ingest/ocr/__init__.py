"""OCR engines behind one interface: pick one per run with ``get_ocr_engine``."""

from extractor.ingest.ocr.base import OCR_ENGINES, OcrEngine, get_ocr_engine, resolve_engines

__all__ = ["OCR_ENGINES", "OcrEngine", "get_ocr_engine", "resolve_engines"]
