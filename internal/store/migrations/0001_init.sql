-- zcrm schema, version 1. Portable SQL: the same text runs on SQLite and PostgreSQL.
-- Every row carries its org; ids are BIGINT values allocated by the store from the database.
-- Times are unix milliseconds (BIGINT); booleans are INTEGER 0/1; JSON documents are TEXT.

CREATE TABLE orgs (
    id           BIGINT  NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    edition      TEXT    NOT NULL,
    zgid         BIGINT  NOT NULL,
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_time BIGINT  NOT NULL
);

CREATE TABLE profiles (
    id       BIGINT  NOT NULL PRIMARY KEY,
    org_id   BIGINT  NOT NULL REFERENCES orgs (id),
    name     TEXT    NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    denied   TEXT    NOT NULL DEFAULT '', -- comma-separated permission names this profile lacks
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id           BIGINT NOT NULL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    email        TEXT   NOT NULL,
    first_name   TEXT   NOT NULL DEFAULT '',
    last_name    TEXT   NOT NULL DEFAULT '',
    profile_id   BIGINT NOT NULL REFERENCES profiles (id),
    status       TEXT   NOT NULL DEFAULT 'active',
    created_time BIGINT NOT NULL,
    UNIQUE (org_id, email)
);

-- Per-org data-sharing rule of a module: 'public' (default when absent) or 'private'.
CREATE TABLE module_sharing (
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    module TEXT   NOT NULL,
    access TEXT   NOT NULL,
    PRIMARY KEY (org_id, module)
);

-- Custom modules (Enterprise and above).
CREATE TABLE custom_modules (
    id            BIGINT NOT NULL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    api_name      TEXT   NOT NULL,
    api_name_key  TEXT   NOT NULL, -- lower-case api_name, for case-insensitive uniqueness
    singular      TEXT   NOT NULL,
    plural        TEXT   NOT NULL,
    created_by    BIGINT NOT NULL,
    created_time  BIGINT NOT NULL,
    UNIQUE (org_id, api_name_key)
);

-- Stable per-org ids of catalogue entities (modules, fields, related lists, custom views),
-- keyed like 'module:Leads', 'field:Leads.Last_Name', 'related:Leads.Campaigns', 'cv:Leads.All'.
CREATE TABLE metadata_ids (
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    key    TEXT   NOT NULL,
    id     BIGINT NOT NULL,
    PRIMARY KEY (org_id, key)
);

CREATE TABLE records (
    id            BIGINT NOT NULL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    module        TEXT   NOT NULL,
    owner_id      BIGINT NOT NULL,
    created_by    BIGINT NOT NULL,
    modified_by   BIGINT NOT NULL,
    created_time  BIGINT NOT NULL,
    modified_time BIGINT NOT NULL,
    data          TEXT   NOT NULL -- JSON object of field values (never id or system fields)
);
CREATE INDEX records_org_module_id ON records (org_id, module, id);

-- Writable many-to-many relations between records (Campaigns-Leads, Products-Deals, ...).
-- a_id is the record of the relation's first module as declared in the catalogue, b_id the second.
CREATE TABLE relations (
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    kind         TEXT   NOT NULL, -- e.g. 'Campaigns:Contacts'
    a_id         BIGINT NOT NULL,
    b_id         BIGINT NOT NULL,
    data         TEXT   NOT NULL DEFAULT '{}', -- relation fields (Member_Status, list_price)
    created_time BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, a_id, b_id)
);
CREATE INDEX relations_b ON relations (org_id, kind, b_id);

CREATE TABLE contact_roles (
    id              BIGINT  NOT NULL PRIMARY KEY,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    name            TEXT    NOT NULL,
    name_key        TEXT    NOT NULL, -- lower-case name
    sequence_number INTEGER NOT NULL,
    UNIQUE (org_id, name_key)
);

