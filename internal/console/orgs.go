package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
)

// orgView reads what every page of an org shows around its content: the org of the path, every
// org for the switcher and the org's API modules, in the caller's transaction. A path org that
// does not exist is crm.ErrNotFound.
func orgView(ctx context.Context, tx crm.Tx, r *http.Request, v *view) error {
	id, ok := crm.ParseID(r.PathValue("org"))
	if !ok {
		return crm.ErrNotFound
	}
	org, err := tx.Org(ctx, id)
	if err != nil {
		return err
	}
	v.Org = org
	if v.Orgs, err = tx.Orgs(ctx); err != nil {
		return err
	}
	mods, err := crm.AllModules(ctx, tx, org)
	if err != nil {
		return err
	}
	for _, m := range mods {
		if m.APISupported {
			v.Modules = append(v.Modules, moduleLink{m.APIName, m.Plural})
		}
	}
	return nil
}

// actorOf is who the console acts as in an org: its first Administrator, as the admin package's
// seeds do (internal/admin seed.go).
func actorOf(ctx context.Context, tx crm.Tx, org crm.Org) (crm.Actor, error) {
	u, err := tx.FirstAdmin(ctx, org.ID)
	if err != nil {
		return crm.Actor{}, err
	}
	p, err := tx.Profile(ctx, org.ID, u.ProfileID)
	if err != nil {
		return crm.Actor{}, err
	}
	return crm.Actor{Org: org, User: u, Profile: p}, nil
}

// orgOf is the path's org as an admin.OrgOf.
func orgOf(r *http.Request) admin.OrgOf {
	return func(ctx context.Context, tx crm.Tx) (crm.Org, error) {
		id, ok := crm.ParseID(r.PathValue("org"))
		if !ok {
			return crm.Org{}, crm.ErrNotFound
		}
		return tx.Org(ctx, id)
	}
}

// newView starts a page's view.
func (c *Console) newView(title, nav string) *view {
	return &view{Title: title, Nav: nav, SignOut: c.auth.tokenSet()}
}

// read runs fn in one read transaction and draws the page, or the error in words.
func (c *Console) read(w http.ResponseWriter, r *http.Request, page string, v *view, fn func(ctx context.Context, tx crm.Tx) error) {
	err := c.cfg.Admin.Store.Read(r.Context(), func(tx crm.Tx) error {
		return fn(r.Context(), tx)
	})
	switch {
	case err == nil:
		c.pages.render(w, r, http.StatusOK, page, v)
	case errors.Is(err, crm.ErrNotFound):
		c.pages.error(w, r, http.StatusNotFound, "There is no such page: the org, module, record or cadence it names does not exist.")
	default:
		if s, ok := words(err); ok {
			c.pages.error(w, r, http.StatusBadRequest, s)
			return
		}
		c.log.LogAttrs(r.Context(), slog.LevelError, "console page failed", slogPath(r), slogErr(err))
		c.pages.error(w, r, http.StatusInternalServerError, "The console could not read this page; the server's log says why.")
	}
}

// orgsData is the orgs page.
type orgsData struct {
	Editions []crm.Edition
}

func (c *Console) orgsPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Orgs", "orgs")
	v.Data = orgsData{Editions: []crm.Edition{crm.Free, crm.Standard, crm.Professional, crm.Enterprise, crm.Ultimate}}
	c.read(w, r, "orgs", v, func(ctx context.Context, tx crm.Tx) error {
		var err error
		v.Orgs, err = tx.Orgs(ctx)
		return err
	})
}

func (c *Console) createOrg(w http.ResponseWriter, r *http.Request) {
	ed, err := crm.ParseEdition(r.PostFormValue("edition"))
	if err != nil {
		done(w, r, "/console/orgs", "", err.Error())
		return
	}
	org, _, err := c.cfg.Admin.CreateOrg(r.Context(), admin.NewOrg{NewOrg: crm.NewOrg{Name: strings.TrimSpace(r.PostFormValue("name")), Edition: ed,
		AdminEmail: strings.TrimSpace(r.PostFormValue("admin_email"))}, UniqueName: true})
	if err != nil {
		done(w, r, "/console/orgs", "", c.fail(r, err))
		return
	}
	done(w, r, "/console/orgs/"+crm.FormatID(org.ID), "Org "+org.Name+" created.", "")
}

// orgData is an org's page: its users with their profiles, its profiles and its modules'
// data-sharing rules.
type orgData struct {
	Users    []userRow
	Profiles []crm.Profile
	Sharing  []sharingRow
	Modes    []string
}

type userRow struct {
	User    crm.User
	Profile string
}

type sharingRow struct {
	Module, Plural, Access string
}

func (c *Console) orgPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Org", "org")
	d := &orgData{Modes: crm.SharingModes}
	v.Data = d
	c.read(w, r, "org", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		v.Title = v.Org.Name
		var err error
		if d.Profiles, err = tx.Profiles(ctx, v.Org.ID); err != nil {
			return err
		}
		names := map[int64]string{}
		for _, p := range d.Profiles {
			names[p.ID] = p.Name
		}
		users, err := tx.Users(ctx, v.Org.ID)
		if err != nil {
			return err
		}
		for _, u := range users {
			d.Users = append(d.Users, userRow{u, names[u.ProfileID]})
		}
		for _, m := range v.Modules {
			access, err := tx.Sharing(ctx, v.Org.ID, m.APIName)
			if err != nil {
				return err
			}
			d.Sharing = append(d.Sharing, sharingRow{m.APIName, m.Plural, access})
		}
		return nil
	})
}

func orgPath(r *http.Request) string { return "/console/orgs/" + r.PathValue("org") }

func (c *Console) createUser(w http.ResponseWriter, r *http.Request) {
	u, _, err := c.cfg.Admin.CreateUser(r.Context(), orgOf(r), strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("profile"))
	if err != nil {
		done(w, r, orgPath(r), "", c.fail(r, err))
		return
	}
	done(w, r, orgPath(r), "User "+u.Email+" added.", "")
}

func (c *Console) createProfile(w http.ResponseWriter, r *http.Request) {
	deny := strings.FieldsFunc(r.PostFormValue("deny"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' })
	p, err := c.cfg.Admin.CreateProfile(r.Context(), orgOf(r), admin.NewProfile{Name: strings.TrimSpace(r.PostFormValue("name")), Deny: deny, CheckDeny: true})
	if err != nil {
		done(w, r, orgPath(r), "", c.fail(r, err))
		return
	}
	done(w, r, orgPath(r), "Profile "+p.Name+" created.", "")
}

func (c *Console) setSharing(w http.ResponseWriter, r *http.Request) {
	name, err := c.cfg.Admin.SetSharing(r.Context(), orgOf(r), r.PostFormValue("module"), r.PostFormValue("access"))
	if err != nil {
		done(w, r, orgPath(r), "", c.fail(r, err))
		return
	}
	done(w, r, orgPath(r), name+" is now "+r.PostFormValue("access")+".", "")
}
