-- nianbao database, version 1: one row per report, everything else in long form keyed by report_id.
-- Placeholders filled per dialect by extractor/output/migrate.py: {id} (auto-increment primary key),
-- {float} (double precision).

CREATE TABLE reports (
    id {id},
    sha256 VARCHAR(64) NOT NULL UNIQUE,
    content_hash VARCHAR(64) NOT NULL,
    path TEXT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    pages INTEGER,
    agency TEXT,
    level VARCHAR(16),
    year INTEGER,
    format VARCHAR(8),
    published VARCHAR(10),
    schema_version VARCHAR(8) NOT NULL,
    n_warnings INTEGER NOT NULL
);
CREATE INDEX ix_reports_path ON reports (path);
CREATE INDEX ix_reports_year ON reports (year);

CREATE TABLE sections (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    section VARCHAR(4) NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (report_id, section)
);

CREATE TABLE cells (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL,
    tbl VARCHAR(4) NOT NULL,
    row_id VARCHAR(64),
    col_id VARCHAR(64) NOT NULL,
    value {float},
    raw TEXT,
    page INTEGER,
    x0 {float},
    y0 {float},
    x1 {float},
    y1 {float},
    method VARCHAR(32) NOT NULL,
    engine VARCHAR(32),
    confidence {float} NOT NULL,
    status VARCHAR(16) NOT NULL,
    PRIMARY KEY (report_id, idx)
);
CREATE INDEX ix_cells_key ON cells (tbl, row_id, col_id);

CREATE TABLE checks (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL,
    rule VARCHAR(128) NOT NULL,
    scope VARCHAR(128) NOT NULL,
    ok BOOLEAN NOT NULL,
    expected {float},
    actual {float},
    severity VARCHAR(8) NOT NULL,
    PRIMARY KEY (report_id, idx)
);

CREATE TABLE problems (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (report_id, idx)
);

CREATE TABLE improvements (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (report_id, idx)
);

CREATE TABLE improvement_addresses (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    improvement_idx INTEGER NOT NULL,
    problem_idx INTEGER NOT NULL,
    PRIMARY KEY (report_id, improvement_idx, problem_idx)
);

CREATE TABLE item_categories (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    item_kind VARCHAR(12) NOT NULL,
    item_idx INTEGER NOT NULL,
    label VARCHAR(64) NOT NULL,
    score {float} NOT NULL,
    PRIMARY KEY (report_id, item_kind, item_idx, label)
);
CREATE INDEX ix_item_categories_label ON item_categories (label);

CREATE TABLE warnings (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (report_id, idx)
);

CREATE TABLE failures (
    sha256 VARCHAR(64) NOT NULL PRIMARY KEY,
    path TEXT NOT NULL,
    code VARCHAR(32) NOT NULL,
    message TEXT NOT NULL
);

CREATE VIEW report_categories AS
SELECT r.id AS report_id, r.year, r.agency, r.level, c.item_kind, c.item_idx, c.label, c.score
FROM item_categories c JOIN reports r ON r.id = c.report_id;
