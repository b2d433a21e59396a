package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// Snapshots: the whole state of the database as one JSON document, ids preserved, and back.
//
//	{"zcrm_snapshot":1,"next_id":…,"tables":{"orgs":[{"id":…,"name":…,…},…],…}}
//
// Every table of zcrm's data is listed in snapshotTables with its columns (the document's keys, in
// this order); rows are ordered by primary key (integers numerically, text byte-wise, the same on
// both databases), one row a line, so that export → import → export is byte-identical and a diff
// of two snapshots reads. Integer columns (booleans 0/1, unix-ms times, ids) are JSON numbers,
// text columns (JSON documents stored as TEXT included) JSON strings, NULL is null. next_id is the
// next id the store hands out. Not in a snapshot: org_versions (cache bookkeeping: an import gives
// every org a version no cache has seen, from cache_epoch), the request journal, schema_migrations,
// the control plane's state (the clock and fault rules: control, fault_rules), and the database's
// page-token key (page_token_key: tokens last a day and stay with the database that signed them).

// SnapshotVersion is the format version a snapshot document carries as "zcrm_snapshot".
const SnapshotVersion = 1

// snapshotColumn is one column of a snapshot table.
type snapshotColumn struct {
	name     string
	text     bool   // TEXT; otherwise an integer (BIGINT or INTEGER)
	nullable bool   // may be NULL
	ref      string // the table whose id this column holds (a foreign key), "" when none
	id       bool   // an id allocated by the store (below next_id)
}

// snapshotTable is one table of a snapshot: its columns and how many of the first make its key.
type snapshotTable struct {
	name string
	cols []snapshotColumn
	key  int
}

func intCol(name string) snapshotColumn  { return snapshotColumn{name: name} }
func textCol(name string) snapshotColumn { return snapshotColumn{name: name, text: true} }
func idCol(name string) snapshotColumn   { return snapshotColumn{name: name, id: true} }
func refCol(name, table string) snapshotColumn {
	return snapshotColumn{name: name, ref: table}
}
func nullInt(name string) snapshotColumn { return snapshotColumn{name: name, nullable: true} }
func nullText(name string) snapshotColumn {
	return snapshotColumn{name: name, text: true, nullable: true}
}

