package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestSearchAndCountRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		res, err := c.InsertRecords(ctx, "Contacts",
			client.Record{"Last_Name": "Burns,B", "Email": "b@example.com"},
			client.Record{"Last_Name": "Burnside", "Phone": "555-0100"},
			client.Record{"Last_Name": "Hopper"})
		if err != nil {
			t.Fatal(err)
		}
		ids := res.IDs()

		page, err := c.SearchRecords(ctx, "Contacts", &client.SearchOptions{Criteria: `(Last_Name:starts_with:burn)`,
			ListOptions: client.ListOptions{Fields: []string{"Last_Name"}, SortOrder: "asc", PerPage: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 1 || page.Data[0].ID() != ids[0] || !page.Info.MoreRecords || page.Info.NextPageToken == "" {
			t.Fatalf("search page 1 = %+v", page)
		}
		page, err = c.SearchRecords(ctx, "Contacts", &client.SearchOptions{Criteria: `(Last_Name:starts_with:burn)`,
			ListOptions: client.ListOptions{Fields: []string{"Last_Name"}, SortOrder: "asc", PerPage: 1, PageToken: page.Info.NextPageToken}})
		if err != nil || len(page.Data) != 1 || page.Data[0].ID() != ids[1] || page.Info.MoreRecords {
			t.Fatalf("search page 2 = %+v, %v", page, err)
		}
		for _, o := range []*client.SearchOptions{
			{Criteria: `(Last_Name:equals:Burns\,B)`}, {Email: "b@example.com"}, {Word: "example"},
		} {
			page, err := c.SearchRecords(ctx, "Contacts", o)
			if err != nil || len(page.Data) != 1 || page.Data[0].ID() != ids[0] || page.Data[0].String("Email") != "b@example.com" {
				t.Fatalf("search %+v = %+v, %v", o, page, err)
			}
		}
		page, err = c.SearchRecords(ctx, "Contacts", &client.SearchOptions{Phone: "555-0199"})
		if err != nil || len(page.Data) != 0 {
			t.Fatalf("no match = %+v, %v", page, err)
		}
		_, err = c.SearchRecords(ctx, "Contacts", &client.SearchOptions{Criteria: `(Nope:equals:1)`})
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "INVALID_QUERY" || apiErr.Details["api_name"] != "Nope" {
			t.Fatalf("bad field: %v", err)
		}

		for o, want := range map[*client.SearchOptions]int{nil: 3, {Criteria: `(Last_Name:starts_with:burn)`}: 2, {Phone: "555-0100"}: 1, {Word: "zzz"}: 0} {
			if n, err := c.CountRecords(ctx, "Contacts", o); err != nil || n != want {
				t.Errorf("count %+v = %d, %v; want %d", o, n, err, want)
			}
		}
	})
}
