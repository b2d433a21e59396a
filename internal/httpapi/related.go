package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// TODO(related): every handler below answers INVALID_URL_PATTERN until its feature lands.

func (s *Server) listRelated(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) linkRelated(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) delinkRelated(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getRelated(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) linkRelatedOne(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) delinkRelatedOne(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}
