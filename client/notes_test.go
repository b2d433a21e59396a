package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// Notes of a record through the typed calls: add, list, update, delete, and Zoho's refusal of a
// note with neither title nor content.
func TestNotes(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		lead, err := c.InsertRecord(ctx, "Leads", client.Record{"Last_Name": "Lovelace"})
		if err != nil {
			t.Fatal(err)
		}
		first, err := c.AddNote(ctx, "Leads", lead, client.Note{Title: "Call", Content: "Call back on Monday"})
		if err != nil || first == "" {
			t.Fatalf("AddNote = %q, %v", first, err)
		}
		res, err := c.AddNotes(ctx, "Leads", lead, client.Note{Content: "Only content"}, client.Note{})
		var itemsErr *client.ItemsError
		if !errors.As(err, &itemsErr) || res.StatusCode != 207 || len(res.Items) != 2 || res.Items[0].ID() == "" ||
			res.Items[1].Code != "EXPECTED_FIELD_MISSING" {
			t.Fatalf("AddNotes = %+v, %v", res, err)
		}
		page, err := c.Notes(ctx, "Leads", lead, &client.ListOptions{Fields: []string{"Note_Title", "Note_Content", "Parent_Id"}})
		if err != nil || len(page.Data) != 2 {
			t.Fatalf("Notes = %+v, %v", page, err)
		}
		if _, err := c.UpdateNote(ctx, first, client.Note{Title: "Called"}); err != nil {
			t.Fatal(err)
		}
		n, err := c.Record(ctx, "Notes", first, "Note_Title", "Note_Content")
		if err != nil || n.String("Note_Title") != "Called" || n.String("Note_Content") != "Call back on Monday" {
			t.Fatalf("note = %v, %v", n, err)
		}
		if _, err := c.DeleteNotes(ctx, first); err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, err := range c.NotesAll(ctx, "Leads", lead, &client.ListOptions{Fields: []string{"Note_Title"}}) {
			if err != nil {
				t.Fatal(err)
			}
			count++
		}
		if count != 1 {
			t.Fatalf("%d notes left, want 1", count)
		}
	})
}
