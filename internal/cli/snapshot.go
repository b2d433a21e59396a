package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/store"
)

// snapshotAnswer is what zcrm export and zcrm import print: the file and what its snapshot holds.
type snapshotAnswer struct {
	File string `json:"file"`
	store.SnapshotSummary
}

// fileArg takes the FILE of zcrm export|import FILE [--db …] and parses the flags after it.
func fileArg(e env, name string, args []string) (file, dsn string, err error) {
	fs := flags(e, name, &dsn)
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return "", "", err
	}
	if file == "" {
		return "", "", errors.New("usage: zcrm " + name + " FILE [--db …]")
	}
	return file, dsn, nil
}

// snapshotCommand runs zcrm export|import FILE [--db …]: op on the database, then its answer.
func snapshotCommand(ctx context.Context, e env, name string, args []string, op func(svc *admin.Service, file string) (store.SnapshotSummary, error)) error {
	file, dsn, err := fileArg(e, name, args)
	if err != nil {
		return err
	}
	svc, _, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	sum, err := op(svc, file)
	if err != nil {
		return err
	}
	return printJSON(e, snapshotAnswer{file, sum})
}

// runExport is GET /__zcrm/snapshot on a database: zcrm export FILE writes the snapshot to a
// temporary file next to FILE and renames it over FILE once it is complete and synced, so an old
// FILE is never lost to a failed export.
func runExport(ctx context.Context, e env, args []string) error {
	return snapshotCommand(ctx, e, "export", args, func(svc *admin.Service, file string) (store.SnapshotSummary, error) {
		doc, sum, err := svc.Snapshot(ctx)
		if err == nil {
			err = writeAtomically(file, doc)
		}
		return sum, err
	})
}

// writeAtomically writes data to a temporary file in file's directory, syncs it and renames it
// over file; on any failure the temporary file is removed and file is left as it was.
func writeAtomically(file string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// runImport is PUT /__zcrm/snapshot on a database: zcrm import FILE replaces the whole state with
// the snapshot in FILE in one transaction (an invalid one fails naming its JSON path and changes
// nothing).
func runImport(ctx context.Context, e env, args []string) error {
	return snapshotCommand(ctx, e, "import", args, func(svc *admin.Service, file string) (store.SnapshotSummary, error) {
		doc, err := os.ReadFile(file)
		if err != nil {
			return store.SnapshotSummary{}, err
		}
		return svc.Restore(ctx, doc)
	})
}
