package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// fieldIndexNames are migration 0016's indexes.
var fieldIndexNames = []string{"records_account_name", "records_campaign_name", "records_email", "records_last_name", "records_mobile",
	"records_phone", "records_price_book_name", "records_product_name", "records_vendor_name"}

// BenchmarkInsertContacts inserts 100 contacts per operation through crm.InsertRecords (input
// checks, the duplicate check on Email, the store's insert) into an org that holds 20,000, with
// migration 0016's field indexes ("indexed": the duplicate check looks each email up, every insert
// writes the index entries) and with them dropped ("unindexed": the duplicate check reads every
// contact). What the indexes cost an insert, and what they save its duplicate check. PostgreSQL
// runs when ZCRM_TEST_POSTGRES is set.
func BenchmarkInsertContacts(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		if backend == storetest.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
			continue
		}
		for _, indexed := range []bool{true, false} {
			name := string(backend) + "/indexed"
			if !indexed {
				name = string(backend) + "/unindexed"
			}
			b.Run(name, func(b *testing.B) { benchmarkInsertContacts(b, backend, indexed) })
		}
	}
}

func benchmarkInsertContacts(b *testing.B, backend storetest.Backend, indexed bool) {
	ctx := context.Background()
	db := storetest.Open(b, backend, store.Options{})
	contacts, _ := catalog.Standard("Contacts")
	var actor crm.Actor
	const existing, perCall = 20000, 100
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, owner, err := crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Bench", Edition: crm.Enterprise})
		if err != nil {
			return err
		}
		prof, err := tx.Profile(ctx, org.ID, owner.ProfileID)
		if err != nil {
			return err
		}
		actor = crm.Actor{Org: org, User: owner, Profile: prof}
		ids, err := tx.NewIDs(ctx, existing)
		if err != nil {
			return err
		}
		recs := make([]crm.Record, existing)
		now := time.Now()
		for i := range recs {
			recs[i] = crm.Record{ID: ids[i], OrgID: org.ID, Module: "Contacts", OwnerID: owner.ID, CreatedBy: owner.ID, ModifiedBy: owner.ID,
				CreatedTime: now, ModifiedTime: now, Data: map[string]any{"Last_Name": fmt.Sprint("Contact ", i), "Email": fmt.Sprint("old", i, "@x.test")}}
		}
		return tx.InsertRecords(ctx, recs)
	}); err != nil {
		b.Fatal(err)
	}
	if !indexed {
		for _, idx := range fieldIndexNames {
			if _, err := db.SQL().ExecContext(ctx, `DROP INDEX IF EXISTS `+idx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if backend == storetest.Postgres {
		if _, err := db.SQL().ExecContext(ctx, `ANALYZE records`); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	for b.Loop() {
		data := make([]any, perCall)
		for i := range data {
			data[i] = map[string]any{"Last_Name": fmt.Sprint("New ", n), "Email": fmt.Sprint("new", n, "@x.test")}
			n++
		}
		if err := db.Write(ctx, func(tx crm.Tx) error {
			items, err := crm.InsertRecords(ctx, tx, actor, contacts, data)
			for _, it := range items {
				if s := fmt.Sprint(it); strings.Contains(s, "DUPLICATE") || strings.Contains(s, "error") {
					return fmt.Errorf("insert: %s", s)
				}
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}
