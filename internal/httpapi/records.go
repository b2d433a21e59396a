package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// TODO(records): every handler below answers INVALID_URL_PATTERN until its feature lands.

func (s *Server) listRecords(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) insertRecords(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) updateRecords(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteRecords(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getRecord(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) updateRecord(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteRecord(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}
