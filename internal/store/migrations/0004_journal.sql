-- The request journal on PostgreSQL: every CRM and accounts request a zcrm process answered, newest
-- kept (each process trims the table to its --journal-size every tenth of it appended). Shared by
-- every process on the database. Unused on SQLite, where the journal stays in the serving
-- process's memory (internal/journal ring.go). Bodies and query strings are stored redacted; ids come from the store's id source.
-- org_id, user_id and client_pk are 0 when the request did not authenticate; they reference
-- nothing, so the journal outlives the rows it names.
CREATE TABLE request_journal (
    id                 BIGINT  NOT NULL PRIMARY KEY,
    time_ms            BIGINT  NOT NULL, -- when the request arrived
    method             TEXT    NOT NULL,
    path               TEXT    NOT NULL,
    query              TEXT    NOT NULL,
    status             INTEGER NOT NULL,
    code               TEXT    NOT NULL, -- the answer's Zoho error code, '' when none
    duration_us        BIGINT  NOT NULL,
    org_id             BIGINT  NOT NULL,
    user_id            BIGINT  NOT NULL,
    client_pk          BIGINT  NOT NULL, -- oauth_clients.id behind the access token
    request_body       TEXT    NOT NULL,
    request_truncated  INTEGER NOT NULL,
    response_body      TEXT    NOT NULL,
    response_truncated INTEGER NOT NULL,
    faulted            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_journal_time ON request_journal (time_ms, id);
