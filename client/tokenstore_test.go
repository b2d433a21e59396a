package client_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
)

func testStore(t *testing.T, s client.TokenStore) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.Load(ctx); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("empty store Load = %v, want ErrNoToken", err)
	}
	tok := &client.Token{AccessToken: "1000.a.b", RefreshToken: "1000.c.d", Scope: "ZohoCRM.modules.ALL ZohoCRM.org.READ",
		APIDomain: "https://www.zohoapis.eu", TokenType: "Bearer", Expiry: time.Date(2024, 7, 17, 21, 0, 0, 0, time.UTC)}
	if err := s.Save(ctx, tok); err != nil {
		t.Fatal(err)
	}
	tok.AccessToken = "changed after save"
	got, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != "1000.a.b" || got.RefreshToken != "1000.c.d" || got.APIDomain != "https://www.zohoapis.eu" ||
		!got.Expiry.Equal(time.Date(2024, 7, 17, 21, 0, 0, 0, time.UTC)) || len(got.Scopes()) != 2 {
		t.Fatalf("Load = %+v", got)
	}
	if err := s.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx); err != nil {
		t.Fatalf("second Delete = %v, want nil", err)
	}
	if _, err := s.Load(ctx); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("Load after Delete = %v, want ErrNoToken", err)
	}
}

func TestMemoryStore(t *testing.T) { testStore(t, &client.MemoryStore{}) }

func TestFileStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens", "zoho.json")
	s := client.NewFileStore(path)
	testStore(t, s)
	if err := s.Save(t.Context(), &client.Token{AccessToken: "x"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, want 0600", fi.Mode().Perm())
	}
	// A second store on the same file sees the token (another run of the program).
	got, err := client.NewFileStore(path).Load(t.Context())
	if err != nil || got.AccessToken != "x" {
		t.Fatalf("reload = %+v, %v", got, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".zcrm-token-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
