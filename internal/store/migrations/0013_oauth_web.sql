-- Web-based OAuth clients (Zoho's browser consent step, GET /oauth/v2/auth): a client's authorized
-- redirect URIs (a JSON array of strings; empty for a self client), and what a grant code issued there
-- carries to the token exchange: the redirect_uri it was sent to (the exchange must name the same
-- one) and its access_type (an "online" grant gives no refresh token).
ALTER TABLE oauth_clients ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE oauth_grants ADD COLUMN redirect_uri TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_grants ADD COLUMN online INTEGER NOT NULL DEFAULT 0;
