package httpapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// FuzzCOQL: whatever the select_query, POST /coql answers a 2xx or a 4xx JSON body, never a 5xx,
// over a store holding records with lookups (so that joins, grouping and sorting all run).
func FuzzCOQL(f *testing.F) {
	for _, seed := range []string{
		"select Last_Name, Email from Contacts where Email = 'a@b.c' order by Last_Name limit 0, 200",
		"select Last_Name, Account_Name.Account_Name from Contacts where (Account_Name.Annual_Revenue > 5 or Email is null) order by Account_Name.Industry desc",
		"select Stage, COUNT(id), SUM(Amount), AVG(Amount), MIN(Closing_Date), MAX(Created_Time) from Deals where id is not null group by Stage order by Stage",
		"select Owner.email, Owner from Contacts where Owner.last_name like '%a%' limit 3 offset 1",
		"select Account_Name, COUNT(id) from Deals where Amount between -1 and 1e9 group by Account_Name",
		"select Last_Name from Contacts where Last_Name not in ('a', 'b') and Date_of_Birth < '2000-01-01'",
		"select id from Contacts where id = 99999999999999999999", "select Amount from Deals where Amount = 1.5.5",
		"select Last_Name from Contacts where Email_Opt_Out = TRUE", "select Closing_Date from Deals where Closing_Date > '2024-02-30'",
	} {
		f.Add(seed)
	}
	db := storetest.Open(f, storetest.SQLite, store.Options{})
	ctx := context.Background()
	fs := &fuzzServer{}
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := crm.EnsureDefaultOrg(ctx, tx)
		if err != nil {
			return err
		}
		admin, err := tx.FirstAdmin(ctx, org.ID)
		if err != nil {
			return err
		}
		ids, err := tx.NewIDs(ctx, 3)
		if err != nil {
			return err
		}
		now := tx.Now()
		rec := func(id int64, module string, data map[string]any) crm.Record {
			return crm.Record{ID: id, OrgID: org.ID, Module: module, OwnerID: admin.ID, CreatedBy: admin.ID, ModifiedBy: admin.ID,
				CreatedTime: now, ModifiedTime: now, Data: data}
		}
		acct := map[string]any{"id": crm.FormatID(ids[0])}
		if err := tx.InsertRecords(ctx, []crm.Record{
			rec(ids[0], "Accounts", map[string]any{"Account_Name": "Zylker", "Annual_Revenue": json.Number("10.5"), "Industry": "Retail"}),
			rec(ids[1], "Contacts", map[string]any{"Last_Name": "Smith", "Email": "a@b.c", "Account_Name": acct, "Date_of_Birth": "1990-01-01"}),
			rec(ids[2], "Deals", map[string]any{"Deal_Name": "D", "Stage": "Qualification", "Amount": json.Number("7"), "Account_Name": acct, "Closing_Date": "2024-01-01"}),
		}); err != nil {
			return err
		}
		fs.tok, err = oauth.MintAccessToken(ctx, tx, org.ID, admin.ID, 0, 0, []string{"ZohoCRM.coql.READ", "ZohoCRM.modules.ALL"})
		return err
	}); err != nil {
		f.Fatal(err)
	}
	fs.srv = httptest.NewServer(NewServer(Deps{Store: db, PublicURL: "http://zcrm.test"}))
	f.Cleanup(fs.srv.Close)
	f.Fuzz(func(t *testing.T, q string) {
		body, _ := json.Marshal(map[string]any{"select_query": q})
		fs.send(t, "POST", "/crm/v8/coql", body)
	})
}
