package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestContactRoleDefinitions(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		roles, err := c.ContactRoles(ctx)
		if err != nil || len(roles) != 6 || roles[0].Name != "Purchasing" || roles[0].SequenceNumber != 1 {
			t.Fatalf("default roles = %+v, %v", roles, err)
		}
		res, err := c.CreateContactRoles(ctx, client.ContactRole{Name: "Champion", SequenceNumber: 7}, client.ContactRole{Name: "Blocker"})
		if err != nil {
			t.Fatal(err)
		}
		champion, blocker := res.IDs()[0], res.IDs()[1]
		wantItems(t, res, [3]string{"SUCCESS", "contact role added", champion}, [3]string{"SUCCESS", "contact role added", blocker})
		role, err := c.ContactRole(ctx, champion)
		if err != nil || *role != (client.ContactRole{ID: champion, Name: "Champion", SequenceNumber: 7}) {
			t.Fatalf("role = %+v, %v", role, err)
		}
		it, err := c.UpdateContactRole(ctx, client.ContactRole{ID: champion, Name: "Internal Champion"})
		if err != nil || it.Message != "contact role updated" {
			t.Fatalf("update one = %+v, %v", it, err)
		}
		res, err = c.UpdateContactRoles(ctx, client.ContactRole{ID: blocker, SequenceNumber: 9})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "contact role updated", blocker})
		if role, _ = c.ContactRole(ctx, champion); role.Name != "Internal Champion" {
			t.Fatalf("after update = %+v", role)
		}

		// A duplicate name fails its item only.
		res, err = c.CreateContactRoles(ctx, client.ContactRole{Name: "Blocker"}, client.ContactRole{Name: "Sponsor"})
		if res.StatusCode != 207 || !errors.Is(err, client.ErrDuplicateData) || res.Failed()[0].Index != 0 {
			t.Fatalf("duplicate = %+v, %v", res, err)
		}

		if it, err = c.DeleteContactRole(ctx, champion); err != nil || it.Message != "contact role deleted" {
			t.Fatalf("delete one = %+v, %v", it, err)
		}
		if _, err := c.ContactRole(ctx, champion); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("deleted role = %v, want ErrNotFound", err)
		}
		res, err = c.DeleteContactRoles(ctx, blocker, champion)
		if res.StatusCode != 207 || !res.Items[0].OK() || res.Items[1].OK() || err == nil {
			t.Fatalf("delete mixed = %+v, %v", res, err)
		}
	})
}

// Seed 004 and its neighbours: roles of contacts on a deal.
func TestDealContactRoles(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		roles, _ := c.ContactRoles(ctx)
		deal := srv.CreateRecord(srv.Admin, "Deals", map[string]any{"Deal_Name": "Big one", "Stage": "Qualification"})
		a := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "A", "Email": "a@example.com"})
		b := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "B"})
		x := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "X"})

		it, err := c.SetDealContactRole(ctx, deal, a, client.Ref{ID: roles[0].ID})
		if err != nil || it.Message != "relation updated" || it.ID() != a {
			t.Fatalf("set one = %+v, %v", it, err)
		}
		res, err := c.SetDealContactRoles(ctx, deal, client.DealRole{ContactID: b, Role: client.Ref{Name: "Executive Sponsor"}},
			client.DealRole{ContactID: a, Role: client.Ref{ID: roles[1].ID}})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "relation added", b}, [3]string{"SUCCESS", "relation updated", a})

		page, err := c.DealContactRoles(ctx, deal, &client.ListOptions{Fields: []string{"Email", "Last_Name"}})
		if err != nil || len(page.Data) != 2 {
			t.Fatalf("deal roles = %+v, %v", page, err)
		}
		byID := map[string]client.Record{}
		for _, r := range page.Data {
			byID[r.ID()] = r
		}
		if role, _ := byID[a].Lookup("Contact_Role"); role.Name != roles[1].Name || byID[a].String("Email") != "a@example.com" {
			t.Fatalf("row of a = %v", byID[a])
		}
		rec, err := c.DealContactRole(ctx, deal, b, "Last_Name")
		if role, _ := rec.Lookup("Contact_Role"); err != nil || role.Name != "Executive Sponsor" {
			t.Fatalf("one row = %v, %v", rec, err)
		}

		// Seed 004: remove one role.
		it, err = c.RemoveDealContactRole(ctx, deal, a)
		if err != nil || it.Message != "relation removed" || it.ID() != a {
			t.Fatalf("remove one = %+v, %v", it, err)
		}
		_, err = c.RemoveDealContactRole(ctx, deal, a)
		wantAPIError(t, err, 400, "INVALID_DATA", "contact role not deleted")
		_, err = c.RemoveDealContactRole(ctx, deal, x)
		wantAPIError(t, err, 400, "MANDATORY_NOT_FOUND", "relation not found")
		if !errors.Is(err, client.ErrMandatoryNotFound) {
			t.Fatal("errors.Is ErrMandatoryNotFound = false")
		}
		if _, err := c.DealContactRole(ctx, deal, a, "Last_Name"); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("removed row = %v, want ErrNotFound", err)
		}
		_, err = c.RemoveDealContactRole(ctx, "999999999999999999", b)
		wantAPIError(t, err, 400, "INVALID_DATA", "the related id given seems to be invalid")

		// Seed 004, many: one with a role, one without → 207.
		res, err = c.RemoveDealContactRoles(ctx, deal, b, x)
		if res.StatusCode != 207 || len(res.Items) != 2 || !res.Items[0].OK() || res.Items[0].ID() != b || res.Items[1].OK() {
			t.Fatalf("remove many = %+v", res)
		}
		var ie *client.ItemsError
		if !errors.As(err, &ie) || ie.Failed()[0].Index != 1 {
			t.Fatalf("err = %v", err)
		}
		page, err = c.DealContactRoles(ctx, deal, &client.ListOptions{Fields: []string{"Email"}})
		if err != nil || len(page.Data) != 0 {
			t.Fatalf("after removal = %+v, %v", page, err)
		}
	})
}
