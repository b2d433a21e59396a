package crm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// The data-sharing rule, mode by mode: what a Standard user and an administrator may read
// (VisibleOwner, CanView) and change (CanChange) of their own record and another's.
func TestDataSharingRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, admin := testOrg(t, b)
		ctx := context.Background()
		var std crm.Actor
		if err := db.Write(ctx, func(tx crm.Tx) error {
			std.Org = admin.Org
			var err error
			if std.User, std.Profile, err = crm.CreateUser(ctx, tx, admin.Org.ID, "std@zcrm.local", crm.ProfileStandard); err != nil {
				return err
			}
			_, err = crm.SetSharing(ctx, tx, admin.Org, "leads", "secret")
			if want := `access must be public, public_read_only or private, not "secret"`; err == nil || err.Error() != want {
				t.Errorf("SetSharing secret = %v, want %s", err, want)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		own := crm.Record{Module: "Leads", OwnerID: std.User.ID}
		theirs := crm.Record{Module: "Leads", OwnerID: admin.User.ID}
		// want: VisibleOwner of std, then std's CanView and CanChange of own and theirs; the
		// administrator sees and changes everything in every mode.
		for _, c := range []struct {
			mode        string
			owner       int64
			view, write [2]bool
		}{
			{crm.SharingPublic, 0, [2]bool{true, true}, [2]bool{true, true}},
			{crm.SharingPublicReadOnly, 0, [2]bool{true, true}, [2]bool{true, false}},
			{crm.SharingPrivate, std.User.ID, [2]bool{true, false}, [2]bool{true, false}},
		} {
			if err := db.Write(ctx, func(tx crm.Tx) error {
				name, err := crm.SetSharing(ctx, tx, admin.Org, "leads", c.mode)
				if err != nil || name != "Leads" {
					return fmt.Errorf("SetSharing %s = %q, %v", c.mode, name, err)
				}
				got := func(f func(context.Context, crm.Tx, crm.Actor, crm.Record) (bool, error), a crm.Actor, r crm.Record) bool {
					ok, err := f(ctx, tx, a, r)
					if err != nil {
						t.Fatal(err)
					}
					return ok
				}
				if owner, err := crm.VisibleOwner(ctx, tx, std, "Leads"); err != nil || owner != c.owner {
					t.Errorf("%s: VisibleOwner(std) = %d, %v; want %d", c.mode, owner, err, c.owner)
				}
				if owner, err := crm.VisibleOwner(ctx, tx, admin, "Leads"); err != nil || owner != 0 {
					t.Errorf("%s: VisibleOwner(admin) = %d, %v; want 0", c.mode, owner, err)
				}
				if v := [2]bool{got(crm.CanView, std, own), got(crm.CanView, std, theirs)}; v != c.view {
					t.Errorf("%s: std CanView own, theirs = %v, want %v", c.mode, v, c.view)
				}
				if w := [2]bool{got(crm.CanChange, std, own), got(crm.CanChange, std, theirs)}; w != c.write {
					t.Errorf("%s: std CanChange own, theirs = %v, want %v", c.mode, w, c.write)
				}
				if !got(crm.CanView, admin, own) || !got(crm.CanChange, admin, own) {
					t.Errorf("%s: the administrator may not read or change another's record", c.mode)
				}
				// Another module keeps its own rule (public by default).
				if owner, err := crm.VisibleOwner(ctx, tx, std, "Contacts"); err != nil || owner != 0 {
					t.Errorf("%s: VisibleOwner(std, Contacts) = %d, %v; want 0", c.mode, owner, err)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
