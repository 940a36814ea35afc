-- Small documents of runtime state (settings changed over the API, shared breaker state) and
-- append-only history records (breaker transitions). Bodies are JSON owned by the caller.
CREATE TABLE bulwark_state_documents (
    kind       text   NOT NULL,
    name       text   NOT NULL,
    body       text   NOT NULL,
    version    bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (kind, name)
);

CREATE TABLE bulwark_state_history (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text   NOT NULL,
    name text   NOT NULL,
    body text   NOT NULL,
    at   bigint NOT NULL
);

CREATE INDEX bulwark_state_history_by_name ON bulwark_state_history (kind, name, id);
CREATE INDEX bulwark_state_history_by_time ON bulwark_state_history (kind, at);
