package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/store"
)

// runSeed is POST /__zcrm/seed on a database: zcrm seed FILE applies the fixture in FILE (internal/admin;
// YAML when FILE ends in .yaml or .yml) and prints the same answer, {"refs":{…}}.
func runSeed(ctx context.Context, e env, args []string) error {
	var dsn string
	fs := flags(e, "seed", &dsn)
	var file string // first: zcrm seed FILE [--db …]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if file == "" {
		return errors.New("usage: zcrm seed FILE [--db …]")
	}
	doc, err := readFixture(file)
	if err != nil {
		return err
	}
	svc, _, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	refs, err := svc.Seed(ctx, doc)
	if err != nil {
		return err
	}
	return printJSON(e, admin.SeedAnswer(refs))
}

// seedAtStart is serve --seed: the fixture in file is applied to a database as on first start (one
// org and its Administrator, no record: admin.Service.SeedIfEmpty, judged in the seed's
// transaction), so a restart on the same database keeps what the fixture and the tests did since.
// It says on stderr which happened; no file, nothing.
func seedAtStart(ctx context.Context, e env, db *store.DB, file string) error {
	if file == "" {
		return nil
	}
	doc, err := readFixture(file)
	if err != nil {
		return fmt.Errorf("--seed %s: %w", file, err)
	}
	refs, seeded, err := (&admin.Service{Store: db}).SeedIfEmpty(ctx, doc)
	if err != nil {
		return fmt.Errorf("--seed %s: %w", file, err)
	}
	if !seeded {
		fmt.Fprintf(e.stderr, "not seeded from %s: the database is not empty\n", file)
		return nil
	}
	b, err := json.Marshal(admin.SeedAnswer(refs))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "seeded from %s: %s\n", file, b)
	return nil
}

// readFixture reads a fixture file: YAML when its name ends in .yaml or .yml (turned into the JSON
// document by admin.FixtureFromYAML), JSON otherwise.
func readFixture(file string) ([]byte, error) {
	doc, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".yaml", ".yml":
		return admin.FixtureFromYAML(doc)
	}
	return doc, nil
}
