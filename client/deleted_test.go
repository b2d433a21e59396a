package client_test

import (
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestDeletedRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		p, err := c.DeletedRecords(ctx, "Leads", "", 0, 0)
		if err != nil || len(p.Data) != 0 {
			t.Fatalf("empty bin = %+v, %v", p, err)
		}
		id, err := c.InsertRecord(ctx, "Leads", client.Record{"First_Name": "Ann", "Last_Name": "Gone"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteRecord(ctx, "Leads", id); err != nil {
			t.Fatal(err)
		}
		p, err = c.DeletedRecords(ctx, "Leads", client.DeletedRecycle, 1, 10)
		if err != nil || len(p.Data) != 1 {
			t.Fatalf("recycle bin = %+v, %v", p, err)
		}
		d := p.Data[0]
		if d.ID != id || d.Type != "recycle" || d.DisplayName == nil || *d.DisplayName != "Ann Gone" || d.DeletedBy == nil || d.DeletedTime == "" || p.Info.PerPage != 10 {
			t.Fatalf("entry = %+v, info %+v", d, p.Info)
		}
		// 60 days later it is deleted for good.
		srv.AdvanceClock(61 * 24 * time.Hour)
		p, err = c.DeletedRecords(ctx, "Leads", client.DeletedPermanent, 0, 0)
		if err != nil || len(p.Data) != 1 || p.Data[0].Type != "permanent" || p.Data[0].DisplayName != nil || p.Data[0].DeletedBy != nil {
			t.Fatalf("permanent = %+v, %v", p, err)
		}
		if p, err = c.DeletedRecords(ctx, "Leads", client.DeletedRecycle, 0, 0); err != nil || len(p.Data) != 0 {
			t.Fatalf("recycle bin after 60 days = %+v, %v", p, err)
		}
	})
}
