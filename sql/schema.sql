-- ctlite database schema.
--
-- ctlite-worker applies this file on `init` and on every start. It is a list of migrations:
-- each block that starts with a line "-- version N" runs once, in its own transaction, on a
-- database whose PRAGMA user_version is below N, and then sets user_version to N. Blocks are
-- only ever appended; an existing block never changes.
--
-- Conventions: names are lowercase with underscores; times are Unix seconds (INTEGER) unless a
-- column says otherwise.

-- version 1
-- Settings the worker and the rules read: thresholds, intervals, endpoints. Secrets never go
-- here; they come from the environment.
CREATE TABLE setting (
    name        TEXT PRIMARY KEY,   -- e.g. 'http.timeout_ms'
    value       ANY,                -- the setting's value
    description TEXT,               -- what it does, for `SELECT * FROM setting`
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())  -- when it was last changed
) STRICT;
