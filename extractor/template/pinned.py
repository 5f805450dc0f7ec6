"""Cells a fax page erased, filled where the table's arithmetic pins them down: suspect values.

A page binarised so lightly that its glyphs fell apart (``light-page``) leaves some cells as specks
or nothing: office_2021_00009's fax lost whole rows of zeros that way (its page 4), and no reader,
human or model, can read them back from the ink. A darker fax loses single zeros the same way: a 0
whose arcs broke into specks reads blank. The table's hard equations still say what they hold where
the other cells of an equation are read: counts are never negative, so blanks that all stand on one
side of an equation and must together make 0 are each 0 (a row whose total reads 0; a column total
of 0 over its rows; 0 + 0 = processed + carried forward). ``rules.infer`` cannot act here: on a fax
every cell it would rest on is a weak reading (suspect as a fax page's, ``correct.audit_faxed``),
which is why this fills, and only on a fax page. On a light page any blank may be an erased number;
on a darker one only a blank whose cell held ink is (layout reads a clean cell as surely blank): a
report that leaves its zeros blank (上海 2019) has blanks no rule should fill.

What is filled is what the weak readings around it imply, not what the ink shows: method
``inferred``, status ``suspect`` always (a wrong neighbour makes a wrong fill, flagged, never a silent
one; and status ``inferred`` is kept for what ``rules.infer`` gives from trusted cells, as the record's
own check re-derives it: ``verify.verified_cells``).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from extractor.ingest.marks import LIGHT_PAGE
from extractor.template.numbers import Number
from extractor.template.rules import Equation, side_total, to_number
from extractor.template.spec import threshold
from extractor.template.slots import Slot


def pinned(eq: Equation, values: dict[str, Number | None], open_keys: Collection[str]) -> dict[str, Decimal]:
    """The blank cells of ``eq`` that it pins to 0: every blank is open (``open_keys``) and stands
    once, all on one side, and the cells read leave them 0 to make together (counts are never
    negative, so each is 0). Empty when the equation pins nothing. A lone blank the rest leaves
    another number for is not filled: from weak readings that number compounds their errors
    (office_2019_00000's fax: 1363 for 1374, 111 for 0), where a sum of 0 leaves each blank 0."""
    if not eq.hard or eq.op != "==":
        return {}
    terms = eq.signed_terms
    blank = [(sign, key) for sign, key in terms if values.get(key) is None]
    keys = [key for _, key in blank]
    if not blank or len(set(keys)) != len(keys) or any(k not in open_keys for k in keys):
        return {}
    if len({sign for sign, _ in blank}) != 1:
        return {}
    rest = side_total(tuple(t for t in terms if t[1] not in keys), values)
    if rest is None:
        return {}
    need = -rest * blank[0][0]
    return dict.fromkeys(keys, Decimal(0)) if need == 0 else {}


def _light(slot: Slot) -> bool:
    """A number read on a light page (layout marks it ``light-page``)."""
    return slot.span is not None and LIGHT_PAGE in slot.span.repairs


def _faxed(slot: Slot, faxed: Collection[int]) -> bool:
    """A number read on one of the ``faxed`` pages."""
    return slot.span is not None and slot.span.page in faxed


def _inked(slot: Slot) -> bool:
    """A cell OCR read blank while it held ink: layout gives such a blank its low confidence, a clean
    cell's blank is sure."""
    return slot.span is not None and not slot.raw and slot.span.confidence < threshold("low_confidence")


def _open(slot: Slot, counts: Collection[str]) -> bool:
    """A count cell without a value that an OCR'd copy left so: nothing placed there ("missing"), or
    specks placed and judged no number ("suspect" with no value)."""
    if slot.value is not None or slot.key not in counts:
        return False
    return slot.status == "missing" or (slot.status == "suspect" and slot.span is not None and slot.span.method == "ocr")


def fill_pinned(rules: tuple[Equation, ...], slots: dict[str, Slot], values: dict[str, Number | None],
                counts: Collection[str], faxed: Collection[int] = ()) -> list[str]:
    """Fill the open count cells (``_open``) that an equation holding a light page's reading pins down
    (``pinned``), or one holding a reading of a ``faxed`` page its blanks that held ink (``_inked``),
    over and over (a row total pinned to 0 pins its row), in ``slots`` and ``values``; a cell filled
    here counts as that page's reading for the next equation. Returns one note per filled cell."""
    light = {k for k, s in slots.items() if _light(s)}
    fax = {k for k, s in slots.items() if _faxed(s, faxed)}
    notes: list[str] = []
    changed = True
    while changed:
        changed = False
        open_keys = {k for k, s in slots.items() if _open(s, counts)}
        for eq in rules:
            if any(k not in slots for k in eq.keys):
                continue
            page = light if light & set(eq.keys) else fax if fax & set(eq.keys) else None
            if page is None:
                continue
            found = pinned(eq, values, open_keys if page is light else {k for k in open_keys if _inked(slots[k])})
            basis = [slots[k] for k in eq.keys if k not in found]
            for key, value in found.items():
                _fill(slots[key], to_number(value), basis)
                values[key] = slots[key].value
                page.add(key)
                open_keys.discard(key)
                notes.append(f"{key} inferred as {slots[key].value} from {eq.rule} ({eq.scope}) over a fax page's "
                             f"readings: {slots[key].status}")
                changed = True
    return notes


def _fill(slot: Slot, value: Number, basis: list[Slot]) -> None:
    """``slot`` takes ``value`` as inferred from ``basis``, suspect, as sure as the least sure of them."""
    slot.value, slot.method, slot.status = value, "inferred", "suspect"
    slot.confidence = min((s.confidence for s in basis), default=1.0)
