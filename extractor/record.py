"""The JSON record, defined once: every consumer path of docs/spec/output-contract.md lives here.

``nianbao schema`` exports :func:`json_schema` to ``schema/report.schema.json``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Number = int | float
SourceKind = Literal["text", "html", "mhtml", "docx", "doc", "rtf", "odt", "pdf", "pdf-scan", "image"]
CellStatus = Literal["read", "inferred", "corrected", "missing", "suspect", "reviewed"]
FormatVersion = Literal["2019", "2021", "legacy"]
SectionId = Literal["s1", "s2", "s3", "s4", "s5", "s6"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    path: str
    sha256: str
    kind: SourceKind
    pages: int | None = None


class Contacts(_Model):
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    websites: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    postcodes: list[str] = Field(default_factory=list)


class Metadata(_Model):
    agency: str | None = None
    year: int | None = None
    format: FormatVersion | None = None
    published: str | None = Field(default=None, description="ISO date (YYYY-MM-DD) or null")
    published_source: Literal["meta", "signature", "text"] | None = Field(
        default=None, description="where `published` was read: the web page's meta tags, the signature line, or the text"
    )
    table_formats: dict[str, FormatVersion] = Field(
        default_factory=dict, description="template version detected per table (t2, t3); reports mix them"
    )
    contacts: Contacts = Field(default_factory=Contacts)


class Section(_Model):
    title: str
    text: str


class Tables(_Model):
    t2: dict[str, dict[str, dict[str, Number | None]]] = Field(default_factory=dict)
    t3: dict[str, dict[str, Number | None]] = Field(default_factory=dict)
    t4: dict[str, Number | None] = Field(default_factory=dict)


class Cell(_Model):
    table: Literal["t2", "t3", "t4"]
    row: str | None = Field(description="row id; for t2 '<block>.<row>'; null for t4")
    col: str
    value: Number | None
    raw: str | None = None
    page: int | None = None
    bbox: list[float] | None = Field(default=None, description=(
        "[x0, y0, x1, y1] in PDF points, top-left origin; for a page read by OCR, points of the page as layout "
        "cleaned it (flattened, deskewed, turned upright)"))
    method: str = Field(default="text", description=(
        "how the value was obtained: text, camelot, ocr, inferred (computed from a hard rule), suggested (an OCR'd "
        "cell of failing rules set to the value that the one combination of known misreadings balancing them gives "
        "(or, of several, the one a confident re-read backs), "
        "e.g. a fax '4' stripped to its stem and read '1'; it stays suspect and `raw` keeps the reading)"))
    engine: str | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    status: CellStatus = Field(default="read", description=(
        "read: taken as read; inferred: lost in extraction and computed from a hard rule; corrected: an OCR misread "
        "set right by the rules and agreeing re-reads; missing: the document had no such cell; suspect: the value "
        "is doubtful (a weak reading no passing rule covers and no confident re-read backs, a failing rule it "
        "could not be cleared of, an OCR'd copy that lost most of its table cells, an "
        "ambiguous placement, too many values in its row, an OCR'd row with values beyond its columns or read "
        "blank where its rule needs a number, a row placed by its template position for want of a legible "
        "label, a count read with a fraction, inferred from a cell later found doubtful, or a value suggested from a "
        "known misreading, method 'suggested') - use with care; reviewed: a person decided the value"))
    verified: bool = Field(default=False, description=(
        "true when at least one evaluated hard rule that passes covers this cell (a rule that filled a lost cell "
        "verifies nothing, nor does one over a suspect cell: it may pass only because two wrong values balance; "
        "a suspect cell is never verified); false says only that no rule confirms it"))


class Check(_Model):
    rule: str
    scope: str
    ok: bool
    expected: Number | None = None
    actual: Number | None = None
    severity: Literal["hard", "soft"] = "hard"
    cells: list[str] = Field(default_factory=list, description="table.row.col ids the rule involves")


class Category(_Model):
    label: str
    score: float


class Problem(_Model):
    text: str
    categories: list[Category] = Field(default_factory=list)


class Improvement(_Model):
    text: str
    categories: list[Category] = Field(default_factory=list)
    addresses: list[int] = Field(default_factory=list)


class GenericRow(_Model):
    label: str
    values: list[Number | None] = Field(description="one per column of the table's `columns`; null when blank or not a number")
    raw: list[str] = Field(description="the cells as printed, one per column")
    unit: str | None = Field(default=None, description="the row's unit (a 单位 column, or a unit printed after its numbers)")


class GenericTable(_Model):
    section: SectionId | None = Field(default=None, description="the section the table stands in")
    title: str | None = Field(default=None, description="the caption line above the table, if any")
    columns: list[str] = Field(description="value column labels (header rows joined with '/')")
    units: list[str | None] = Field(description="unit per column when its header names one, e.g. （万元）")
    rows: list[GenericRow] = Field(default_factory=list)


class Fact(_Model):
    key: Literal["proactive_total", "applications", "answered", "reviews", "lawsuits"]
    label: str
    value: Number
    unit: str | None = None
    section: SectionId | None = None
    sentence: str = Field(description="the sentence the figure was read from, verbatim")


class Legacy(_Model):
    """What a pre-2019 report holds instead of the national template's tables."""

    tables: list[GenericTable] = Field(default_factory=list, description="statistics tables as printed")
    facts: list[Fact] = Field(default_factory=list, description="key figures stated in the prose")


class Report(_Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    source: Source
    metadata: Metadata = Field(default_factory=Metadata)
    sections: dict[SectionId, Section] = Field(default_factory=dict)
    tables: Tables = Field(default_factory=Tables)
    cells: list[Cell] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    improvements: list[Improvement] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    legacy: Legacy | None = Field(default=None, description="format 'legacy' only: generic tables and key figures")


def json_schema() -> dict:
    """The JSON Schema of one record, as shipped in ``schema/report.schema.json``."""
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nianbao.invalid/schema/report/1"
    return schema
