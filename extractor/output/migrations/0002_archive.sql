-- nianbao database, version 2: what research across a corpus needs (issue 10).
-- report_agency: the normalised agency name (extractor/output/agencies.py) and level of government;
-- indicators: one row per report and indicator of extractor/data/indicators.json;
-- legacy_facts / legacy_cells: pre-2019 reports' key figures (with their sentence) and statistics tables;
-- indicator_changes: each indicator against the same agency's report of the year before.

CREATE TABLE report_agency (
    report_id INTEGER NOT NULL PRIMARY KEY REFERENCES reports (id),
    agency_key TEXT,
    level VARCHAR(16)
);
CREATE INDEX ix_report_agency_key ON report_agency (agency_key);

CREATE TABLE indicators (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    indicator VARCHAR(64) NOT NULL,
    label TEXT NOT NULL,
    value {float},
    numerator {float},
    denominator {float},
    unit VARCHAR(16) NOT NULL,
    formula TEXT NOT NULL,
    PRIMARY KEY (report_id, indicator)
);

CREATE TABLE legacy_facts (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL,
    fact_key VARCHAR(32) NOT NULL,
    label TEXT NOT NULL,
    value {float} NOT NULL,
    unit VARCHAR(8),
    section VARCHAR(4),
    sentence TEXT NOT NULL,
    PRIMARY KEY (report_id, idx)
);

CREATE TABLE legacy_cells (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    tbl_idx INTEGER NOT NULL,
    row_idx INTEGER NOT NULL,
    col_idx INTEGER NOT NULL,
    title TEXT,
    section VARCHAR(4),
    row_label TEXT NOT NULL,
    col_label TEXT NOT NULL,
    value {float},
    raw TEXT NOT NULL,
    unit VARCHAR(16),
    PRIMARY KEY (report_id, tbl_idx, row_idx, col_idx)
);

CREATE VIEW indicator_changes AS
SELECT cur.report_id, r.year, ra.agency_key, cur.indicator, cur.value, prev.report_id AS previous_report_id,
       prev.value AS previous_value,
       CASE WHEN prev.value IS NULL OR prev.value = 0 OR cur.value IS NULL THEN NULL
            ELSE (cur.value - prev.value) / prev.value END AS change
FROM indicators cur
JOIN reports r ON r.id = cur.report_id
JOIN report_agency ra ON ra.report_id = cur.report_id
JOIN report_agency pa ON pa.agency_key = ra.agency_key
JOIN reports p ON p.id = pa.report_id AND p.year = r.year - 1
JOIN indicators prev ON prev.report_id = p.id AND prev.indicator = cur.indicator
