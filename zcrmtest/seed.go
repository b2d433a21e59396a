package zcrmtest

import "context"

// Seed applies a fixture, as POST /__zcrm/seed does, in one transaction, and returns the ids its
// refs got (ref → id; an OAuth client's ref → its client_id). The fixture is JSON:
// {"records": {"Contacts": [{"ref": "c1", "Last_Name": "Seeded"}]}} makes one contact and answers
// {"c1": "<id>"}; the other sections (orgs, modules, profiles, users, sharing, contact_roles, oauth
// with fixed client ids and tokens, relations, deal_contact_roles, cadences, enrolments) are listed
// in the README's Control plane. An invalid fixture fails the test, naming the JSON path of the
// offending value, and changes nothing.
func (s *Server) Seed(doc string) map[string]string {
	if s.tb != nil {
		s.tb.Helper()
	}
	refs, err := s.admin.Seed(context.Background(), []byte(doc))
	if err != nil {
		s.fail(err)
	}
	return refs
}
