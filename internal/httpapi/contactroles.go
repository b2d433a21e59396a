package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// TODO(contactroles): every handler below answers INVALID_URL_PATTERN until its feature lands.

func (s *Server) listContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) createContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) updateContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getContactRole(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) updateContactRole(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteContactRole(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) listDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) putDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) getDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) putDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}

func (s *Server) deleteDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return 0, nil, crm.ErrURLPattern()
}
