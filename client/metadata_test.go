package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestMetadata(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		mods, err := c.Modules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]client.Module{}
		for _, m := range mods {
			byName[m.APIName] = m
		}
		if m := byName["Deals"]; !m.APISupported || m.GeneratedType != "default" || m.ID == "" || m.Raw["api_name"] != "Deals" {
			t.Fatalf("Deals = %+v", m)
		}
		deals, err := c.Module(ctx, "Deals")
		if err != nil || deals.APIName != "Deals" || len(deals.Fields) == 0 || len(deals.RelatedLists) == 0 {
			t.Fatalf("module Deals = %+v, %v", deals, err)
		}
		_, err = c.Module(ctx, "NoSuchModule")
		if !errors.Is(err, client.ErrInvalidModule) {
			t.Fatalf("unknown module = %v, want ErrInvalidModule", err)
		}

		fields, err := c.Fields(ctx, "Contacts")
		if err != nil {
			t.Fatal(err)
		}
		var lastName, account *client.Field
		for i := range fields {
			switch fields[i].APIName {
			case "Last_Name":
				lastName = &fields[i]
			case "Account_Name":
				account = &fields[i]
			}
		}
		if lastName == nil || !lastName.SystemMandatory || lastName.DataType != "text" {
			t.Fatalf("Last_Name = %+v", lastName)
		}
		if account == nil || account.DataType != "lookup" || account.Lookup == nil || account.Lookup.Module == nil || account.Lookup.Module.APIName != "Accounts" {
			t.Fatalf("Account_Name = %+v", account)
		}

		lists, err := c.RelatedLists(ctx, "Campaigns")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range lists {
			if l.APIName == "Contacts" {
				found = l.Href == "Campaigns/{ENTITYID}/Contacts" && l.Module != nil && l.Module.APIName == "Contacts"
			}
		}
		if !found {
			t.Fatalf("related lists of Campaigns = %+v", lists)
		}

		views, err := c.CustomViews(ctx, "Contacts")
		if err != nil || len(views) == 0 || views[0].Name != "All Contacts" || !views[0].Default {
			t.Fatalf("custom views = %+v, %v", views, err)
		}

		me, err := c.CurrentUser(ctx)
		if err != nil || me.ID != srv.Admin.ID || me.Email != "admin@zcrm.local" || me.Profile.Name != "Administrator" {
			t.Fatalf("current user = %+v, %v", me, err)
		}
		rep := srv.CreateUser(srv.Org, "rep@zcrm.local", "Standard")
		users, err := c.Users(ctx, &client.UserListOptions{Type: "AllUsers"})
		if err != nil || len(users.Users) != 2 || users.Info.Count != 2 {
			t.Fatalf("users = %+v, %v", users, err)
		}
		if n, err := c.CountUsers(ctx, ""); err != nil || n != 2 {
			t.Fatalf("users count = %d, %v", n, err)
		}
		if n, err := c.CountUsers(ctx, "AdminUsers"); err != nil || n != 1 {
			t.Fatalf("admin users count = %d, %v", n, err)
		}
		u, err := c.User(ctx, rep.ID)
		if err != nil || u.Email != "rep@zcrm.local" || u.Profile.Name != "Standard" {
			t.Fatalf("user = %+v, %v", u, err)
		}
		if _, err := c.User(ctx, "123456789012345678"); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("unknown user = %v, want ErrNotFound", err)
		}

		org, err := c.Org(ctx)
		if err != nil || org.ID != srv.Org.ID || org.ZGID == "" || org.PrimaryEmail != "admin@zcrm.local" {
			t.Fatalf("org = %+v, %v", org, err)
		}
	})
}

// Other orgs and users made with zcrmtest are isolated: a second org's client sees its own data.
func TestOrgsAreIsolated(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	org, admin := srv.CreateOrg("Acme Corp", "ultimate")
	if org.Edition != "ultimate" || admin.Email != "admin@acme-corp.zcrm.local" || admin.OrgID != org.ID {
		t.Fatalf("org = %+v, admin = %+v", org, admin)
	}
	acme := srv.NewClient(admin, nil)
	got, err := acme.Org(t.Context())
	if err != nil || got.ID != org.ID || got.CompanyName != "Acme Corp" {
		t.Fatalf("acme org = %+v, %v", got, err)
	}
	id := srv.CreateRecord(srv.Admin, "Leads", map[string]any{"Last_Name": "Mine", "Company": "Default"})
	if _, err := acme.Record(t.Context(), "Leads", id); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("another org's record = %v, want ErrNotFound", err)
	}
}
