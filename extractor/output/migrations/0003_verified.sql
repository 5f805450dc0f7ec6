-- nianbao database, version 3: each cell's `verified` flag (a passing hard rule covers it), so a
-- query can keep only values the template's arithmetic confirms. Rows loaded before stay NULL
-- (unknown) until their report is loaded again.
ALTER TABLE cells ADD COLUMN verified BOOLEAN
