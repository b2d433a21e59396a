package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// TODO(metadata): every handler below answers INVALID_URL_PATTERN until its feature lands.

func (s *Server) getOrg(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) listUsers(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getUser(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) listModules(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getModule(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) listFields(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) listRelatedLists(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) listCustomViews(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}
