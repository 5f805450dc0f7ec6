"""RapidOCR (PP-OCR models shipped in the wheel, run by onnxruntime): offline, loaded once per process.

Detection and recognition are run as two steps rather than through the package's one call:
detection only has to find lines, so it sees the page shrunk to ``det_dpi`` (its cost and memory
grow with the area), while recognition reads every line from the full-resolution page. Cell
crops skip detection altogether and go through the recognition model in batches.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path

import cv2
import numpy as np

from extractor.errors import EngineError
from extractor.ingest.document import Word
from extractor.ingest.ocr.base import Mode, word_from_pixels
from extractor.resources import load_json
from extractor.settings import OcrSettings

_CFG = load_json("ocr.json")["rapidocr"]
_LOCK = threading.Lock()
_ENGINE: object | None = None
#: long side the package's own preprocessing leaves alone (pages are shrunk here, by ``det_dpi``)
_MAX_SIDE = 4000
#: letters the recognition model makes of a printed 0 in a digits read ("O", "D", "p"): kept as 0, not dropped
_ZERO_LETTERS = str.maketrans(dict.fromkeys(str(_CFG["zero_letters"]), "0"))


def _engine() -> object:
    """The process-wide RapidOCR instance (model load costs ~1 s, so it happens once).

    One onnxruntime thread: a batch runs one worker per core, and idle threads spinning on a
    shared machine burn CPU without reading anything. Its ``__call__`` flags persist between
    calls, so every call below passes all three.
    """
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            from omegaconf import flag_override

            threads = int(_CFG["threads"])
            engine = RapidOCR(params={
                "Global.log_level": "error", "Global.max_side_len": _MAX_SIDE,
                "Global.text_score": float(_CFG["text_score"]), "Rec.rec_batch_num": int(_CFG["rec_batch"]),
                "Rec.rec_img_shape": [3, 48, int(_CFG["rec_min_width"])],
                "Det.unclip_ratio": float(_CFG["det_unclip"]),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": threads})
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            det, rec = _sessions(threads)
            with flag_override(engine.cfg, "allow_objects", True):  # the package takes a ready session here
                engine.cfg.Det.session, engine.cfg.Rec.session = det, rec
            _normalise_by_table(engine._load_det_model())
            _ENGINE = engine
        return _ENGINE


def _sessions(threads: int) -> tuple[object, object]:
    """Detection and recognition sessions drawing their tensors from one onnxruntime arena.

    Left to the package, the arena is off and every run allocates afresh: tensors over glibc's
    32 MB limit are mapped, zeroed by the kernel and unmapped on every page and batch (≈ 2 s of
    system time on a 5-page scan), and the heap keeps what it freed in pieces the detector's next
    activations do not fit. One arena whose first region is ``arena_mb`` of address space (pages
    become resident only when touched) serves both models in turn and coalesces what they free,
    so a page reuses the memory the page before used: resident memory is the largest step's
    need, not a heap of leftovers (5-page scan 830 → 650 MB, 15 pages 955 → 715 MB).
    """
    import onnxruntime as ort
    import rapidocr

    cpu = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
    first_region = int(_CFG["arena_mb"]) * 2**20  # honoured with growth by powers of two (strategy 0)
    ort.create_and_register_allocator(cpu, ort.OrtArenaCfg(0, 0, first_region, -1))  # max_mem, strategy, first, dead
    models = Path(rapidocr.__file__).parent / "models"

    def session(model: str) -> object:
        options = ort.SessionOptions()
        options.log_severity_level = 4
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = options.inter_op_num_threads = threads
        options.enable_cpu_mem_arena = True
        options.enable_mem_pattern = False  # a plan per input shape: pages and batches all differ
        options.add_session_config_entry("session.use_env_allocators", "1")
        return ort.InferenceSession(str(models / model), sess_options=options, providers=["CPUExecutionProvider"])

    return session(str(_CFG["det_model"])), session(str(_CFG["rec_model"]))


def _normalise_by_table(detector: object) -> None:
    """The detector's input normalised by looking each byte up instead of in float64 arithmetic.

    The package scales every pixel of the page through float64 temporaries (0.035 s a page at
    120 dpi, of ≈ 0.7 s for the whole detection); a pixel is a byte, so its 256 possible values are
    put once through the package's own ``normalize`` and looked up: the same float32 input, bit for bit.
    """
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class TablePreProcess(DetPreProcess):  # type: ignore[misc]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            levels = np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2)
            self.table = self.normalize(levels).astype(np.float32).reshape(256, 1, 3)

        def __call__(self, img: np.ndarray) -> np.ndarray | None:
            if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
                return super().__call__(img)
            resized = self.resize(img)
            return None if resized is None else cv2.LUT(resized, self.table).transpose(2, 0, 1)[None]

    d = detector
    table = TablePreProcess(d.limit_side_len, d.limit_type, d.mean, d.std)  # type: ignore[attr-defined]
    d.get_preprocess = lambda: table  # type: ignore[attr-defined]


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def _axis_box(poly: np.ndarray) -> tuple[float, float, float, float]:
    xs, ys = poly[:, 0], poly[:, 1]
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def _glyph_rows(page: np.ndarray, box: tuple[float, float, float, float], dpi: float) -> tuple[float, float, float, float]:
    """``box`` with its top and bottom pulled in to the glyphs' ink (never pushed out).

    The detector's boxes reach a few pixels past the glyphs, by an amount that depends on the
    resolution it saw; in a table whose rows are barely taller than their text that margin
    covers the row rules, and layout takes a rule under a line of words for a glyph stroke.
    Ink runs longer than a fifth of an inch are rules, not glyph strokes; between rules, the
    stretch with the most ink is the line's own (a neighbouring row's glyphs may reach into the
    box), and its rows where ink covers 3 % (noise specks do not) are the glyphs. Horizontal
    lines only: a stacked vertical label keeps its box.
    """
    x0, y0, x1, y1 = box
    if page.ndim != 2 or x1 - x0 <= y1 - y0:
        return box
    top = int(y0)
    crop = page[top:int(np.ceil(y1)), int(x0):int(np.ceil(x1))]
    if crop.size == 0:
        return box
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    long_run = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, int(0.2 * dpi)), 1))
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, long_run)
    rule = np.count_nonzero(cv2.dilate(runs, np.ones((3, 1), np.uint8)), axis=1) > 0  # and its anti-aliased edges
    counts = np.where(rule, 0, np.count_nonzero(ink, axis=1))
    stretches, start = [], None
    for y, is_rule in enumerate(list(rule) + [True]):
        if not is_rule and start is None:
            start = y
        elif is_rule and start is not None:
            stretches.append((int(counts[start:y].sum()), start, y))
            start = None
    if not stretches:
        return box
    _, a, b = max(stretches)
    glyph = a + np.flatnonzero(counts[a:b] >= max(2, 0.03 * crop.shape[1]))
    if glyph.size == 0:
        return box
    pad = dpi / 100
    return x0, max(y0, top + glyph[0] - pad), x1, min(y1, top + glyph[-1] + 1 + pad)


def det_scale(shape: tuple[int, ...], dpi: float, bilevel: bool = False) -> float:
    """How much to shrink a page for detection: to ``det_dpi`` (a bilevel page, a fax, to ``det_bilevel_dpi``:
    shrunk further, its numbers merge across the gaps its broken rules leave), and below ``max_det_pixels``."""
    area = shape[0] * shape[1]
    target = float(_CFG["det_bilevel_dpi" if bilevel else "det_dpi"]) / dpi
    return min(1.0, target, (float(_CFG["max_det_pixels"]) / area) ** 0.5)


def _detect(page: np.ndarray, dpi: float, bilevel: bool) -> np.ndarray:
    """Text line polygons (n × 4 × 2) in the page's own pixels."""
    k = det_scale(page.shape, dpi, bilevel)
    small = page if k >= 1.0 else cv2.resize(page, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    out = _engine()(_bgr(small), use_det=True, use_cls=False, use_rec=False)  # type: ignore[operator]
    boxes = getattr(out, "boxes", None)
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    return np.asarray(boxes, np.float32) / k


def _recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and score of each one-line crop, through the recognition model in batches."""
    if not crops:
        return []
    out = _engine().recognize_txt([_bgr(c) for c in crops])  # type: ignore[attr-defined]
    return [(str(t).strip(), float(s)) for t, s in zip(out.txts, out.scores)]


def _recognise_forced(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each one-line crop as the likeliest digits the recognition model sees in it: its per-column
    scores decoded over the blank and the ten digits only (greedy CTC), the score the mean of the kept
    digits' own probabilities. The free decoding reads a fax "0" whose side a dropout notched as "日",
    a "4" stripped of its diagonal as "山", and the digits filter leaves nothing; the digit columns
    still rank the glyph. Scores stay low where the model preferred another glyph: a guess. It reaches
    into the recognition model of the rapidocr release pinned in pyproject.toml (its loader, resizing
    and session): a new release must pass tests/test_fax_unread.py before the pin moves."""
    if not crops:
        return []
    rec = _engine()._load_rec_model()  # type: ignore[attr-defined]
    chars = rec.postprocess_op.character
    digits = [i for i, c in enumerate(chars) if c in "0123456789"]
    images = [_bgr(c) for c in crops]
    height, width = rec.rec_image_shape[1:3]
    ratio = max([width / height] + [img.shape[1] / img.shape[0] for img in images])
    batch = np.concatenate([rec.resize_norm_img(img, ratio)[np.newaxis] for img in images]).astype(np.float32)
    out = []
    for columns in rec.session(batch):
        sub = columns[:, [0] + digits]
        best = sub.argmax(axis=1)
        text, probs, previous = "", [], 0
        for t, k in enumerate(best.tolist()):
            if k and k != previous:
                text += chars[digits[k - 1]]
                probs.append(float(sub[t, k]))
            previous = k
        out.append((text, float(np.mean(probs)) if probs else 0.0))
    return out


class RapidOcrEngine:
    name = "rapidocr"
    #: page-pass numbers at or above this confidence are kept; others are re-read cell by cell
    number_trust = 0.95

    def available(self) -> bool:
        return importlib.util.find_spec("rapidocr") is not None and importlib.util.find_spec("onnxruntime") is not None

    def install_hint(self) -> str:
        return "pip install rapidocr onnxruntime"

    def recognize(self, image: np.ndarray, dpi: float, settings: OcrSettings, bilevel: bool = False) -> list[Word]:
        from rapidocr.utils.process_img import get_rotate_crop_image

        try:
            polys = _detect(image, dpi, bilevel)
            page = _bgr(image)
            read = _recognise([get_rotate_crop_image(page, p.copy()) for p in polys])
        except Exception as exc:  # the engine raises bare errors on odd inputs
            raise EngineError(f"RapidOCR failed on a page: {exc}") from exc
        floor = float(_CFG["text_score"])
        return [word_from_pixels(t, _glyph_rows(image, _axis_box(p), dpi), dpi, self.name, s)
                for p, (t, s) in zip(polys, read) if t and s >= floor]

    def read_lines(self, crops: list[np.ndarray], settings: OcrSettings, mode: Mode = "text") -> list[tuple[str, float]]:
        """Recognition only (no detection) of one-line crops, batched; digits mode keeps digit-ish characters,
        forced mode decodes digits only (``_recognise_forced``)."""
        keep = [i for i, c in enumerate(crops) if c.size]
        try:
            read = (_recognise_forced if mode == "forced" else _recognise)([crops[i] for i in keep])
        except Exception as exc:
            raise EngineError(f"RapidOCR failed on a cell: {exc}") from exc
        out = [("", 0.0)] * len(crops)
        for i, (text, score) in zip(keep, read):
            if mode == "digits":
                text = digits_only(text)
            out[i] = (text, score) if text else ("", 0.0)
        return out

    def read_crop(self, crop: np.ndarray, settings: OcrSettings, mode: Mode = "text") -> tuple[str, float]:
        """One one-line crop (see ``read_lines``)."""
        return self.read_lines([crop], settings, mode)[0]


def digits_only(text: str) -> str:
    """A digits read's text: digits, dots and minus signs, the letters a 0 is read as (``zero_letters``)
    taken as 0. The model reads a lone 0 of a number cell as "O" (a fax 0 set against its cell's rule,
    whose crop leaves the rule out); dropped, the cell read blank and the page pass's reading of the
    rule and the 0 together ("lo", 10) stood. A 9 pt 0 of a scanned browser print, its left arc flattened
    against a blurred double rule, is read "D" or "p"."""
    return "".join(c for c in text.translate(_ZERO_LETTERS) if c.isdigit() or c in ".-")
