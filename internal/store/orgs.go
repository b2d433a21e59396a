package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// InsertOrg stores a new org.
func (t *Tx) InsertOrg(ctx context.Context, o crm.Org) error {
	_, err := t.exec(ctx, `INSERT INTO orgs (id, name, edition, zgid, is_default, created_time) VALUES (?, ?, ?, ?, ?, ?)`,
		o.ID, o.Name, string(o.Edition), o.ZGID, boolInt(o.Default), ms(o.CreatedTime))
	if err != nil {
		return dupErr(err)
	}
	_, err = t.exec(ctx, `INSERT INTO org_versions (org_id, version) VALUES (?, 1)`, o.ID)
	return err
}

const orgCols = `id, name, edition, zgid, is_default, created_time`

func scanOrg(row interface{ Scan(...any) error }) (crm.Org, error) {
	var o crm.Org
	var edition string
	var def int
	var created int64
	if err := row.Scan(&o.ID, &o.Name, &edition, &o.ZGID, &def, &created); err != nil {
		return crm.Org{}, notFound(err)
	}
	o.Edition, o.Default, o.CreatedTime = crm.Edition(edition), def == 1, fromMS(created)
	return o, nil
}

// Org returns the org with that id.
func (t *Tx) Org(ctx context.Context, id int64) (crm.Org, error) {
	return scanOrg(t.queryRow(ctx, `SELECT `+orgCols+` FROM orgs WHERE id = ?`, id))
}

// DefaultOrg returns the org created first on an empty database.
func (t *Tx) DefaultOrg(ctx context.Context) (crm.Org, error) {
	return scanOrg(t.queryRow(ctx, `SELECT `+orgCols+` FROM orgs WHERE is_default = 1 ORDER BY id LIMIT 1`))
}

// Orgs returns every org, oldest first.
func (t *Tx) Orgs(ctx context.Context) ([]crm.Org, error) {
	rows, err := t.query(ctx, `SELECT `+orgCols+` FROM orgs ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// InsertProfile stores a new profile.
func (t *Tx) InsertProfile(ctx context.Context, p crm.Profile) error {
	_, err := t.exec(ctx, `INSERT INTO profiles (id, org_id, name, is_admin, denied) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.Name, boolInt(p.Admin), strings.Join(p.Denied, ","))
	return dupErr(err)
}

const profileCols = `id, org_id, name, is_admin, denied`

func scanProfile(row interface{ Scan(...any) error }) (crm.Profile, error) {
	var p crm.Profile
	var admin int
	var denied string
	if err := row.Scan(&p.ID, &p.OrgID, &p.Name, &admin, &denied); err != nil {
		return crm.Profile{}, notFound(err)
	}
	p.Admin = admin == 1
	if denied != "" {
		p.Denied = strings.Split(denied, ",")
	}
	return p, nil
}

// Profile returns a profile of the org.
func (t *Tx) Profile(ctx context.Context, orgID, id int64) (crm.Profile, error) {
	return scanProfile(t.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE org_id = ? AND id = ?`, orgID, id))
}

// ProfileByName returns the org's profile with that name (case-insensitive).
func (t *Tx) ProfileByName(ctx context.Context, orgID int64, name string) (crm.Profile, error) {
	return scanProfile(t.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE org_id = ? AND LOWER(name) = LOWER(?)`, orgID, name))
}

// Profiles returns the org's profiles, oldest first.
func (t *Tx) Profiles(ctx context.Context, orgID int64) ([]crm.Profile, error) {
	rows, err := t.query(ctx, `SELECT `+profileCols+` FROM profiles WHERE org_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Profile
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// InsertUser stores a new user.
func (t *Tx) InsertUser(ctx context.Context, u crm.User) error {
	if u.Status == "" {
		u.Status = "active"
	}
	_, err := t.exec(ctx, `INSERT INTO users (id, org_id, email, first_name, last_name, profile_id, status, created_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.OrgID, strings.ToLower(u.Email), u.FirstName, u.LastName, u.ProfileID, u.Status, ms(u.CreatedTime))
	if err != nil {
		return dupErr(err)
	}
	return t.bumpOrgVersion(ctx, u.OrgID) // reads render users from a cache checked against it (users.go)
}

const userCols = `id, org_id, email, first_name, last_name, profile_id, status, created_time`

func scanUser(row interface{ Scan(...any) error }) (crm.User, error) {
	var u crm.User
	var created int64
	if err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.FirstName, &u.LastName, &u.ProfileID, &u.Status, &created); err != nil {
		return crm.User{}, notFound(err)
	}
	u.CreatedTime = fromMS(created)
	return u, nil
}

