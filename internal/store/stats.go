package store

import (
	"database/sql"
	"io/fs"
	"strconv"
	"strings"
	"sync"
)

// PoolStats is one database/sql connection pool's statistics, named for metrics.
type PoolStats struct {
	// Pool names the handle: "sqlite_write" (SQLite's single writer connection), "sqlite_read"
	// (SQLite's reader pool) or "postgres" (PostgreSQL's one pool, for reads and writes).
	Pool string
	sql.DBStats
}

// PoolStats returns the statistics of the store's connection pools: two on SQLite (the writer and
// the readers), one on PostgreSQL.
func (db *DB) PoolStats() []PoolStats {
	if db.dialect == Postgres {
		return []PoolStats{{Pool: "postgres", DBStats: db.write.Stats()}}
	}
	return []PoolStats{{Pool: "sqlite_write", DBStats: db.write.Stats()}, {Pool: "sqlite_read", DBStats: db.read.Stats()}}
}

// KnownSchemaVersion returns the highest migration version this build carries: a database whose
// SchemaVersion reads less is not fully migrated for it.
func KnownSchemaVersion() int { return knownSchemaVersion() }

var knownSchemaVersion = sync.OnceValue(func() int {
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	known := 0
	for _, f := range files {
		if v, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(f, "migrations/"), "_", 2)[0]); err == nil {
			known = max(known, v)
		}
	}
	return known
})
