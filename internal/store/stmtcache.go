package store

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	sqlite "github.com/ncruces/go-sqlite3/driver"
)

// SQLite statement cache. database/sql prepares every statement it runs with arguments and
// finalizes it afterwards, and neither it nor the SQLite driver keeps prepared statements, so the
// same text would be parsed and planned again on every call (a large share of a write's CPU:
// BENCHMARKS.md). cachingConn keeps each connection's prepared statements by query text; database/sql
// still "closes" them after use, which resets them and hands them back. (pgx caches statements on
// PostgreSQL by itself.)

// stmtCacheSize bounds the statements kept per connection. Texts with IN lists of different
// lengths are different statements, so the bound matters; the least recently used goes first.
const stmtCacheSize = 256

// openSQLiteDB opens a database/sql handle on the SQLite driver whose connections cache statements.
func openSQLiteDB(dsn string) (*sql.DB, error) {
	c, err := (&sqlite.SQLite{}).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{c}), nil
}

type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("store: the SQLite driver's connection lacks an interface the statement cache needs")
	}
	return &cachingConn{sqliteConn: inner, byQuery: map[string]*list.Element{}, lru: list.New()}, nil
}

// sqliteConn is what the SQLite driver's connection implements and database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.NamedValueChecker
}

// driverStmt is what the SQLite driver's statement implements, plus the reset its embedded
// sqlite3.Stmt provides.
type driverStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
	Reset() error
	ClearBindings() error
}

// cachingConn is one SQLite connection with its statements. database/sql uses a connection from one
// goroutine at a time, so it needs no lock.
type cachingConn struct {
	sqliteConn
	byQuery map[string]*list.Element // query text → element of lru holding a *cachedStmt
	lru     *list.List               // front: most recently prepared or reused
}

// PrepareContext returns the cached statement for query when it is idle, else prepares it. A
// statement already in use (a query run again while its rows are open) is prepared afresh and not
// cached.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if e, ok := c.byQuery[query]; ok {
		s := e.Value.(*cachedStmt)
		if s.inUse {
			return c.sqliteConn.PrepareContext(ctx, query)
		}
		c.lru.MoveToFront(e)
		s.inUse = true
		return s, nil
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	ds, ok := st.(driverStmt)
	if !ok {
		return st, nil
	}
	s := &cachedStmt{driverStmt: ds, query: query, inUse: true}
	c.byQuery[query] = c.lru.PushFront(s)
	for c.lru.Len() > stmtCacheSize {
		if !c.evictOne() {
			break
		}
	}
	return s, nil
}

// Prepare is PrepareContext without a context.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// evictOne finalizes the least recently used idle statement; false when every one is in use.
func (c *cachingConn) evictOne() bool {
	for e := c.lru.Back(); e != nil; e = e.Prev() {
		s := e.Value.(*cachedStmt)
		if s.inUse {
			continue
		}
		c.lru.Remove(e)
		delete(c.byQuery, s.query)
		s.driverStmt.Close()
		return true
	}
	return false
}

// Close finalizes the cached statements, then closes the connection (SQLite refuses to close a
// connection with live statements).
func (c *cachingConn) Close() error {
	var errs []error
	for e := c.lru.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cachedStmt).driverStmt.Close())
	}
	c.lru.Init()
	clear(c.byQuery)
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// cachedStmt is a prepared statement that goes back to its connection's cache when closed.
type cachedStmt struct {
	driverStmt
	query string
	inUse bool
}

// Close resets the statement (releasing any read it holds) and marks it idle; it stays prepared.
func (s *cachedStmt) Close() error {
	s.inUse = false
	return errors.Join(s.Reset(), s.ClearBindings())
}
