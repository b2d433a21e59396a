package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Orgs lists every org oldest first; ClientsInOrg lists the clients linked to one org, oldest first.
func TestOrgsAndClientsInOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		var a, other crm.Org
		var first, second, outsider int64
		if err := db.Write(ctx, func(tx crm.Tx) error {
			var err error
			if a, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "A", Edition: crm.Enterprise}); err != nil {
				return err
			}
			if other, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "B", Edition: crm.Free}); err != nil {
				return err
			}
			for _, c := range []struct {
				pk  *int64
				id  string
				org crm.Org
			}{{&first, "1000.FIRST", a}, {&second, "1000.SECOND", a}, {&outsider, "1000.OTHER", other}} {
				if *c.pk, err = insertClient(ctx, tx, c.id); err != nil {
					return err
				}
				if err := tx.AddClientOrg(ctx, *c.pk, c.org.ID); err != nil {
					return err
				}
			}
			return tx.AddClientOrg(ctx, outsider, a.ID) // granted A later: listed after the others
		}); err != nil {
			t.Fatal(err)
		}
		var orgs []crm.Org
		var inA, inOther []crm.Client
		if err := db.Read(ctx, func(tx crm.Tx) error {
			var err error
			if orgs, err = tx.Orgs(ctx); err != nil {
				return err
			}
			if inA, err = tx.ClientsInOrg(ctx, a.ID); err != nil {
				return err
			}
			inOther, err = tx.ClientsInOrg(ctx, other.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 2 || orgs[0].ID != a.ID || orgs[0].Name != "A" || orgs[0].Edition != crm.Enterprise ||
			orgs[1].ID != other.ID || orgs[1].Edition != crm.Free {
			t.Fatalf("Orgs = %+v", orgs)
		}
		ids := func(cs []crm.Client) string {
			var s []string
			for _, c := range cs {
				s = append(s, c.ClientID)
			}
			return strings.Join(s, ",")
		}
		if got := ids(inA); got != "1000.FIRST,1000.SECOND,1000.OTHER" {
			t.Errorf("clients in A = %s", got)
		}
		if got := ids(inOther); got != "1000.OTHER" || inOther[0].ID != outsider || inOther[0].Name != "1000.OTHER" {
			t.Errorf("clients in B = %+v", inOther)
		}
	})
}

// ":memory:" is one database shared by the writer and every reader of a DB (SQLite's own would give
// each connection its own empty one), private to that DB, and dropped when it closes. An empty name
// is an error rather than SQLite's per-connection temporary database.
func TestMemoryDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Memory, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	var org crm.Org
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err = crm.EnsureDefaultOrg(ctx, tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Concurrent reads on several reader connections, beside writes, all see the writer's data.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%4 == 0 {
				errs <- db.Write(ctx, func(tx crm.Tx) error {
					_, _, err := crm.CreateUser(ctx, tx, org.ID, "u"+string(rune('a'+i))+"@zcrm.local", crm.ProfileStandard)
					return err
				})
				return
			}
			errs <- db.Read(ctx, func(tx crm.Tx) error {
				_, err := tx.FirstAdmin(ctx, org.ID)
				return err
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var users []crm.User
	if err := db.Read(ctx, func(tx crm.Tx) error { users, err = tx.Users(ctx, org.ID); return err }); err != nil || len(users) != 5 {
		t.Fatalf("users = %d, %v; want the admin and 4", len(users), err)
	}

	// A second Open is another, empty database.
	other, err := store.Open(ctx, store.Memory, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Read(ctx, func(tx crm.Tx) error { _, err := tx.DefaultOrg(ctx); return err }); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("second :memory: database: DefaultOrg = %v, want ErrNotFound", err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for _, dsn := range []string{"", "file:", "file:?mode=memory"} {
		if db, err := store.Open(ctx, dsn, store.Options{}); err == nil || !strings.Contains(err.Error(), "empty database name") {
			if db != nil {
				db.Close()
			}
			t.Errorf("Open(%q) = %v, want an empty-name error", dsn, err)
		}
	}
}
