-- Control-plane fault rules (internal/admin, internal/httpapi faults.go), shared by every process
-- on the database. remaining counts down for a rule with a bound (times > 0) as requests are
-- faulted, in one conditional UPDATE, so processes never fault more than times between them.
CREATE TABLE fault_rules (
    id           BIGINT           NOT NULL PRIMARY KEY,
    method       TEXT             NOT NULL,
    path         TEXT             NOT NULL,
    org_id       BIGINT           NOT NULL,
    probability  DOUBLE PRECISION NOT NULL,
    times        BIGINT           NOT NULL,
    remaining    BIGINT           NOT NULL,
    status       INTEGER          NOT NULL,
    code         TEXT             NOT NULL,
    message      TEXT             NOT NULL,
    details      TEXT             NOT NULL, -- a JSON object, '' when none
    latency_ms   INTEGER          NOT NULL,
    reset        INTEGER          NOT NULL,
    after_effect INTEGER          NOT NULL,
    created_ms   BIGINT           NOT NULL
);
