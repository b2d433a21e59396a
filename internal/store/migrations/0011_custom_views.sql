-- Custom views defined per org (a fixture's custom_views section), beside the built-in "All <Plural>"
-- views of the catalogue, whose ids stay in metadata_ids. criteria is Zoho's criteria object as the
-- view was created with it (JSON, "null" for none: the view selects every record); fields is a JSON
-- array of field api names; sort_by and sort_order are NULL when the view names no sort.
CREATE TABLE custom_views (
    id           BIGINT NOT NULL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    module       TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    name_key     TEXT   NOT NULL, -- lower-case name: unique per module, case-insensitively
    criteria     TEXT   NOT NULL,
    fields       TEXT   NOT NULL,
    sort_by      TEXT,
    sort_order   TEXT,
    created_by   BIGINT NOT NULL,
    created_time BIGINT NOT NULL,
    UNIQUE (org_id, module, name_key)
);