// snapshotTables are the tables of a snapshot, parents before their children (the order rows are
// inserted in and the document's order); each table's key columns come first.
var snapshotTables = []snapshotTable{
	{"orgs", []snapshotColumn{idCol("id"), textCol("name"), textCol("edition"), intCol("zgid"), intCol("is_default"), intCol("created_time")}, 1},
	{"profiles", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("name"), intCol("is_admin"), textCol("denied")}, 1},
	{"users", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("email"), textCol("first_name"), textCol("last_name"), refCol("profile_id", "profiles"), textCol("status"), intCol("created_time")}, 1},
	{"module_sharing", []snapshotColumn{refCol("org_id", "orgs"), textCol("module"), textCol("access")}, 2},
	{"custom_modules", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("api_name"), textCol("api_name_key"), textCol("singular"), textCol("plural"), intCol("created_by"), intCol("created_time")}, 1},
	{"metadata_ids", []snapshotColumn{refCol("org_id", "orgs"), textCol("key"), intCol("id")}, 2},
	{"records", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("module"), intCol("owner_id"), intCol("created_by"), intCol("modified_by"), intCol("created_time"), intCol("modified_time"), textCol("data")}, 1},
	{"deleted_records", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("module"), intCol("owner_id"), intCol("created_by"), intCol("modified_by"), intCol("created_time"), intCol("modified_time"), nullText("data"), intCol("deleted_by"), intCol("deleted_time")}, 1},
	{"relations", []snapshotColumn{refCol("org_id", "orgs"), textCol("kind"), intCol("a_id"), intCol("b_id"), textCol("data"), intCol("created_time")}, 4},
	{"contact_roles", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("name"), textCol("name_key"), intCol("sequence_number")}, 1},
	{"deal_contact_roles", []snapshotColumn{refCol("org_id", "orgs"), intCol("deal_id"), intCol("contact_id"), intCol("role_id"), intCol("created_time"), nullInt("removed_time")}, 3},
	{"custom_views", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("module"), textCol("name"), textCol("name_key"), textCol("criteria"), textCol("fields"), nullText("sort_by"), nullText("sort_order"), intCol("created_by"), intCol("created_time")}, 1},
	{"cadences", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), textCol("name"), textCol("name_key"), textCol("module"), textCol("type"), nullInt("custom_view_id"), nullText("description"), nullText("execution_details"), textCol("follow_ups"), intCol("active"), intCol("published"), nullInt("draft_of"), intCol("created_by"), intCol("modified_by"), intCol("created_time"), intCol("modified_time")}, 1},
	{"enrollments", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), intCol("cadence_id"), textCol("cadence_name"), textCol("module"), intCol("record_id"), intCol("enrolled_time"), intCol("enrolled_by"), nullInt("ended_time"), nullInt("ended_by"), nullText("end_reason")}, 1},
	{"cadence_steps", []snapshotColumn{intCol("enrollment_id"), textCol("follow_up_id"), refCol("org_id", "orgs"), intCol("cadence_id"), intCol("record_id"), textCol("state"), intCol("due_ms"), nullInt("parent_result"), nullInt("result_id"), nullInt("executed_ms"), nullText("error")}, 2},
	{"cadence_messages", []snapshotColumn{idCol("id"), refCol("org_id", "orgs"), intCol("enrollment_id"), intCol("cadence_id"), textCol("follow_up_id"), textCol("module"), intCol("record_id"), textCol("channel"), textCol("to_addr"), textCol("subject"), textCol("body"), intCol("sent_ms"), nullInt("replied_ms"), textCol("delivery")}, 1},
	{"oauth_clients", []snapshotColumn{idCol("id"), textCol("client_id"), textCol("secret_hash"), textCol("name"), intCol("created_time"), textCol("redirect_uris")}, 1},
	{"oauth_client_orgs", []snapshotColumn{refCol("client_pk", "oauth_clients"), refCol("org_id", "orgs")}, 2},
	{"oauth_grants", []snapshotColumn{textCol("code_hash"), refCol("client_pk", "oauth_clients"), refCol("org_id", "orgs"), refCol("user_id", "users"), textCol("scopes"), intCol("created_time"), intCol("expires_at"), intCol("used"), textCol("redirect_uri"), intCol("online")}, 1},
	{"oauth_refresh_tokens", []snapshotColumn{idCol("id"), textCol("token_hash"), refCol("client_pk", "oauth_clients"), refCol("org_id", "orgs"), refCol("user_id", "users"), textCol("scopes"), intCol("created_time")}, 1},
	{"oauth_access_tokens", []snapshotColumn{idCol("id"), textCol("token_hash"), nullInt("refresh_id"), nullInt("client_pk"), refCol("org_id", "orgs"), refCol("user_id", "users"), textCol("scopes"), intCol("created_time"), intCol("expires_at")}, 1},
}

// snapshotRow is one row: an int64, a string or nil per column.
type snapshotRow []any

// SnapshotError is an invalid snapshot document: the JSON path of the offending value and what is
// wrong with it. Nothing was changed.
type SnapshotError struct {
	Path    string
	Message string
}

func (e *SnapshotError) Error() string { return e.Path + ": " + e.Message }

// SnapshotSummary counts what a snapshot holds.
type SnapshotSummary struct {
	Orgs    int `json:"orgs"`
	Users   int `json:"users"`
	Records int `json:"records"`
	Rows    int `json:"rows"` // of every table
}

func summarize[R any](tables map[string][]R) SnapshotSummary {
	s := SnapshotSummary{Orgs: len(tables["orgs"]), Users: len(tables["users"]), Records: len(tables["records"])}
	for _, rows := range tables {
		s.Rows += len(rows)
	}
	return s
}

