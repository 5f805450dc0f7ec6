"""The repair marks a span carries (``Span.repairs``): one name per way layout or mapping had to mend
or doubt a reading, and the groups of marks that later stages treat alike.

Layout sets most of them, mapping two; the template stage reads them to decide how far a value can
be trusted, and the record keeps them in each cell's provenance. Named once here so a mark set in one
stage and tested in another cannot drift apart.
"""

from __future__ import annotations

#: a value's text was put together from several pieces (a number wrapped inside its cell)
JOINED = "joined"
#: a value's text was cut out of a longer piece (two cells read as one, a row cut by a page break)
SPLIT = "split"
#: two OCR readings of the cell disagreed and the crop's was taken
ENGINES_DISAGREE = "engines-disagree"
#: OCR read garbage in the cell and its crop was read again
BROKEN = "broken"
#: a fax zero whose sides the threshold broke, read as 0 from their shape
BROKEN_ZERO = "broken-zero"
#: a fax "1" that may be a "4" whose bar and diagonal the threshold dropped (the same bare stem)
FAX_STEM = "fax-stem"
#: a fax "1" read as "4": its stem carries a bar low on its left, what a 4 keeps when the fax drops its diagonal
FAX_BARRED_FOUR = "fax-barred-four"
#: a fax "1" read as "4": its bare stem stands right of its digit slot's middle, where a 4's stem stands
FAX_SLOT_FOUR = "fax-slot-four"
#: a fax "3" that may be an "8" whose thin left arcs the threshold broke (the same open right half)
FAX_OPEN_EIGHT = "fax-3-or-8"
#: a fax "4" that may be a "9" whose thin top arc the threshold broke (the same stem and hook)
FAX_OPEN_NINE = "fax-4-or-9"
#: a fax number whose ink is far wider than its digits: a digit the threshold thinned may be lost from it
FAX_LOST_DIGIT = "fax-lost-digit"
#: a fax reading that may be a "1" or a "0" whose sides read without their curves
FAX_ONE_OR_ZERO = "fax-1-or-0"
#: a fax number cell read as no digit whose ink alone, re-read as printed and thickened, read a number
#: (layout/cellread.py fax_unread_numbers): a guess at broken strokes
FAX_UNREAD = "fax-unread"
#: a light fax page's number (several digits, or a lone digit OCR missed) read slot by slot from its broken ink
#: (layout/lightdigits.py)
GLYPH_DIGITS = "glyph-digits"
#: a number the page pass read as one word that its cell's crop, read line by line, reads otherwise (the
#: page's reading is kept): the other line may be a wrapped digit ("212" over "0") or a speck ("7", "77")
LINES_REREAD = "lines-reread"
#: a number on a fax page binarised so lightly that glyphs fall apart
LIGHT_PAGE = "light-page"
#: a cell cut out of one the copy merged, along the rule its neighbour has
RULE_LOST = "rule-lost"
#: a value split off the label it was read stuck to (the rule between them lost)
FUSED = "fused"
#: a number joined from its two parts on two pages (the page break cut its cell)
PAGE_CUT = "page-cut"
#: a fax number read with a dot after its last digit or before its first (a speck beside it), the dot dropped
STRAY_DOT = "stray-dot"

#: a number with a flat mark alone on a line above it, farther than a wrapped minus stands: a minus the
#: cell wrapped under generous leading, or a speck; the reading keeps no sign, and no re-read can tell
SIGN_DOUBT = "sign-doubt"

#: marks that doubt how layout put a cell's text together, not what its glyphs are
ASSEMBLY = frozenset({JOINED, SPLIT})
#: marks that doubt the ink itself: re-reads of the box see the same ink and cannot back the value
INK_DOUBT = frozenset({FAX_STEM, FAX_BARRED_FOUR, FAX_SLOT_FOUR, FAX_OPEN_EIGHT, FAX_OPEN_NINE, FAX_LOST_DIGIT,
                       GLYPH_DIGITS, LINES_REREAD, FAX_UNREAD, SIGN_DOUBT})
#: marks of readings the ink gave against OCR's (a "1" that a stub of a 4's bar, or where its stem stands, makes "4";
#: a cell read from its glyph ink alone): OCR re-reading the box repeats the reading the ink overruled, so its
#: re-reads neither correct nor pick a value for them
OCR_OVERRULED = frozenset({FAX_BARRED_FOUR, FAX_SLOT_FOUR, FAX_UNREAD})
#: marks of values whose cell a lost rule made layout or mapping guess: their row is suspect
PLACE_DOUBT = frozenset({FUSED, RULE_LOST})
