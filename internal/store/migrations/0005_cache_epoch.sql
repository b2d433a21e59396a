-- The cache epoch: a counter that only grows, kept across resets and imports (it is not part of a
-- snapshot). Importing a snapshot (store/snapshot.go) advances it and sets every imported org's
-- version (org_versions) to epoch << 40, a value no org version held before, so no process keeps
-- serving a cached answer (token, cadence list) read before the import.
CREATE TABLE cache_epoch (
    id    INTEGER NOT NULL PRIMARY KEY,
    value BIGINT  NOT NULL
);

INSERT INTO cache_epoch (id, value) VALUES (1, 0);
