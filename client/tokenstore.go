package client

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Token is an OAuth token set as the accounts server issues it.
type Token struct {
	// AccessToken goes into every CRM call as "Authorization: Zoho-oauthtoken <AccessToken>".
	AccessToken string `json:"access_token"`
	// RefreshToken mints new access tokens; empty for tokens without one (client credentials,
	// a bare access token).
	RefreshToken string `json:"refresh_token,omitempty"`
	// Scope is the granted scopes, space separated.
	Scope string `json:"scope,omitempty"`
	// APIDomain is the API base the token belongs to (Zoho's api_domain, e.g.
	// https://www.zohoapis.eu). Unless the client was built WithFixedAPIDomain, CRM calls go there.
	APIDomain string `json:"api_domain,omitempty"`
	// TokenType is "Bearer" (Zoho's value; the header scheme is still Zoho-oauthtoken).
	TokenType string `json:"token_type,omitempty"`
	// Expiry is when the access token stops working; zero means unknown.
	Expiry time.Time `json:"expiry,omitzero"`
}

// Scopes returns the granted scopes.
func (t *Token) Scopes() []string { return strings.Fields(strings.ReplaceAll(t.Scope, ",", " ")) }

// expired reports whether the access token is missing, or expires within margin of now.
func (t *Token) expired(now time.Time, margin time.Duration) bool {
	if t == nil || t.AccessToken == "" {
		return true
	}
	return !t.Expiry.IsZero() && !now.Add(margin).Before(t.Expiry)
}

// TokenStore keeps a client's token between calls and, for persistent stores, between runs.
// Implementations must be safe for concurrent use. The client calls Save after every exchange and
// refresh and Delete after revoking.
type TokenStore interface {
	// Load returns the stored token, or an error wrapping ErrNoToken when there is none.
	Load(ctx context.Context) (*Token, error)
	// Save replaces the stored token.
	Save(ctx context.Context, tok *Token) error
	// Delete forgets the stored token; deleting nothing is not an error.
	Delete(ctx context.Context) error
}

// MemoryStore is a TokenStore that keeps one token in memory. The zero value is empty and ready.
type MemoryStore struct {
	mu  sync.Mutex
	tok *Token
}

// NewMemoryStore returns a MemoryStore holding tok (which may be nil).
func NewMemoryStore(tok *Token) *MemoryStore {
	s := &MemoryStore{}
	if tok != nil {
		c := *tok
		s.tok = &c
	}
	return s
}

// Load returns a copy of the token, or ErrNoToken.
func (s *MemoryStore) Load(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == nil {
		return nil, ErrNoToken
	}
	c := *s.tok
	return &c, nil
}

// Save stores a copy of tok.
func (s *MemoryStore) Save(ctx context.Context, tok *Token) error {
	c := *tok
	s.mu.Lock()
	s.tok = &c
	s.mu.Unlock()
	return nil
}

// Delete forgets the token.
func (s *MemoryStore) Delete(ctx context.Context) error {
	s.mu.Lock()
	s.tok = nil
	s.mu.Unlock()
	return nil
}

// FileStore is a TokenStore that keeps one token as JSON in a file readable only by its owner
// (mode 0600). Saves are atomic (write to a temporary file, then rename), so a crash never leaves
// half a token. It is safe for concurrent use within a process; processes sharing one file each
// refresh on their own, which Zoho allows (several live access tokens per refresh token).
type FileStore struct {
	path string
	mu   sync.Mutex
}

// NewFileStore returns a FileStore at path. The file and its directory are created on first Save.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Path returns the file's path.
func (s *FileStore) Path() string { return s.path }

// Load reads the token; a missing or empty file is ErrNoToken.
func (s *FileStore) Load(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(strings.TrimSpace(string(b))) == 0) {
		return nil, ErrNoToken
	}
	if err != nil {
		return nil, err
	}
	var t Token
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, errors.Join(ErrNoToken, err)
	}
	return &t, nil
}

// Save writes tok atomically with mode 0600.
func (s *FileStore) Save(ctx context.Context, tok *Token) error {
	b, err := json.MarshalIndent(tok, "", "  ")
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".zcrm-token-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(append(b, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, s.path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Delete removes the file; a missing file is not an error.
func (s *FileStore) Delete(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
