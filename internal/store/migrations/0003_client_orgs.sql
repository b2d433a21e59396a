-- The orgs each OAuth client may act in. In Zoho a client belongs to the org that registered it;
-- acting in another org (grant codes, refresh tokens, client_credentials with its soid) needs an
-- explicit link (`zcrm client grant-org`). The CLI's internal client needs no row: the oauth
-- package treats it as belonging to every org.
CREATE TABLE oauth_client_orgs (
    client_pk BIGINT NOT NULL REFERENCES oauth_clients (id),
    org_id    BIGINT NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (client_pk, org_id)
);

-- Clients created before this migration were usable in every org: keep them so, in every org
-- that exists now, so an upgrade breaks nobody. Clients created from now on get their own org only.
INSERT INTO oauth_client_orgs (client_pk, org_id) SELECT c.id, o.id FROM oauth_clients c CROSS JOIN orgs o;
