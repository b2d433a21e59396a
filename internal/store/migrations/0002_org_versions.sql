-- Per-org version of what zcrm processes keep in memory: the access-token lookup and the encoded
-- cadence list. Every transaction that changes either (a cadence written or deleted, a custom
-- module added, a token deleted) bumps its org's row; a reader that holds a cached answer compares
-- its version with this row, so a change made by any process sharing the database is seen by the
-- next request after its commit.
CREATE TABLE org_versions (
    org_id BIGINT NOT NULL PRIMARY KEY REFERENCES orgs (id),
    version BIGINT NOT NULL
);

INSERT INTO org_versions (org_id, version) SELECT id, 1 FROM orgs;
