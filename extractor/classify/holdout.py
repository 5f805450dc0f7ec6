"""The evaluation hold-out: passages reserved for an outside evaluation never enter the corpus.

``annotations/holdout.txt`` lists truncated SHA-256 digests (16 hex digits) of every 16-character
window of the reserved texts, letters and digits only. A text is reserved when at least
``MIN_HITS`` of its own windows are among them: a few shared windows (a stock phrase) are chance,
three are a copy. The digests are data, so the check works without the reserved texts.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from extractor.errors import DataError

WINDOW = 16
DIGEST_CHARS = 16
MIN_HITS = 3
_NOT_WORD = re.compile(r"[\W_]+")


def read_prints(path: Path) -> frozenset[str]:
    """The digests of a hold-out list; a missing or malformed list is a DataError (no silent pass)."""
    try:
        prints = frozenset(path.read_text(encoding="utf-8").split())
    except OSError as exc:
        raise DataError(f"cannot read hold-out digests {path}: {exc.strerror}") from exc
    if not prints or any(len(p) != DIGEST_CHARS or not re.fullmatch(r"[0-9a-f]+", p) for p in prints):
        raise DataError(f"{path}: not a list of {DIGEST_CHARS}-digit hex digests")
    return prints


def windows(text: str) -> list[str]:
    """Digests of every WINDOW-character run of the text's letters and digits."""
    letters = _NOT_WORD.sub("", text)
    return [
        hashlib.sha256(letters[i : i + WINDOW].encode("utf-8")).hexdigest()[:DIGEST_CHARS]
        for i in range(len(letters) - WINDOW + 1)
    ]


def is_held_out(text: str, prints: frozenset[str]) -> bool:
    """Whether ``text`` shares at least MIN_HITS windows with the reserved passages."""
    hits = 0
    for digest in windows(text):
        if digest in prints:
            hits += 1
            if hits >= MIN_HITS:
                return True
    return False


def main(argv: list[str]) -> int:
    """``python -m extractor.classify.holdout FILE...``: name every reserved file, exit 1 if any (checkout only)."""
    prints = read_prints(Path(__file__).resolve().parents[2] / "annotations" / "holdout.txt")
    reserved = [f for f in argv if is_held_out(Path(f).read_text(encoding="utf-8", errors="replace"), prints)]
    for name in reserved:
        print(f"{name}: held-out evaluation passage, do not use")
    return 1 if reserved else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
