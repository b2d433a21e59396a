package store_test

import (
	"context"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// clientIn reports whether the client is linked to each org, in order.
func clientIn(t *testing.T, db *store.DB, clientPK int64, orgs ...crm.Org) []bool {
	t.Helper()
	ctx := context.Background()
	var in []bool
	if err := db.Read(ctx, func(tx crm.Tx) error {
		in = in[:0]
		for _, o := range orgs {
			ok, err := tx.ClientInOrg(ctx, clientPK, o.ID)
			if err != nil {
				return err
			}
			in = append(in, ok)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return in
}

// insertClient stores a client linked to no org and returns its primary key.
func insertClient(ctx context.Context, tx crm.Tx, clientID string) (int64, error) {
	id, err := tx.NewID(ctx)
	if err != nil {
		return 0, err
	}
	return id, tx.InsertClient(ctx, crm.Client{ID: id, ClientID: clientID, SecretHash: "x", Name: clientID, CreatedTime: tx.Now()})
}

// A client is linked to the orgs it is given, once each: adding a link twice is not an error.
func TestClientOrgs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		var a, other crm.Org
		var pk int64
		if err := db.Write(ctx, func(tx crm.Tx) error {
			var err error
			if a, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "A", Edition: crm.Enterprise}); err != nil {
				return err
			}
			if other, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "B", Edition: crm.Enterprise}); err != nil {
				return err
			}
			if pk, err = insertClient(ctx, tx, "1000.A"); err != nil {
				return err
			}
			return tx.AddClientOrg(ctx, pk, a.ID)
		}); err != nil {
			t.Fatal(err)
		}
		if got := clientIn(t, db, pk, a, other); got[0] != true || got[1] != false {
			t.Fatalf("in A, B = %v, want [true false]", got)
		}
		for range 2 {
			if err := db.Write(ctx, func(tx crm.Tx) error { return tx.AddClientOrg(ctx, pk, other.ID) }); err != nil {
				t.Fatal(err)
			}
		}
		if got := clientIn(t, db, pk, a, other); got[0] != true || got[1] != true {
			t.Fatalf("in A, B after adding B = %v, want [true true]", got)
		}
	})
}

// Before migration 0003 every client acted in every org. The migration links the clients that
// exist when it runs to every org that exists then, so an upgrade breaks nobody; orgs created
// later are not theirs. The database is put back to its pre-0003 shape, then opened as an
// upgraded zcrm would open it.
func TestMigrationLinksExistingClientsToEveryOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		db := storetest.OpenDSN(t, dsn, store.Options{})
		ctx := context.Background()
		var a, other crm.Org
		var pk int64
		if err := db.Write(ctx, func(tx crm.Tx) error {
			for _, q := range []string{`DROP TABLE oauth_client_orgs`, `DELETE FROM schema_migrations WHERE version = 3`} {
				if err := store.TxExec(ctx, tx, q); err != nil {
					return err
				}
			}
			var err error
			if a, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "A", Edition: crm.Enterprise}); err != nil {
				return err
			}
			if other, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "B", Edition: crm.Free}); err != nil {
				return err
			}
			pk, err = insertClient(ctx, tx, "1000.OLD")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		up := storetest.OpenDSN(t, dsn, store.Options{}) // a second handle, as another process: it migrates
		if v, err := up.SchemaVersion(ctx); err != nil || v < 3 {
			t.Fatalf("schema version = %d, %v; want >= 3", v, err)
		}
		var later crm.Org
		var newPK int64
		if err := up.Write(ctx, func(tx crm.Tx) error {
			var err error
			if later, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "C", Edition: crm.Enterprise}); err != nil {
				return err
			}
			newPK, err = insertClient(ctx, tx, "1000.NEW")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := clientIn(t, up, pk, a, other, later); got[0] != true || got[1] != true || got[2] != false {
			t.Fatalf("old client in A, B, C = %v, want [true true false]", got)
		}
		if got := clientIn(t, up, newPK, a, other, later); got[0] || got[1] || got[2] {
			t.Fatalf("new client in A, B, C = %v, want none", got)
		}
	})
}
