-- Small documents of runtime state (settings changed over the API, shared breaker state) and
-- append-only history records (breaker transitions). Bodies are JSON owned by the caller.
CREATE TABLE state_documents (
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE state_history (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT    NOT NULL,
    name TEXT    NOT NULL,
    body TEXT    NOT NULL,
    at   INTEGER NOT NULL
) STRICT;

CREATE INDEX state_history_by_name ON state_history (kind, name, id);
CREATE INDEX state_history_by_time ON state_history (kind, at);
