-- The request journal is a bounded record of recent requests, rewritten all the time: on
-- PostgreSQL it skips the write-ahead log (UNLOGGED), which makes its writes cheaper; after a crash
-- of the database server it starts empty. The table is made again rather than altered (ALTER … SET
-- UNLOGGED rewrites it and costs a fresh database's start ~25 ms more): entries journaled before
-- this migration are dropped with it.
DROP TABLE request_journal;
CREATE UNLOGGED TABLE request_journal (
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
