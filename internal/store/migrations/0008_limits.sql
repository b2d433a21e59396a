-- Zoho's API limits (internal/limits; set through PUT /__zcrm/limits), shared by every process on
-- the database so that concurrency and credits are counted across all of them. Not part of a
-- snapshot; a full reset empties them (back to the mode zcrm serve started with). No table
-- references orgs or tokens: bookkeeping of an org or token that is gone is simply never read
-- again, and never stands in the way of deleting one.

-- The server-wide mode: serve_mode is what the last `zcrm serve --limits` started with, mode what
-- the admin API set since ('' in both: none; the mode is then off).
CREATE TABLE limit_server (
    id         INTEGER NOT NULL PRIMARY KEY,
    serve_mode TEXT    NOT NULL,
    mode       TEXT    NOT NULL
);

INSERT INTO limit_server (id, serve_mode, mode) VALUES (1, '', '');

-- Per-org overrides: mode '' follows the server-wide mode; -1 is the edition's number.
CREATE TABLE limit_orgs (
    org_id          BIGINT NOT NULL PRIMARY KEY,
    mode            TEXT   NOT NULL,
    concurrency     BIGINT NOT NULL,
    credits_per_day BIGINT NOT NULL
);

-- One row per CRM call in progress (zoho mode), deleted when it ends. A process that dies leaves
-- its rows behind until until_ms (real time) passes, so a crash never holds a slot for good.
CREATE TABLE limit_leases (
    id       BIGINT NOT NULL PRIMARY KEY,
    org_id   BIGINT NOT NULL,
    until_ms BIGINT NOT NULL
);
CREATE INDEX limit_leases_org ON limit_leases (org_id, until_ms);

-- Credits spent per org per minute of the store's clock (minute_ms: the minute's start), for the
-- rolling 24-hour budget; minutes older than the window are deleted as calls come.
CREATE TABLE limit_credits (
    org_id    BIGINT NOT NULL,
    minute_ms BIGINT NOT NULL,
    credits   BIGINT NOT NULL,
    PRIMARY KEY (org_id, minute_ms)
);

-- Access tokens minted by refresh (zoho mode), for the accounts server's 10 per refresh token per
-- 10 minutes; rows older than the window are deleted as tokens are refreshed.
CREATE TABLE limit_token_mints (
    refresh_id BIGINT NOT NULL,
    time_ms    BIGINT NOT NULL
);
CREATE INDEX limit_token_mints_refresh ON limit_token_mints (refresh_id, time_ms);