// User returns a user of the org.
func (t *Tx) User(ctx context.Context, orgID, id int64) (crm.User, error) {
	return scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE org_id = ? AND id = ?`, orgID, id))
}

// UserByEmail returns the org's user with that email (case-insensitive).
func (t *Tx) UserByEmail(ctx context.Context, orgID int64, email string) (crm.User, error) {
	return scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE org_id = ? AND email = ?`, orgID, strings.ToLower(email)))
}

// readUsers reads the org's users, oldest first.
func (t *Tx) readUsers(ctx context.Context, orgID int64) ([]crm.User, error) {
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users WHERE org_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FirstAdmin returns the org's oldest Administrator user.
func (t *Tx) FirstAdmin(ctx context.Context, orgID int64) (crm.User, error) {
	return scanUser(t.queryRow(ctx, `SELECT u.id, u.org_id, u.email, u.first_name, u.last_name, u.profile_id, u.status, u.created_time
		FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.org_id = ? AND p.is_admin = 1 ORDER BY u.id LIMIT 1`, orgID))
}

// Sharing returns the module's data-sharing rule; public when none was set.
func (t *Tx) Sharing(ctx context.Context, orgID int64, module string) (string, error) {
	var access string
	err := t.queryRow(ctx, `SELECT access FROM module_sharing WHERE org_id = ? AND module = ?`, orgID, module).Scan(&access)
	if errors.Is(err, sql.ErrNoRows) {
		return crm.SharingPublic, nil
	}
	return access, err
}

// SetSharing sets the module's data-sharing rule.
func (t *Tx) SetSharing(ctx context.Context, orgID int64, module, access string) error {
	_, err := t.exec(ctx, `INSERT INTO module_sharing (org_id, module, access) VALUES (?, ?, ?)
		ON CONFLICT (org_id, module) DO UPDATE SET access = excluded.access`, orgID, module, access)
	return err
}

// InsertCustomModule stores a new custom module.
func (t *Tx) InsertCustomModule(ctx context.Context, m crm.CustomModule) error {
	_, err := t.exec(ctx, `INSERT INTO custom_modules (id, org_id, api_name, api_name_key, singular, plural, created_by, created_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.OrgID, m.APIName, strings.ToLower(m.APIName), m.Singular, m.Plural, m.CreatedBy, ms(m.CreatedTime))
	if err != nil {
		return dupErr(err)
	}
	return t.bumpOrgVersion(ctx, m.OrgID)
}

// CustomModules returns the org's custom modules, oldest first.
func (t *Tx) CustomModules(ctx context.Context, orgID int64) ([]crm.CustomModule, error) {
	rows, err := t.query(ctx, `SELECT id, org_id, api_name, singular, plural, created_by, created_time FROM custom_modules WHERE org_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.CustomModule
	for rows.Next() {
		var m crm.CustomModule
		var created int64
		if err := rows.Scan(&m.ID, &m.OrgID, &m.APIName, &m.Singular, &m.Plural, &m.CreatedBy, &created); err != nil {
			return nil, err
		}
		m.CreatedTime = fromMS(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MetadataIDs returns the org's catalogue entity ids.
func (t *Tx) MetadataIDs(ctx context.Context, orgID int64) (map[string]int64, error) {
	rows, err := t.query(ctx, `SELECT key, id FROM metadata_ids WHERE org_id = ?`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, rows.Err()
}

// InsertMetadataIDs stores catalogue entity ids for the org, in batches.
func (t *Tx) InsertMetadataIDs(ctx context.Context, orgID int64, ids map[string]int64) error {
	type kv struct {
		k  string
		id int64
	}
	all := make([]kv, 0, len(ids))
	for k, id := range ids {
		all = append(all, kv{k, id})
	}
	for len(all) > 0 {
		n := min(len(all), 200)
		args := make([]any, 0, n*3)
		for _, e := range all[:n] {
			args = append(args, orgID, e.k, e.id)
		}
		q := `INSERT INTO metadata_ids (org_id, key, id) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
		all = all[n:]
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return crm.ErrNotFound
	}
	return err
}

func dupErr(err error) error {
	if isUniqueViolation(err) {
		return crm.ErrDuplicate
	}
	return err
}