// Snapshot returns the whole state of the database as a snapshot document, read in one read
// transaction.
func (db *DB) Snapshot(ctx context.Context) ([]byte, SnapshotSummary, error) {
	tables := map[string][]snapshotRow{}
	var next int64
	err := db.Read(ctx, func(tx crm.Tx) error {
		t := tx.(*Tx)
		clear(tables)
		for _, st := range snapshotTables {
			rows, err := t.dumpTable(ctx, st)
			if err != nil {
				return err
			}
			tables[st.name] = rows
		}
		var err error
		next, err = t.nextID(ctx)
		return err
	})
	if err != nil {
		return nil, SnapshotSummary{}, err
	}
	return encodeSnapshot(next, tables), summarize(tables), nil
}

// Restore replaces the whole state of the database with a snapshot document, in one write
// transaction, after validating all of it (a *SnapshotError, nothing changed, when it is invalid).
// Every org gets a cache version no process has seen, so no cached answer outlives the import.
func (db *DB) Restore(ctx context.Context, doc []byte) (SnapshotSummary, error) {
	next, tables, err := decodeSnapshot(doc)
	if err != nil {
		return SnapshotSummary{}, err
	}
	err = db.Write(ctx, func(tx crm.Tx) error {
		t := tx.(*Tx)
		if err := t.DeleteAllData(ctx); err != nil {
			return err
		}
		for _, st := range snapshotTables {
			if err := t.loadTable(ctx, st, tables[st.name]); err != nil {
				return err
			}
		}
		var epoch int64
		if err := t.queryRow(ctx, `UPDATE cache_epoch SET value = value + 1 WHERE id = 1 RETURNING value`).Scan(&epoch); err != nil {
			return fmt.Errorf("advance cache epoch: %w", err)
		}
		for _, org := range tables["orgs"] {
			if _, err := t.exec(ctx, `INSERT INTO org_versions (org_id, version) VALUES (?, ?)`, org.row[0], epoch<<40); err != nil {
				return fmt.Errorf("org version: %w", err)
			}
		}
		clear(t.versions)
		return t.setNextID(ctx, next)
	})
	if err != nil {
		return SnapshotSummary{}, err
	}
	return summarize(tables), nil
}

