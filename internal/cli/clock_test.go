package cli_test

import (
	"context"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// The clock lives in the database: a token `zcrm token` mints after a server moved the clock to
// 2030 is valid in 2030 and expires an hour later, on the server's clock.
func TestTokenOnTheDatabaseClock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		s := serve(t, dsn)
		svc := &admin.Service{Store: s.db}
		at := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
		if _, err := svc.SetClock(context.Background(), &at, true); err != nil {
			t.Fatal(err)
		}
		access := str(t, ok(t, dsn, "token", "--scope", "ZohoCRM.org.ALL"), "access_token")
		if code, body := s.crmStatus(access); code != 200 {
			t.Fatalf("a token minted in 2030, used in 2030: %d %s", code, body)
		}
		if _, err := svc.AdvanceClock(context.Background(), time.Hour); err != nil {
			t.Fatal(err)
		}
		if code, body := s.crmStatus(access); code != 401 {
			t.Fatalf("an hour later: %d %s, want 401", code, body)
		}
	})
}
