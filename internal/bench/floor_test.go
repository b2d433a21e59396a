package bench

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// The floor answers a timed step with what zcrm answered to it, after running the step's
// transaction; it fails the call when the transaction fails or zcrm has not answered yet.
func TestFloorAnswersZcrmsBytesAfterTheTransaction(t *testing.T) {
	f, err := startFloor()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	r := &sizeRun{floor: f, api: target{client: newClient(1)}}
	ran, fail := 0, false
	ceil := func(int) []step {
		return []step{
			{"delink-100", func(context.Context) error {
				ran++
				if fail {
					return errors.New("constraint failed")
				}
				return nil
			}},
			{"", func(context.Context) error { t.Error("the untimed re-setup went through the floor"); return nil }},
		}
	}
	timed := r.floorLoop(ceil)(0)[0]
	if err := timed.do(context.Background()); !errors.Is(err, errNoExchange) {
		t.Fatalf("before zcrm answered: %v, want errNoExchange", err)
	}

	// zcrm's exchange, recorded as the scenario loop records it.
	zcrm := &captured{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, body: []byte(`{"data":[{"code":"SUCCESS"}]}`)}
	api := f.recorded(func(int) []step {
		return []step{{"delink-100", func(ctx context.Context) error {
			record(ctx, http.MethodDelete, "/crm/v8/Campaigns/1/Contacts?ids=2,3", nil, zcrm)
			return nil
		}}}
	})(0)
	if err := api[0].do(context.Background()); err != nil {
		t.Fatal(err)
	}

	got, err := (&target{client: r.api.client, base: f.base}).fetch(context.Background(), http.MethodDelete, "/floor/0/crm/v8/Campaigns/1/Contacts?ids=2,3", nil, http.StatusOK)
	if err != nil {
		t.Fatal(err)
	}
	if ran != 1 || string(got.body) != string(zcrm.body) || got.header.Get("Content-Type") != "application/json;charset=UTF-8" {
		t.Fatalf("ran %d, answered %q (%s), want one transaction and zcrm's bytes", ran, got.body, got.header.Get("Content-Type"))
	}
	if err := timed.do(context.Background()); err != nil || ran != 2 {
		t.Fatalf("floor step: %v after %d transactions", err, ran)
	}
	fail = true
	if err := timed.do(context.Background()); err == nil || !strings.Contains(err.Error(), "constraint failed") {
		t.Fatalf("failing transaction: %v, want its error", err)
	}
}
