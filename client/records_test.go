package client_test

import (
	"cmp"
	"errors"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestRecordsCRUD(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		res, err := c.InsertRecords(ctx, "Contacts", client.Record{"Last_Name": "Lovelace", "Email": "ada@example.com"}, client.Record{"Last_Name": "Hopper"})
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 201 || len(res.IDs()) != 2 || res.Items[0].Message != "record added" {
			t.Fatalf("insert = %+v", res)
		}
		ada, grace := res.IDs()[0], res.IDs()[1]
		id, err := c.InsertRecord(ctx, "Contacts", client.Record{"Last_Name": "Turing"})
		if err != nil || id == "" {
			t.Fatalf("InsertRecord = %q, %v", id, err)
		}

		rec, err := c.Record(ctx, "Contacts", ada, "Last_Name", "Email")
		if err != nil {
			t.Fatal(err)
		}
		if rec.ID() != ada || rec.String("Last_Name") != "Lovelace" || rec.String("Email") != "ada@example.com" {
			t.Fatalf("record = %v", rec)
		}
		page, err := c.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}, SortBy: "id", SortOrder: "asc"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 3 || page.Data[0].ID() != ada || page.Info.Count != 3 || page.Info.MoreRecords {
			t.Fatalf("list = %+v", page)
		}
		page, err = c.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}, IDs: []string{grace}})
		if err != nil || len(page.Data) != 1 || page.Data[0].String("Last_Name") != "Hopper" {
			t.Fatalf("list by ids = %+v, %v", page, err)
		}

		it, err := c.UpdateRecord(ctx, "Contacts", ada, client.Record{"Email": "countess@example.com"})
		if err != nil || it.Message != "record updated" || it.ID() != ada {
			t.Fatalf("UpdateRecord = %+v, %v", it, err)
		}
		res, err = c.UpdateRecords(ctx, "Contacts", client.Record{"id": grace, "Last_Name": "Hopper-Murray"})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "record updated", grace})
		rec, _ = c.Record(ctx, "Contacts", ada, "Email")
		if rec.String("Email") != "countess@example.com" {
			t.Fatalf("after update = %v", rec)
		}

		if it, err := c.DeleteRecord(ctx, "Contacts", id); err != nil || it.Message != "record deleted" {
			t.Fatalf("DeleteRecord = %+v, %v", it, err)
		}
		if _, err := c.Record(ctx, "Contacts", id); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("deleted record = %v, want ErrNotFound", err)
		}
		res, err = c.DeleteRecords(ctx, "Contacts", ada, grace)
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "record deleted", ada}, [3]string{"SUCCESS", "record deleted", grace})
		page, err = c.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}})
		if err != nil || len(page.Data) != 0 {
			t.Fatalf("empty list = %+v, %v (want an empty page for 204)", page, err)
		}
	})
}

// Item errors of an insert come back per record, with the JSON path of the bad input.
func TestInsertRecordsItemErrors(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	res, err := srv.Client.InsertRecords(t.Context(), "Contacts", client.Record{"Last_Name": "Ok"}, client.Record{"Email": "no-name@example.com"})
	var ie *client.ItemsError
	if !errors.As(err, &ie) || ie.StatusCode != 207 || res.StatusCode != 207 {
		t.Fatalf("err = %v, want a 207 *ItemsError", err)
	}
	if !errors.Is(err, client.ErrMandatoryNotFound) {
		t.Fatalf("errors.Is(%v, ErrMandatoryNotFound) = false", err)
	}
	bad := res.Failed()
	if len(bad) != 1 || bad[0].Index != 1 || bad[0].Code != "MANDATORY_NOT_FOUND" || bad[0].Details["json_path"] != "$.data[1].Last_Name" {
		t.Fatalf("failed items = %+v", bad)
	}
	_, err = srv.Client.InsertRecord(t.Context(), "Contacts", client.Record{})
	wantAPIError(t, err, 400, "MANDATORY_NOT_FOUND", "required field not found")
	_, err = srv.Client.Records(t.Context(), "NoSuchModule", &client.ListOptions{Fields: []string{"id"}})
	wantAPIError(t, err, 400, "INVALID_MODULE", "the module name given seems to be invalid")
	if !errors.Is(err, client.ErrInvalidModule) {
		t.Fatalf("errors.Is(%v, ErrInvalidModule) = false", err)
	}
}

// zcrmtest.CreateRecord stores records straight into the database, owned by the given user.
func TestCreateRecordHelper(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	id := srv.CreateRecord(srv.Admin, "leads", map[string]any{"Last_Name": "Babbage", "Company": "Analytical"})
	rec, err := srv.Client.Record(t.Context(), "Leads", id, "Last_Name", "Company", "Owner")
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := rec.Lookup("Owner")
	if rec.String("Company") != "Analytical" || owner.ID != srv.Admin.ID {
		t.Fatalf("record = %v", rec)
	}
}

// ModifiedSince sends If-Modified-Since; nothing changed since is a 304, reported as NotModified.
func TestRecordsModifiedSince(t *testing.T) {
	clock := zcrmtest.NewClock(start)
	srv := zcrmtest.NewServer(t, zcrmtest.WithClock(clock.Now))
	srv.CreateRecord(srv.Admin, "Leads", map[string]any{"Last_Name": "Old", "Company": "C"})
	clock.Advance(time.Hour)
	page, err := srv.Client.Records(t.Context(), "Leads", &client.ListOptions{Fields: []string{"Last_Name"}, ModifiedSince: clock.Now()})
	if err != nil || !page.NotModified || len(page.Data) != 0 {
		t.Fatalf("nothing modified = %+v, %v", page, err)
	}
	page, err = srv.Client.Records(t.Context(), "Leads", &client.ListOptions{Fields: []string{"Last_Name"}, ModifiedSince: start.Add(-time.Minute), Page: 1, PerPage: 10})
	if err != nil || page.NotModified || len(page.Data) != 1 || page.Info.PerPage != 10 {
		t.Fatalf("modified = %+v, %v", page, err)
	}
}

