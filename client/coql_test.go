package client_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestCOQL(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		ctx := t.Context()
		c := srv.NewClient(srv.Admin, []string{"ZohoCRM.coql.READ", "ZohoCRM.modules.ALL"})
		res, err := c.InsertRecords(ctx, "Contacts",
			client.Record{"Last_Name": "Burns", "Email": "b@example.com"},
			client.Record{"Last_Name": "Burnside"},
			client.Record{"Last_Name": "Hopper"})
		if err != nil {
			t.Fatal(err)
		}
		ids := res.IDs()

		got, err := c.COQL(ctx, "select Last_Name, Email from Contacts where Last_Name like 'burn%' order by Last_Name desc limit 1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Data) != 1 || got.Data[0].ID() != ids[1] || got.Data[0].String("Last_Name") != "Burnside" ||
			got.Data[0]["Email"] != nil || got.Info != (client.COQLInfo{Count: 1, MoreRecords: true}) {
			t.Fatalf("page = %+v", got)
		}
		got, err = c.COQL(ctx, "select COUNT(id) as n from Contacts where Email is null")
		if err != nil || len(got.Data) != 1 || got.Data[0]["n"] != json.Number("2") {
			t.Fatalf("count = %+v, %v", got, err)
		}
		got, err = c.COQL(ctx, "select Last_Name from Contacts where Last_Name = 'Nobody'")
		if err != nil || len(got.Data) != 0 || got.Info.MoreRecords {
			t.Fatalf("no match = %+v, %v", got, err)
		}
		var apiErr *client.APIError
		_, err = c.COQL(ctx, "select Last_Name from Contacts")
		if !errors.As(err, &apiErr) || apiErr.Code != "SYNTAX_ERROR" || apiErr.Details["clause"] != "where" {
			t.Fatalf("missing where: %v", err)
		}
		_, err = srv.Client.COQL(ctx, "select Last_Name from Contacts where id is not null")
		if !errors.As(err, &apiErr) || apiErr.Code != "OAUTH_SCOPE_MISMATCH" {
			t.Fatalf("without the coql scope: %v", err)
		}
	})
}
