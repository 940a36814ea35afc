-- Small documents of runtime state (settings changed over the API, shared breaker state) and
-- append-only history records (breaker transitions). Bodies are JSON owned by the caller.
CREATE TABLE bulwark_state_documents (
    kind       VARCHAR(200) NOT NULL,
    name       VARCHAR(200) NOT NULL,
    body       MEDIUMTEXT   NOT NULL,
    version    BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (kind, name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE bulwark_state_history (
    id   BIGINT       NOT NULL AUTO_INCREMENT,
    kind VARCHAR(200) NOT NULL,
    name VARCHAR(200) NOT NULL,
    body MEDIUMTEXT   NOT NULL,
    at   BIGINT       NOT NULL,
    PRIMARY KEY (id),
    KEY bulwark_state_history_by_name (kind, name, id),
    KEY bulwark_state_history_by_time (kind, at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