// RecordsAll walks a listing by page tokens: every record once, in the listing's order, one
// request a page, each after the first carrying the previous page's next_page_token; stopping
// early stops the requests; an error (here a bad token) is yielded once.
func TestRecordsAll(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		var inserted []string
		for i := 0; i < 5; i++ {
			batch := make([]client.Record, 90)
			for j := range batch {
				batch[j] = client.Record{"Last_Name": "C" + strconv.Itoa(i*90+j)}
			}
			res, err := c.InsertRecords(ctx, "Contacts", batch...)
			if err != nil {
				t.Fatal(err)
			}
			inserted = append(inserted, res.IDs()...)
		}
		srv.ClearRequests()
		opts := &client.ListOptions{Fields: []string{"Last_Name"}, PerPage: 200}
		var got []string
		for rec, err := range c.RecordsAll(ctx, "Contacts", opts) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rec.ID())
		}
		want := slices.Clone(inserted)
		slices.SortFunc(want, func(a, b string) int { return -compareIDs(a, b) }) // newest first: ids descending
		if !slices.Equal(got, want) {
			t.Fatalf("RecordsAll gave %d records, want the %d inserted, newest first", len(got), len(want))
		}
		reqs := srv.Requests(zcrmtest.RequestFilter{Method: "GET", Path: "/crm/v8/Contacts"})
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want 3", len(reqs))
		}
		for i, r := range reqs { // newest first
			if hasToken := strings.Contains(r.Query, "page_token="); hasToken != (i < 2) || r.Status != 200 {
				t.Errorf("request %d: %s %d", 3-i, r.Query, r.Status)
			}
		}
		if opts.PageToken != "" || opts.Page != 0 {
			t.Errorf("RecordsAll changed the caller's options: %+v", opts)
		}

		srv.ClearRequests()
		n := 0
		for _, err := range c.RecordsAll(ctx, "Contacts", opts) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 250 {
				break
			}
		}
		if reqs := srv.Requests(zcrmtest.RequestFilter{Method: "GET", Path: "/crm/v8/Contacts"}); len(reqs) != 2 {
			t.Errorf("stopping at 250 made %d requests, want 2", len(reqs))
		}

		var errs []error
		for rec, err := range c.RecordsAll(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}, PageToken: "abc"}) {
			if rec != nil {
				t.Fatalf("record %v yielded with a bad token", rec)
			}
			errs = append(errs, err)
		}
		if len(errs) != 1 {
			t.Fatalf("%d errors yielded, want 1", len(errs))
		}
		wantAPIError(t, errs[0], 400, "TOKEN_BOUND_DATA_MISMATCH", "The page_token given seems to be invalid or input param is added or altered or deleted")
		for range c.RecordsAll(ctx, "Leads", &client.ListOptions{Fields: []string{"Last_Name"}}) {
			t.Fatal("an empty module yielded")
		}
	})
}

// RelatedRecordsAll and DealContactRolesAll walk a related list and a deal's contact roles the
// same way.
func TestRelatedAndDealRolesAll(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		campaign, err := c.InsertRecord(ctx, "Campaigns", client.Record{"Campaign_Name": "Spring"})
		if err != nil {
			t.Fatal(err)
		}
		deal, err := c.InsertRecord(ctx, "Deals", client.Record{"Deal_Name": "Big", "Stage": "Qualification"})
		if err != nil {
			t.Fatal(err)
		}
		batch := make([]client.Record, 25)
		for i := range batch {
			batch[i] = client.Record{"Last_Name": "C" + strconv.Itoa(i)}
		}
		res, err := c.InsertRecords(ctx, "Contacts", batch...)
		if err != nil {
			t.Fatal(err)
		}
		ids := res.IDs()
		links := make([]client.Record, len(ids))
		roles := make([]client.DealRole, len(ids))
		for i, id := range ids {
			links[i] = client.Record{"id": id}
			roles[i] = client.DealRole{ContactID: id, Role: client.Ref{Name: "Purchasing"}}
		}
		if _, err := c.LinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", links...); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SetDealContactRoles(ctx, deal, roles...); err != nil {
			t.Fatal(err)
		}
		opts := &client.ListOptions{Fields: []string{"Last_Name"}, PerPage: 10, SortOrder: "asc"}
		for name, seq := range map[string]iter.Seq2[client.Record, error]{
			"related": c.RelatedRecordsAll(ctx, "Campaigns", campaign, "Contacts", opts),
			"roles":   c.DealContactRolesAll(ctx, deal, opts),
		} {
			var got []string
			for rec, err := range seq {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, rec.ID())
			}
			if want := slices.SortedFunc(slices.Values(ids), compareIDs); !slices.Equal(got, want) {
				t.Errorf("%s: %d records %v, want %v", name, len(got), got, want)
			}
		}
	})
}

// compareIDs orders record ids numerically.
func compareIDs(a, b string) int {
	x, _ := strconv.ParseInt(a, 10, 64)
	y, _ := strconv.ParseInt(b, 10, 64)
	return cmp.Compare(x, y)
}
