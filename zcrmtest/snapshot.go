package zcrmtest

import (
	"context"
	"crypto/sha256"

	"github.com/zcrm/zcrm/client"
)

// identity is what a Server's fields were when it took a snapshot: Restore of that snapshot puts
// them back (the client secret is stored hashed, so a snapshot alone cannot give it back).
type identity struct {
	org                    Org
	admin                  User
	clientID, clientSecret string
	client                 *client.Client
}

// snapshotIdentities maps the hash of every snapshot a Server took to its identity at the time.
type snapshotIdentities map[[sha256.Size]byte]identity

// Snapshot returns the whole state of the server's database as GET /__zcrm/snapshot answers it:
// one JSON document, ids preserved, read in one transaction, byte-identical for the same state.
func (s *Server) Snapshot() []byte {
	if s.tb != nil {
		s.tb.Helper()
	}
	doc, _, err := s.admin.Snapshot(context.Background())
	if err != nil {
		s.fail(err)
		return nil
	}
	if s.snaps == nil {
		s.snaps = snapshotIdentities{}
	}
	s.snaps[sha256.Sum256(doc)] = identity{s.Org, s.Admin, s.ClientID, s.ClientSecret, s.Client}
	return doc
}

// Restore replaces the whole state of the server's database with a snapshot, as PUT
// /__zcrm/snapshot does, in one transaction; an invalid one fails and changes nothing. Tokens of the
// snapshot work again and tokens made since do not. After a snapshot this server took, Org, Admin,
// ClientID, ClientSecret and Client are what they were then; after any other, they are set up
// afresh on the restored default org (with a new zcrmtest OAuth client). Do not call it while
// other goroutines use the server's fields.
func (s *Server) Restore(doc []byte) {
	if s.tb != nil {
		s.tb.Helper()
	}
	ctx := context.Background()
	if _, err := s.admin.Restore(ctx, doc); err != nil {
		s.fail(err)
		return
	}
	if id, ok := s.snaps[sha256.Sum256(doc)]; ok {
		s.Org, s.Admin, s.ClientID, s.ClientSecret, s.Client = id.org, id.admin, id.clientID, id.clientSecret, id.client
		return
	}
	if err := s.welcome(ctx); err != nil {
		s.fail(err)
	}
}
