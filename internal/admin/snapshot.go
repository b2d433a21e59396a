package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/zcrm/zcrm/internal/store"
)

// Snapshots: GET /__zcrm/snapshot answers the whole state of the database as one JSON document
// (store.DB.Snapshot: one read transaction, ids preserved, deterministic); PUT /__zcrm/snapshot
// validates a document and replaces the whole state with it in one write transaction
// (store.DB.Restore). zcrm export / import and zcrmtest's Snapshot / Restore do the same.

// snapshotStore is the store a Service takes snapshots of (*store.DB).
type snapshotStore interface {
	Snapshot(ctx context.Context) ([]byte, store.SnapshotSummary, error)
	Restore(ctx context.Context, doc []byte) (store.SnapshotSummary, error)
}

// errNoSnapshots is the answer of a Service whose store cannot take snapshots.
var errNoSnapshots = errors.New("admin: the store cannot take snapshots")

// Snapshot returns the whole state of the database as a snapshot document, read in one
// transaction, and what it holds.
func (s *Service) Snapshot(ctx context.Context) ([]byte, store.SnapshotSummary, error) {
	st, ok := s.Store.(snapshotStore)
	if !ok {
		return nil, store.SnapshotSummary{}, errNoSnapshots
	}
	return st.Snapshot(ctx)
}

// Restore validates a snapshot document and replaces the whole state of the database with it in
// one transaction; an invalid document is a *store.SnapshotError and changes nothing.
func (s *Service) Restore(ctx context.Context, doc []byte) (store.SnapshotSummary, error) {
	st, ok := s.Store.(snapshotStore)
	if !ok {
		return store.SnapshotSummary{}, errNoSnapshots
	}
	return st.Restore(ctx, doc)
}

// SnapshotErrorBody is the admin API's 400 body for an invalid snapshot:
// {"code":"INVALID_SNAPSHOT","message":…,"path":…}.
func SnapshotErrorBody(e *store.SnapshotError) any {
	return struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Path    string `json:"path"`
	}{"INVALID_SNAPSHOT", e.Message, e.Path}
}

// snapshot answers GET /__zcrm/snapshot.
func (h *handler) snapshot(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	doc, _, err := h.svc.Snapshot(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	return nil
}

// restore answers PUT /__zcrm/snapshot.
func (h *handler) restore(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	doc, err := readBody(r, "a snapshot")
	if err != nil {
		return err
	}
	sum, err := h.svc.Restore(r.Context(), doc)
	var se *store.SnapshotError
	if errors.As(err, &se) {
		writeJSON(w, http.StatusBadRequest, SnapshotErrorBody(se))
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}
