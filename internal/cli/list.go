package cli

import (
	"context"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
)

// The list subcommands print one JSON object a line on stdout (JSON lines), oldest first, and
// nothing for an empty list. They never print a secret or a hash.

// listTime renders a creation time as the lists print it: RFC 3339 in UTC, to the second.
func listTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// runOrgList prints every org: {"org_id":"…","name":"…","edition":"…","default":true,"created_time":"…"}.
func runOrgList(ctx context.Context, e env, args []string) error {
	var dsn string
	fs := flags(e, "org list", &dsn)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, _, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var orgs []crm.Org
	if err := db.Read(ctx, func(tx crm.Tx) error {
		orgs, err = tx.Orgs(ctx)
		return err
	}); err != nil {
		return err
	}
	for _, o := range orgs {
		if err := printJSON(e, struct {
			OrgID       string `json:"org_id"`
			Name        string `json:"name"`
			Edition     string `json:"edition"`
			Default     bool   `json:"default"`
			CreatedTime string `json:"created_time"`
		}{crm.FormatID(o.ID), o.Name, string(o.Edition), o.Default, listTime(o.CreatedTime)}); err != nil {
			return err
		}
	}
	return nil
}

// runUserList prints an org's users: {"id":"…","email":"…","name":"…","profile":"…","status":"active","created_time":"…"}.
func runUserList(ctx context.Context, e env, args []string) error {
	var dsn, orgID string
	fs := flags(e, "user list", &dsn)
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var users []crm.User
	profiles := map[int64]string{}
	if err := db.Read(ctx, func(tx crm.Tx) error {
		org, err := orgFor(ctx, tx, def, orgID)
		if err != nil {
			return err
		}
		ps, err := tx.Profiles(ctx, org.ID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			profiles[p.ID] = p.Name
		}
		users, err = tx.Users(ctx, org.ID)
		return err
	}); err != nil {
		return err
	}
	for _, u := range users {
		if err := printJSON(e, struct {
			ID          string `json:"id"`
			Email       string `json:"email"`
			Name        string `json:"name"`
			Profile     string `json:"profile"`
			Status      string `json:"status"`
			CreatedTime string `json:"created_time"`
		}{crm.FormatID(u.ID), u.Email, u.FullName(), profiles[u.ProfileID], u.Status, listTime(u.CreatedTime)}); err != nil {
			return err
		}
	}
	return nil
}

// runClientList prints the OAuth clients that may act in an org (its own and those granted it with
// client grant-org): {"client_id":"1000.…","name":"…","created_time":"…"}; never the secret.
func runClientList(ctx context.Context, e env, args []string) error {
	var dsn, orgID string
	fs := flags(e, "client list", &dsn)
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var clients []crm.Client
	if err := db.Read(ctx, func(tx crm.Tx) error {
		org, err := orgFor(ctx, tx, def, orgID)
		if err != nil {
			return err
		}
		clients, err = tx.ClientsInOrg(ctx, org.ID)
		return err
	}); err != nil {
		return err
	}
	for _, c := range clients {
		if err := printJSON(e, struct {
			ClientID    string `json:"client_id"`
			Name        string `json:"name"`
			CreatedTime string `json:"created_time"`
		}{c.ClientID, c.Name, listTime(c.CreatedTime)}); err != nil {
			return err
		}
	}
	return nil
}
