-- nianbao database, version 4: each report's whole record as JSON, so tools that need the record
-- itself (`nianbao review --db`) can work from the database alone. Reports loaded before stay
-- without one until they are loaded again.
CREATE TABLE records (
    report_id INTEGER NOT NULL PRIMARY KEY REFERENCES reports (id),
    record TEXT NOT NULL
)