-- A contact's role on a deal. removed_time is set when the role is removed through the API, so a
-- second removal can answer "contact role not deleted"; deleting the deal, contact or role deletes the row.
CREATE TABLE deal_contact_roles (
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    deal_id      BIGINT NOT NULL,
    contact_id   BIGINT NOT NULL,
    role_id      BIGINT NOT NULL,
    created_time BIGINT NOT NULL,
    removed_time BIGINT,
    PRIMARY KEY (org_id, deal_id, contact_id)
);
CREATE INDEX deal_contact_roles_contact ON deal_contact_roles (org_id, contact_id);
CREATE INDEX deal_contact_roles_role ON deal_contact_roles (org_id, role_id);

CREATE TABLE cadences (
    id                BIGINT  NOT NULL PRIMARY KEY,
    org_id            BIGINT  NOT NULL REFERENCES orgs (id),
    name              TEXT    NOT NULL,
    name_key          TEXT    NOT NULL, -- lower-case name
    module            TEXT    NOT NULL,
    type              TEXT    NOT NULL, -- manual_enrollment | custom_view
    custom_view_id    BIGINT,
    description       TEXT,
    execution_details TEXT,             -- JSON object or NULL
    follow_ups        TEXT    NOT NULL DEFAULT '[]', -- JSON array
    active            INTEGER NOT NULL DEFAULT 0,
    published         INTEGER NOT NULL DEFAULT 0,
    draft_of          BIGINT,           -- for the draft copy of a published cadence: the published cadence's id
    created_by        BIGINT  NOT NULL,
    modified_by       BIGINT  NOT NULL,
    created_time      BIGINT  NOT NULL,
    modified_time     BIGINT  NOT NULL
);
CREATE UNIQUE INDEX cadences_name ON cadences (org_id, name_key) WHERE draft_of IS NULL;
CREATE INDEX cadences_org_module ON cadences (org_id, module);

-- Enrolment history: one row per enrolment; ended_time is NULL while the record is enrolled.
CREATE TABLE enrollments (
    id            BIGINT NOT NULL PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    cadence_id    BIGINT NOT NULL,
    cadence_name  TEXT   NOT NULL,
    module        TEXT   NOT NULL,
    record_id     BIGINT NOT NULL,
    enrolled_time BIGINT NOT NULL,
    enrolled_by   BIGINT NOT NULL,
    ended_time    BIGINT,
    ended_by      BIGINT,
    end_reason    TEXT   -- manual | record_deleted | cadence_deleted
);
CREATE UNIQUE INDEX enrollments_live ON enrollments (org_id, cadence_id, record_id) WHERE ended_time IS NULL;
CREATE INDEX enrollments_record ON enrollments (org_id, record_id);

-- OAuth. Every secret is stored as a SHA-256 hex digest, never in clear.
CREATE TABLE oauth_clients (
    id           BIGINT NOT NULL PRIMARY KEY,
    client_id    TEXT   NOT NULL UNIQUE,
    secret_hash  TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    created_time BIGINT NOT NULL
);

CREATE TABLE oauth_grants (
    code_hash    TEXT   NOT NULL PRIMARY KEY,
    client_pk    BIGINT NOT NULL REFERENCES oauth_clients (id),
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    scopes       TEXT   NOT NULL, -- space-separated
    created_time BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX oauth_grants_client ON oauth_grants (client_pk, created_time);

CREATE TABLE oauth_refresh_tokens (
    id           BIGINT NOT NULL PRIMARY KEY,
    token_hash   TEXT   NOT NULL UNIQUE,
    client_pk    BIGINT NOT NULL REFERENCES oauth_clients (id),
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    scopes       TEXT   NOT NULL,
    created_time BIGINT NOT NULL
);
CREATE INDEX oauth_refresh_user ON oauth_refresh_tokens (client_pk, user_id, created_time);

CREATE TABLE oauth_access_tokens (
    id           BIGINT NOT NULL PRIMARY KEY,
    token_hash   TEXT   NOT NULL UNIQUE,
    refresh_id   BIGINT, -- NULL for client_credentials and CLI-minted tokens without a refresh token
    client_pk    BIGINT,
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    scopes       TEXT   NOT NULL,
    created_time BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX oauth_access_refresh ON oauth_access_tokens (refresh_id, created_time);
