package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Ids come from the database: unique across concurrent transactions, 19 digits, below 2^63.
func TestNewIDsUniqueAcrossConcurrentWriters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					var ids []int64
					err := db.Write(ctx, func(tx crm.Tx) error {
						var err error
						ids, err = tx.NewIDs(ctx, 7)
						return err
					})
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					for _, id := range ids {
						if seen[id] {
							errs <- errors.New("duplicate id " + crm.FormatID(id))
						}
						seen[id] = true
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != 16*10*7 {
			t.Fatalf("got %d ids, want %d", len(seen), 16*10*7)
		}
		for id := range seen {
			if s := crm.FormatID(id); len(s) != 19 {
				t.Fatalf("id %s has %d digits, want 19", s, len(s))
			}
		}
	})
}

// Several processes opening one fresh database at once migrate it exactly once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 6)
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(ctx, dsn, store.Options{})
				if err != nil {
					errs <- err
					return
				}
				db.Close()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent open: %v", err)
		}
		db, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if v, err := db.SchemaVersion(ctx); err != nil || v < 1 {
			t.Fatalf("schema version = %d, %v; want >= 1", v, err)
		}
	})
}

// Uniqueness rules surface as crm.ErrDuplicate, and lookups are confined to their org.
func TestDuplicateAndOrgConfinement(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		var a, other crm.Org
		var adminA crm.User
		err := db.Write(ctx, func(tx crm.Tx) error {
			var err error
			if a, adminA, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "A", Edition: crm.Enterprise}); err != nil {
				return err
			}
			other, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "B", Edition: crm.Free})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx crm.Tx) error {
			_, _, err := crm.CreateUser(ctx, tx, a.ID, adminA.Email, crm.ProfileStandard)
			return err
		})
		if err == nil {
			t.Fatal("second user with the same email was accepted")
		}
		err = db.Read(ctx, func(tx crm.Tx) error {
			if _, err := tx.User(ctx, other.ID, adminA.ID); !errors.Is(err, crm.ErrNotFound) {
				t.Errorf("org B sees org A's user: err = %v", err)
			}
			if _, err := tx.User(ctx, a.ID, adminA.ID); err != nil {
				t.Errorf("org A's own user: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
