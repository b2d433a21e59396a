-- Zoho counts concurrent calls per org and app: a lease names the OAuth client (app) whose token
-- made the call (0 for tokens the CLI or a test minted without one).
ALTER TABLE limit_leases ADD COLUMN client_pk BIGINT NOT NULL DEFAULT 0;
DROP INDEX limit_leases_org;
CREATE INDEX limit_leases_org ON limit_leases (org_id, client_pk, until_ms);
