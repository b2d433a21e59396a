-- The recycle bin (crm/deleted.go). A deleted record's row moves here from records in the delete's
-- transaction, so that no read of live records filters anything: lists, counts, searches, COQL and
-- lookups keep reading records alone. Zoho keeps a deleted record in the recycle bin for 60 days;
-- after that it is "permanent": its values are dropped (data NULL) and a tombstone row stays for
-- GET /{module}/deleted?type=permanent. Which entries are past 60 days is decided by the clock at
-- read time (deleted_time), so purging the values later changes no answer.
CREATE TABLE deleted_records (
    id            BIGINT NOT NULL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    module        TEXT   NOT NULL,
    owner_id      BIGINT NOT NULL,
    created_by    BIGINT NOT NULL,
    modified_by   BIGINT NOT NULL,
    created_time  BIGINT NOT NULL,
    modified_time BIGINT NOT NULL,
    data          TEXT,            -- the record's field values; NULL once purged from the bin
    deleted_by    BIGINT NOT NULL,
    deleted_time  BIGINT NOT NULL
);
-- GET /{module}/deleted pages newest first; type=recycle|permanent is a range of deleted_time.
CREATE INDEX deleted_records_org_module_time ON deleted_records (org_id, module, deleted_time, id);
