package admin

// The fixture sections that set up orgs and who acts in them: orgs, modules, profiles, users,
// sharing and oauth (see seed.go for the document).

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// org applies one orgs entry as zcrm org create does (createOrg, names unique); edition defaults
// to enterprise. Its ref names the org, and ref.admin its first Administrator.
func (a *applier) org(e entry) error {
	edition := crm.Enterprise
	if e.has("edition") {
		var err error
		if edition, err = crm.ParseEdition(e.str("edition")); err != nil {
			return failAt(e.at("edition"), err)
		}
	}
	org, admin, err := createOrg(a.ctx, a.tx, NewOrg{
		NewOrg:     crm.NewOrg{Name: e.str("name"), Edition: edition, AdminEmail: e.str("admin_email")},
		UniqueName: true,
	})
	if err != nil {
		return refusedAt(e, "name", err)
	}
	a.orgs[org.ID] = org
	if ref, ok := e.obj["ref"].(string); ok {
		a.refs[ref] = &made{kind: kindOrg, id: org.ID, org: org.ID, answer: crm.FormatID(org.ID)}
		a.refs[ref+".admin"] = &made{kind: kindUser, id: admin.ID, org: org.ID, answer: crm.FormatID(admin.ID), user: admin}
	}
	return nil
}

// module applies one modules entry as zcrm module create does (createModule).
func (a *applier) module(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	_, err = createModule(a.ctx, a.tx, org, e.str("api_name"), e.str("singular"), e.str("plural"))
	return failAt(e.at("api_name"), err)
}

// profile applies one profiles entry as zcrm profile create does (createProfile, permissions
// checked).
func (a *applier) profile(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	var deny []string
	if list, ok := e.obj["deny"].([]any); ok {
		for _, v := range list {
			deny = append(deny, v.(string))
		}
	}
	p, err := createProfile(a.ctx, a.tx, org, NewProfile{Name: e.str("name"), Deny: deny, CheckDeny: true})
	var perm *permissionError
	if errors.As(err, &perm) {
		return &FixtureError{Message: perm.Error(), Path: indexPath(e.at("deny"), perm.Index), cause: err}
	}
	if err != nil {
		return failAt(e.at("name"), err)
	}
	a.defineRef(e, &made{kind: kindProfile, id: p.ID, org: org.ID, answer: crm.FormatID(p.ID), name: p.Name})
	return nil
}

// user applies one users entry as zcrm user create does (crm.CreateUser). Its profile is a profile's
// ref or name, Standard by default.
func (a *applier) user(e entry) error {
	prof, err := a.refNamed(e, "profile", kindProfile)
	if err != nil {
		return err
	}
	org, err := a.entryOrg(e, orgOfRef(prof))
	if err != nil {
		return err
	}
	name := crm.ProfileStandard
	if e.has("profile") {
		name = e.str("profile")
	}
	if prof != nil {
		if prof.org != org.ID {
			return fixtureErr(e.at("profile"), "profile %q is of another org", name)
		}
		name = prof.name
	}
	u, _, err := crm.CreateUser(a.ctx, a.tx, org.ID, e.str("email"), name)
	if err != nil {
		return refusedAt(e, "email", err)
	}
	a.defineRef(e, &made{kind: kindUser, id: u.ID, org: org.ID, answer: crm.FormatID(u.ID), user: u})
	return nil
}

// sharing applies one sharing entry as zcrm org sharing does (setSharing).
func (a *applier) sharing(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	_, err = setSharing(a.ctx, a.tx, org, e.str("module"), e.str("access"))
	if err != nil {
		return refusedAt(e, "access", err)
	}
	return nil
}

// givenErr words an oauth refusal of a given value at the path of the entry's key it names.
func givenErr(e entry, err error, fallback string) error {
	var given *oauth.GivenValueError
	if errors.As(err, &given) {
		return &FixtureError{Message: given.Message, Path: e.at(given.Field), cause: err}
	}
	return failAt(e.at(fallback), err)
}

