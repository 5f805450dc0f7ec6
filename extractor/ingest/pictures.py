"""Pictures a report embeds that may be its tables printed as images: which of them are worth OCR.

Agencies paste a table as a screenshot into a portal article or a Word file (an Excel range pasted
"as picture"), and a Word file saved as PDF keeps it as an image on a page that otherwise has a text
layer. Every such source gives its candidates here, so that one set of limits
(``data/pictures.json``) tells a table from a logo, an icon or a QR code.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache

from PIL import Image

from extractor.ingest.document import Picture
from extractor.resources import load_json

#: the first bytes of a Windows metafile (placeable, or plain in memory or on disk): Word keeps an Excel
#: range pasted "as picture" in one, and Pillow cannot draw it here
_WMF_MAGIC = (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")


@cache
def limits() -> dict:
    return load_json("pictures.json")


def table_sized(data: bytes) -> bool:
    """Whether the picture is an image at least a small table's size (its header alone is decoded)."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    return width >= limits()["min_width"] and height >= limits()["min_height"]


def vector_format(data: bytes) -> str | None:
    """"EMF" or "WMF" when the picture is a Windows metafile (Word's form of a pasted Excel range)."""
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return "EMF"
    return "WMF" if data[:4] in _WMF_MAGIC else None


def select(found: Iterable[tuple[int, str, bytes | None]], absent: str) -> tuple[list[Picture], list[str]]:
    """The pictures (row index they stand before, name, bytes; None: not held) worth reading, and one
    warning for those the source does not hold (``absent`` says so: "in the article are not in the
    saved page") and one for those in a format that cannot be drawn: a table printed there is not
    read, and the record says so."""
    kept: list[Picture] = []
    unheld: list[str] = []
    vector: list[str] = []
    for at, name, data in found:
        if data is None:
            unheld.append(name[:80])
        elif (kind := vector_format(data)) is not None:
            vector.append(f"{name[:80]} ({kind})")
        elif len(data) <= limits()["max_bytes"] and table_sized(data) and len(kept) < limits()["max_count"]:
            kept.append(Picture(at, name[:200], data))
    warnings = []
    if unheld:
        warnings.append(f"{len(unheld)} picture(s) {absent} ({unheld[0]}): a table printed as a "
                        "picture there cannot be read")
    if vector:
        warnings.append(f"{len(vector)} picture(s) are vector drawings nianbao cannot draw ({vector[0]}): a table "
                        "printed as such a picture is not read")
    return kept, warnings
