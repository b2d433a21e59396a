-- The key that signs page tokens (crm/pagetoken.go): one random secret per database, shared by every
-- process that opens it, so that a token handed out by one process is honoured by the others. The
-- migration creates the table; the store fills its one row with 32 random bytes (hex) in the same
-- transaction (store/open.go). It is kept across resets and is not part of a snapshot: tokens are
-- valid for 24 hours, and a key that changed would only answer them TOKEN_BOUND_DATA_MISMATCH.
-- No index is added: the default order of a listing (id) is served by records_org_module_id, so a
-- token's page starts with an index seek however deep the walk is.
CREATE TABLE page_token_key (
    id     INTEGER NOT NULL PRIMARY KEY,
    secret TEXT    NOT NULL
);