// client applies one oauth.clients entry: a self client of the org with the given client id and
// secret (oauth.CreateGivenClient). Its ref's id is the client id.
func (a *applier) client(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	c, err := oauth.CreateGivenClient(a.ctx, a.tx, org.ID, strings.TrimSpace(e.str("name")), e.str("client_id"), e.str("client_secret"))
	if err != nil {
		return givenErr(e, err, "client_id")
	}
	if arr, ok := e.obj["redirect_uris"].([]any); ok {
		uris := make([]string, len(arr))
		for i, x := range arr {
			uris[i] = x.(string) // the parser checked vStrings
			var given *oauth.GivenValueError
			if err := oauth.CheckRedirectURIs(uris[i : i+1]); errors.As(err, &given) {
				return &FixtureError{Message: given.Message, Path: indexPath(e.at("redirect_uris"), i), cause: err}
			}
		}
		if err := oauth.SetRedirectURIs(a.ctx, a.tx, c, uris); err != nil {
			return err
		}
		c.RedirectURIs = uris
	}
	a.defineRef(e, &made{kind: kindClient, id: c.ID, org: org.ID, answer: c.ClientID, client: c})
	return nil
}

// token applies one oauth.tokens entry: the given refresh and/or access token of a client (a
// client's ref or client id; zcrm's CLI client without one) for a user (a user's ref or email; the
// org's first Administrator without one), with checked scopes (oauth.IssueGivenTokens).
func (a *applier) token(e entry) error {
	user, err := a.refNamed(e, "user", kindUser)
	if err != nil {
		return err
	}
	client, err := a.refNamed(e, "client", kindClient)
	if err != nil {
		return err
	}
	from := orgOfRef(user)
	if from == 0 {
		from = orgOfRef(client)
	}
	org, err := a.entryOrg(e, from)
	if err != nil {
		return err
	}
	scopes, err := checkScopes(e)
	if err != nil {
		return err
	}
	var c crm.Client
	if client != nil {
		c = client.client
	} else if c, err = mintClient(a.ctx, a.tx, e.str("client")); err != nil {
		return failAt(e.at("client"), err)
	}
	var u crm.User
	switch {
	case user != nil:
		if user.org != org.ID {
			return fixtureErr(e.at("user"), "user %q is of another org", e.str("user"))
		}
		u = user.user
	case e.has("user"):
		u, err = a.tx.UserByEmail(a.ctx, org.ID, strings.TrimSpace(e.str("user")))
		if errors.Is(err, crm.ErrNotFound) {
			return fixtureErr(e.at("user"), "no user %q in org %s", e.str("user"), crm.FormatID(org.ID))
		}
	default:
		u, err = a.tx.FirstAdmin(a.ctx, org.ID)
	}
	if err != nil {
		return err
	}
	if u.Status != "active" {
		return fixtureErr(e.at("user"), "user %s is %s, not active", u.Email, u.Status)
	}
	g := oauth.GivenTokens{Access: e.str("access_token"), Refresh: e.str("refresh_token")}
	if n, ok := e.obj["expires_in"].(json.Number); ok {
		g.AccessTTL = -1 // refused by oauth.CheckGivenTTL, with its words
		if secs, _ := n.Int64(); secs > 0 && secs <= int64(oauth.MaxGivenAccessTTL/time.Second) {
			g.AccessTTL = time.Duration(secs) * time.Second
		}
	}
	if err := oauth.IssueGivenTokens(a.ctx, a.tx, c, u, scopes, g); err != nil {
		return givenErr(e, err, "client")
	}
	return nil
}

// checkScopes checks a token entry's scopes as zcrm token does (oauth.CheckKnownScopes); the error
// names the first scope refused on its own.
func checkScopes(e entry) ([]string, error) {
	var list []string
	if arr, ok := e.obj["scopes"].([]any); ok {
		for _, v := range arr {
			list = append(list, v.(string))
		}
	}
	scopes, err := oauth.CheckKnownScopes(strings.Join(list, ","))
	if err == nil {
		return scopes, nil
	}
	for i, s := range list {
		// Each scope with one known to be good: only its own fault can fail.
		if _, one := oauth.CheckKnownScopes(s + ",ZohoCRM.org.READ"); one != nil {
			return nil, &FixtureError{Message: one.Error(), Path: indexPath(e.at("scopes"), i), cause: one}
		}
	}
	return nil, &FixtureError{Message: err.Error(), Path: e.at("scopes"), cause: err}
}
