"""Ceilings that keep one hostile input from exhausting memory (see docs/benchmarks/hostile.md).

With these, every input under 50 MB stays below 2 GB of peak memory: a zip's members are checked
by their declared sizes before any XML parser sees them (a 3 MB .docx can hold a 3 GB part; zipfile
never inflates a member beyond its declared size), and every image frame and PDF page image by its
pixel count before it is decoded.
"""

from __future__ import annotations

#: pixels of one image (a frame, a page image) beyond which decoding alone could exhaust memory
MAX_PIXELS = 200_000_000
#: uncompressed bytes of one zip member; XML members are parsed into trees several times their size
MAX_ZIP_MEMBER = 128 << 20
MAX_ZIP_XML_MEMBER = 48 << 20
#: uncompressed bytes of all members together, and how many members
MAX_ZIP_TOTAL = 384 << 20
MAX_ZIP_MEMBERS = 10_000
