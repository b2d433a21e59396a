package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// TODO(cadences): every handler below answers INVALID_URL_PATTERN until its feature lands.

func (s *Server) listCadences(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) createCadences(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) updateCadences(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getCadence(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) updateCadence(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteCadence(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) cadenceAction(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) enrolInCadences(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) unenrolFromCadences(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}