func columnList(st snapshotTable) string {
	names := make([]string, len(st.cols))
	for i, c := range st.cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// dumpTable reads every row of a table, ordered by key.
func (t *Tx) dumpTable(ctx context.Context, st snapshotTable) ([]snapshotRow, error) {
	rows, err := t.query(ctx, `SELECT `+columnList(st)+` FROM `+st.name)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", st.name, err)
	}
	defer rows.Close()
	var out []snapshotRow
	for rows.Next() {
		ints := make([]sql.NullInt64, len(st.cols))
		texts := make([]sql.NullString, len(st.cols))
		dest := make([]any, len(st.cols))
		for i, c := range st.cols {
			if c.text {
				dest[i] = &texts[i]
			} else {
				dest[i] = &ints[i]
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", st.name, err)
		}
		row := make(snapshotRow, len(st.cols))
		for i, c := range st.cols {
			switch {
			case c.text && texts[i].Valid:
				row[i] = texts[i].String
			case !c.text && ints[i].Valid:
				row[i] = ints[i].Int64
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", st.name, err)
	}
	slices.SortFunc(out, func(a, b snapshotRow) int { return compareKeys(st, a, b) })
	return out, nil
}

// compareKeys orders two rows of st by key: integers numerically, text byte-wise.
func compareKeys(st snapshotTable, a, b snapshotRow) int {
	for i := range st.key {
		var c int
		if st.cols[i].text {
			c = strings.Compare(a[i].(string), b[i].(string))
		} else {
			c = cmp.Compare(a[i].(int64), b[i].(int64))
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// loadTable inserts the rows of a table; a row the database refuses (a duplicate of a unique
// column) is a *SnapshotError naming it.
func (t *Tx) loadTable(ctx context.Context, st snapshotTable, rows []indexedRow) error {
	q := `INSERT INTO ` + st.name + ` (` + columnList(st) + `) VALUES (` + placeholders(len(st.cols)) + `)`
	for _, r := range rows {
		if _, err := t.exec(ctx, q, r.row...); err != nil {
			if isUniqueViolation(err) {
				return &SnapshotError{Path: fmt.Sprintf("$.tables.%s[%d]", st.name, r.index), Message: "repeats a value that must be unique in " + st.name}
			}
			return fmt.Errorf("restore %s: %w", st.name, err)
		}
	}
	return nil
}

// nextID returns the next id the store hands out.
func (t *Tx) nextID(ctx context.Context) (int64, error) {
	if t.db.dialect == Postgres {
		var last int64
		var called bool
		if err := t.queryRow(ctx, `SELECT last_value, is_called FROM zcrm_ids`).Scan(&last, &called); err != nil {
			return 0, fmt.Errorf("read id sequence: %w", err)
		}
		if called {
			last++
		}
		return last, nil
	}
	var last int64
	if err := t.queryRow(ctx, `SELECT value FROM id_counter WHERE name = 'ids'`).Scan(&last); err != nil {
		return 0, fmt.Errorf("read id counter: %w", err)
	}
	return last + 1, nil
}

// setNextID makes next the next id the store hands out.
func (t *Tx) setNextID(ctx context.Context, next int64) error {
	if t.db.dialect == Postgres {
		// setval is not transactional: it runs last, after every statement that could fail.
		if _, err := t.exec(ctx, `SELECT setval('zcrm_ids', ?, false)`, next); err != nil {
			return fmt.Errorf("set id sequence: %w", err)
		}
		return nil
	}
	if _, err := t.exec(ctx, `UPDATE id_counter SET value = ? WHERE name = 'ids'`, next-1); err != nil {
		return fmt.Errorf("set id counter: %w", err)
	}
	return nil
}

// encodeSnapshot writes the document: fixed key order, one row a line.
func encodeSnapshot(next int64, tables map[string][]snapshotRow) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\"zcrm_snapshot\":%d,\"next_id\":%d,\"tables\":{", SnapshotVersion, next)
	for ti, st := range snapshotTables {
		if ti > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n%q:[", st.name)
		for ri, row := range tables[st.name] {
			if ri > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n{")
			for ci, c := range st.cols {
				if ci > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%q:", c.name)
				switch v := row[ci].(type) {
				case nil:
					b.WriteString("null")
				case int64:
					b.WriteString(strconv.FormatInt(v, 10))
				case string:
					s, _ := json.Marshal(v) // a string always encodes
					b.Write(s)
				}
			}
			b.WriteByte('}')
		}
		b.WriteString("]")
	}
	b.WriteString("\n}}\n")
	return b.Bytes()
}

// indexedRow is a row of a document with its index in its table's array.
type indexedRow struct {
	index int
	row   snapshotRow
}

// decodeSnapshot parses and validates a whole document: its format version, next_id, every table
// and column by name, every value's type and nullness, duplicate keys, references to orgs, users,
// profiles and OAuth clients, and ids below next_id. Rows come back ordered by key.
func decodeSnapshot(doc []byte) (int64, map[string][]indexedRow, error) {
	invalid := func(path, format string, args ...any) error {
		return &SnapshotError{Path: path, Message: fmt.Sprintf(format, args...)}
	}
	var top map[string]json.RawMessage
	if err := unmarshal(doc, &top); err != nil || top == nil {
		return 0, nil, invalid("$", "a snapshot is a JSON object (%v)", errOr(err, "null"))
	}
	for k := range top {
		if k != "zcrm_snapshot" && k != "next_id" && k != "tables" {
			return 0, nil, invalid("$."+k, "unknown key; a snapshot has zcrm_snapshot, next_id and tables")
		}
	}
	version, ok := jsonInt(top["zcrm_snapshot"])
	if !ok || version != SnapshotVersion {
		return 0, nil, invalid("$.zcrm_snapshot", "must be %d, the snapshot format this zcrm reads", SnapshotVersion)
	}
	next, ok := jsonInt(top["next_id"])
	if !ok || next < 1 {
		return 0, nil, invalid("$.next_id", "must be a positive integer")
	}
	var raw map[string]json.RawMessage
	if err := unmarshal(top["tables"], &raw); err != nil || raw == nil {
		return 0, nil, invalid("$.tables", "must be an object of tables")
	}
	known := map[string]bool{}
	for _, st := range snapshotTables {
		known[st.name] = true
	}
	for _, name := range sortedKeys(raw) {
		if !known[name] {
			return 0, nil, invalid("$.tables."+name, "unknown table")
		}
	}
	tables := map[string][]indexedRow{}
	ids := map[string]map[int64]bool{} // table → its "id" values, for references
	for _, st := range snapshotTables {
		tpath := "$.tables." + st.name
		var rows []json.RawMessage
		if r, ok := raw[st.name]; ok {
			if err := unmarshal(r, &rows); err != nil || rows == nil {
				return 0, nil, invalid(tpath, "must be an array of rows")
			}
		}
		ids[st.name] = map[int64]bool{}
		out := make([]indexedRow, 0, len(rows))
		for i, r := range rows {
			rpath := fmt.Sprintf("%s[%d]", tpath, i)
			var obj map[string]json.RawMessage
			if err := unmarshal(r, &obj); err != nil || obj == nil {
				return 0, nil, invalid(rpath, "must be an object of columns")
			}
			cols := map[string]bool{}
			row := make(snapshotRow, len(st.cols))
			for ci, c := range st.cols {
				cols[c.name] = true
				cpath := rpath + "." + c.name
				v, present := obj[c.name]
				if !present {
					return 0, nil, invalid(cpath, "missing column")
				}
				switch {
				case string(v) == "null":
					if !c.nullable {
						return 0, nil, invalid(cpath, "must not be null")
					}
				case c.text:
					var s string
					if err := unmarshal(v, &s); err != nil {
						return 0, nil, invalid(cpath, "must be a string")
					}
					row[ci] = s
				default:
					n, ok := jsonInt(v)
					if !ok {
						return 0, nil, invalid(cpath, "must be an integer")
					}
					if c.id && n >= next {
						return 0, nil, invalid(cpath, "id %d is not below next_id %d", n, next)
					}
					row[ci] = n
				}
			}
			for _, name := range sortedKeys(obj) {
				if !cols[name] {
					return 0, nil, invalid(rpath+"."+name, "unknown column of %s", st.name)
				}
			}
			for ci, c := range st.cols {
				if c.ref != "" && row[ci] != nil && !ids[c.ref][row[ci].(int64)] {
					return 0, nil, invalid(rpath+"."+c.name, "%d is not the id of a row of %s", row[ci], c.ref)
				}
			}
			if st.cols[0].name == "id" {
				ids[st.name][row[0].(int64)] = true
			}
			out = append(out, indexedRow{index: i, row: row})
		}
		slices.SortStableFunc(out, func(a, b indexedRow) int { return compareKeys(st, a.row, b.row) })
		for i := 1; i < len(out); i++ {
			if compareKeys(st, out[i-1].row, out[i].row) == 0 {
				return 0, nil, invalid(fmt.Sprintf("%s[%d]", tpath, out[i].index), "has the same key as %s[%d]", tpath, out[i-1].index)
			}
		}
		tables[st.name] = out
	}
	return next, tables, nil
}

// unmarshal decodes one JSON value, keeping numbers exact.
func unmarshal(data []byte, v any) error {
	if len(data) == 0 {
		return errors.New("missing")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// jsonInt reads a JSON integer (a number, not a string; no fraction, no exponent) that fits an int64.
func jsonInt(v json.RawMessage) (int64, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return 0, false
	}
	var n json.Number
	if unmarshal(v, &n) != nil {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	return i, err == nil
}

func errOr(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// sortedKeys returns a map's keys in order, so the first problem reported is always the same.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
