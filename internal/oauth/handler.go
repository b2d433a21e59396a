package oauth

import (
	"net/http"
)

// Register mounts the accounts endpoints on mux.
func (s *Service) Register(mux *http.ServeMux) {
	// TODO(oauth): token, revoke and client-credentials endpoints.
}
