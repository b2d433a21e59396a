package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
)

// Records pages: a module's paged, sortable, searchable table, a record with its fields and related
// lists, and the create, edit and delete forms. Every read and write goes through the crm services
// the records API uses (record_service.go, relation_service.go, contactrole_service.go,
// enrolment_service.go), as the org's first Administrator, so the same validation applies and the
// same Zoho errors come back, shown in words.

// perPage is a records table's page size.
const perPage = 25

// columns are the fields a records table shows: the name field, then up to four more of the
// module's fields people look for first, then Modified_Time.
func columns(m catalog.Module) []catalog.Field {
	var out []catalog.Field
	seen := map[string]bool{}
	add := func(name string) {
		if f, ok := m.Field(name); ok && !seen[f.APIName] {
			out = append(out, f)
			seen[f.APIName] = true
		}
	}
	if n := m.NameField(); n != "" {
		if n == "Last_Name" {
			add("First_Name")
		}
		add(n)
	}
	for _, f := range m.Fields {
		if len(out) >= 5 {
			break
		}
		if !f.ReadOnly && (f.DataType == "email" || f.DataType == "phone" || f.DataType == "picklist" || f.DataType == "lookup" || f.DataType == "currency" || f.DataType == "date") {
			add(f.APIName)
		}
	}
	add("Owner")
	add("Modified_Time")
	return out
}

func fieldNames(fs []catalog.Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.APIName
	}
	return strings.Join(names, ",")
}

// moduleOf resolves the path's module in the org: an unknown module or one the API does not serve
// is crm.ErrNotFound.
func moduleOf(ctx context.Context, tx crm.Tx, org crm.Org, r *http.Request) (catalog.Module, error) {
	m, err := crm.ResolveModule(ctx, tx, org, r.PathValue("module"))
	if err == nil && !m.APISupported {
		err = crm.ErrNotFound
	}
	return m, err
}

// recordsData is a module's records table.
type recordsData struct {
	Module            catalog.Module
	Columns           []catalog.Field
	Rows              []map[string]any
	Query             url.Values
	SortBy, SortOrder string
	Page              int
	More              bool
	Prev, Next        string // links to the neighbouring pages; "" when none
	Searching         bool
	Total             int
}

// recordsPage lists the module's records, by page, sorted by id, Created_Time or Modified_Time,
// optionally searched (criteria, or a word) through the search service.
func (c *Console) recordsPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Records", "records")
	d := &recordsData{}
	v.Data = d
	q := r.URL.Query()
	c.read(w, r, "records", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		m, err := moduleOf(ctx, tx, v.Org, r)
		if err != nil {
			return err
		}
		actor, err := actorOf(ctx, tx, v.Org)
		if err != nil {
			return err
		}
		v.Title = m.Plural
		*d = recordsData{Module: m, Columns: columns(m), Query: q}
		params := url.Values{"fields": {fieldNames(d.Columns)}, "per_page": {strconv.Itoa(perPage)}}
		for _, k := range []string{"page", "sort_by", "sort_order", "criteria", "word"} {
			if s := strings.TrimSpace(q.Get(k)); s != "" {
				params.Set(k, s)
			}
		}
		get := func(k string) (string, bool) { s, ok := params[k]; return strings.Join(s, ""), ok }
		d.Searching = params.Has("criteria") || params.Has("word")
		var info crm.ListInfo
		var zerr error
		if d.Searching {
			lq, err := crm.ParseSearchQuery(get)
			if err == nil {
				var crit *crm.Criteria
				if crit, err = crm.SearchCriteria(get, m); err == nil {
					d.Rows, info, err = crm.SearchRecords(ctx, tx, actor, m, lq, crit)
					if err == nil {
						d.Total, err = crm.CountRecords(ctx, tx, actor, m, crit)
					}
				}
			}
			zerr = err
		} else {
			lq, err := crm.ParseListQuery(get, true)
			if err == nil {
				d.Rows, info, err = crm.ListRecords(ctx, tx, actor, m, lq, nil)
				if err == nil {
					d.Total, err = crm.CountRecords(ctx, tx, actor, m, nil)
				}
			}
			zerr = err
		}
		if zerr != nil {
			s, ok := words(zerr)
			if !ok {
				return zerr
			}
			v.Error = s
			return nil
		}
		d.SortBy, d.SortOrder, d.Page, d.More = info.SortBy, info.SortOrder, info.Page, info.MoreRecords
		link := func(page int) string {
			p := url.Values{}
			for k, vs := range q {
				p[k] = vs
			}
			p.Set("page", strconv.Itoa(page))
			return "?" + p.Encode()
		}
		if d.Page > 1 {
			d.Prev = link(d.Page - 1)
		}
		if d.More && (d.Page+1)*perPage <= crm.MaxDiscreteRecords {
			d.Next = link(d.Page + 1)
		}
		return nil
	})
}

// fieldRow is one field on a record page or form.
type fieldRow struct {
	Field catalog.Field
	Value any
	// Input is the form control: text, email, tel, url, number, date, datetime-local, checkbox,
	// select or textarea.
	Input   string
	Text    string // the value as the form shows it
	Checked bool
}

// relatedList is one related list on a record page.
type relatedList struct {
	List     catalog.RelatedList
	Module   catalog.Module // the listed module; APIName "" when not a module
	Columns  []catalog.Field
	Rows     []map[string]any
	Writable bool
	Fields   []catalog.RelationField // the relation's own fields (Member_Status, list_price)
	// Roles, on a deal's Contact_Roles, are the org's contact roles for the add form.
	Roles    []crm.ContactRole
	Cadences []crm.RecordCadenceRow
	// Progress is each of Cadences' enrolments' progress, in the same order.
	Progress []progress
	Kind     string // "related", "roles" or "cadences"
	Statuses []string
}

// recordData is a record page.
type recordData struct {
	Module  catalog.Module
	ID      string
	Name    string
	Fields  []fieldRow
	Related []relatedList
	// Active are the module's active manual cadences, for the enrol form.
	Active []crm.CadenceListItem
}

func (c *Console) recordPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Record", "records")
	d := &recordData{}
	v.Data = d
	c.read(w, r, "record", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		m, rec, actor, err := recordOf(ctx, tx, v.Org, r)
		if err != nil {
			return err
		}
		*d = recordData{Module: m, ID: r.PathValue("id"), Name: recordName(m, rec)}
		v.Title = m.Singular + ": " + d.Name
		for _, f := range m.Fields {
			d.Fields = append(d.Fields, fieldRow{Field: f, Value: rec[f.APIName]})
		}
		id, _ := crm.ParseID(d.ID)
		for _, rl := range m.RelatedLists {
			if rl.Timeline != "" {
				continue // the Tasks, Calls and Events lists show the same activities
			}
			l, err := relatedOf(ctx, tx, actor, m, rl, id)
			if err != nil {
				return err
			}
			d.Related = append(d.Related, l)
		}
		if m.Cadences {
			active := true
			page, err := crm.ListCadences(ctx, tx, v.Org, crm.CadenceQuery{Module: m.APIName, Active: &active, Page: 1, PerPage: 200})
			if err != nil {
				return err
			}
			for _, it := range page.Cadences {
				if item, ok := it.(crm.CadenceListItem); ok && item.Type == "Manual enrollment" {
					d.Active = append(d.Active, item)
				}
			}
		}
		return nil
	})
}

// recordOf reads the path's module and record as the org's first Administrator: a record that is
// not there is crm.ErrNotFound.
func recordOf(ctx context.Context, tx crm.Tx, org crm.Org, r *http.Request) (catalog.Module, map[string]any, crm.Actor, error) {
	m, err := moduleOf(ctx, tx, org, r)
	if err != nil {
		return m, nil, crm.Actor{}, err
	}
	actor, err := actorOf(ctx, tx, org)
	if err != nil {
		return m, nil, actor, err
	}
	id, ok := crm.ParseID(r.PathValue("id"))
	if !ok {
		return m, nil, actor, crm.ErrNotFound
	}
	rec, found, err := crm.GetRecord(ctx, tx, actor, m, id, time.Time{})
	if err == nil && found != crm.RecordFound {
		err = crm.ErrNotFound
	}
	return m, rec, actor, err
}

// recordName is what names a record: its name field, or its full name, or its id.
func recordName(m catalog.Module, rec map[string]any) string {
	if s := show(rec["Full_Name"]); s != "" {
		return s
	}
	if n := m.NameField(); n != "" {
		if s := show(rec[n]); s != "" {
			if first := show(rec["First_Name"]); n == "Last_Name" && first != "" {
				return first + " " + s
			}
			return s
		}
	}
	return show(rec["id"])
}

// relatedOf reads one related list of a record as the API does: the record's cadences
// (crm.RecordCadences), a deal's contact roles (crm.ListDealContactRoles), any other list through
// the related-records service (crm.ListRelated; lists it does not serve have no rows).
func relatedOf(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module, rl catalog.RelatedList, id int64) (relatedList, error) {
	l := relatedList{List: rl, Kind: "related"}
	switch {
	case strings.EqualFold(rl.APIName, catalog.CadenceListName(m.APIName)):
		l.Kind = "cadences"
		rows, _, err := crm.RecordCadences(ctx, tx, actor.Org, m, id, 1, 100)
		if err != nil {
			return l, err
		}
		l.Cadences = rows
		l.Progress, err = recordProgress(ctx, tx, actor.Org, rows)
		return l, err
	case m.APIName == "Deals" && rl.APIName == "Contact_Roles":
		l.Kind = "roles"
		contacts, _ := catalog.Standard("Contacts")
		l.Module, l.Columns, l.Writable = contacts, columns(contacts), true
		q := crm.ListQuery{Fields: strings.Split(fieldNames(l.Columns), ","), Page: 1, PerPage: 100, SortBy: crm.SortByID, Desc: true}
		page, err := crm.ListDealContactRoles(ctx, tx, actor, id, q, false)
		if err != nil {
			return l, err
		}
		l.Rows = page.Data
		l.Roles, err = tx.ContactRoles(ctx, actor.Org.ID)
		return l, err
	}
	t, err := crm.ResolveRelatedList(ctx, tx, actor.Org, m, rl.APIName)
	if err != nil {
		return l, err
	}
	l.Module, l.Writable, l.Fields = t.Related, t.Writable(), t.Relation.Fields
	if l.Module.APIName != "" {
		l.Columns = columns(l.Module)
	}
	for _, f := range l.Fields {
		if f.DataType == "picklist" {
			l.Statuses = catalog.MemberStatuses
		}
	}
	q := crm.ListQuery{Fields: strings.Split(fieldNames(l.Columns), ","), Page: 1, PerPage: 100, SortBy: crm.SortByID, Desc: true}
	if len(l.Columns) == 0 {
		q.Fields = []string{"id"}
	}
	page, err := crm.ListRelated(ctx, tx, actor, t, id, q)
	l.Rows = page.Data
	return l, err
}

// recordProgress words the progress the record's cadence rows carry (next_follow_up,
// follow_ups), naming follow-ups by their place in their cadence.
func recordProgress(ctx context.Context, tx crm.Tx, org crm.Org, rows []crm.RecordCadenceRow) ([]progress, error) {
	var ids []int64
	for _, row := range rows {
		if id, ok := crm.ParseID(row.ID); ok {
			ids = append(ids, id)
		}
	}
	cads, err := tx.CadencesByID(ctx, org.ID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]progress, len(rows))
	for i, row := range rows {
		id, _ := crm.ParseID(row.ID)
		out[i] = describe(row.UnenrolledTime == nil, row.NextFollowUp, row.FollowUps, followUpWords(cads[id].FollowUps))
	}
	return out, nil
}

// formData is a record's create or edit form.
type formData struct {
	Module catalog.Module
	ID     string // "" for a new record
	Fields []fieldRow
}

// formFields are the module's fields a form edits (not system-managed), with rec's values.
func formFields(m catalog.Module, rec map[string]any) []fieldRow {
	var out []fieldRow
	for _, f := range m.Fields {
		if f.ReadOnly {
			continue
		}
		row := fieldRow{Field: f, Value: rec[f.APIName], Input: "text"}
		switch f.DataType {
		case "email":
			row.Input = "email"
		case "phone":
			row.Input = "tel"
		case "website":
			row.Input = "url"
		case "integer", "bigint", "double", "currency", "percent", "decimal":
			row.Input = "number"
		case "date":
			row.Input = "date"
		case "boolean":
			row.Input = "checkbox"
			row.Checked, _ = rec[f.APIName].(bool)
		case "picklist":
			row.Input = "select"
		case "textarea":
			row.Input = "textarea"
		}
		switch x := rec[f.APIName].(type) {
		case map[string]any: // a lookup: its id
			row.Text, _ = x["id"].(string)
		case nil, bool:
		default:
			row.Text = show(x)
		}
		out = append(out, row)
	}
	return out
}

// formRecord reads a submitted form into one record of the API's body: number fields as JSON
// numbers, booleans, lookups as {"id"}; an empty field is left out of a new record and cleared
// (null) on an edit, as the API does with null.
func formRecord(m catalog.Module, r *http.Request, edit bool) map[string]any {
	rec := map[string]any{}
	for _, row := range formFields(m, nil) {
		f := row.Field
		raw, given := r.PostForm[f.APIName]
		s := strings.TrimSpace(strings.Join(raw, ""))
		switch {
		case f.DataType == "boolean":
			if given || edit {
				rec[f.APIName] = given && s != ""
			}
		case s == "":
			if edit && f.DataType != "ownerlookup" {
				rec[f.APIName] = nil
			}
		case row.Input == "number":
			rec[f.APIName] = json.Number(s)
		case f.DataType == "lookup" || f.DataType == "ownerlookup":
			rec[f.APIName] = map[string]any{"id": s}
		default:
			rec[f.APIName] = s
		}
	}
	return rec
}

func (c *Console) newRecordPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("New record", "records")
	d := &formData{}
	v.Data = d
	c.read(w, r, "form", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		m, err := moduleOf(ctx, tx, v.Org, r)
		*d = formData{Module: m, Fields: formFields(m, nil)}
		v.Title = "New " + m.Singular
		return err
	})
}

func (c *Console) editRecordPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Edit record", "records")
	d := &formData{}
	v.Data = d
	c.read(w, r, "form", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		m, rec, _, err := recordOf(ctx, tx, v.Org, r)
		if err != nil {
			return err
		}
		*d = formData{Module: m, ID: r.PathValue("id"), Fields: formFields(m, rec)}
		v.Title = "Edit " + m.Singular + ": " + recordName(m, rec)
		return nil
	})
}

// write runs fn in one write transaction as the path org's first Administrator, with the path's
// module; fn must only compute (it may run more than once).
func (c *Console) write(r *http.Request, fn func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error) error {
	ctx := r.Context()
	return c.cfg.Admin.Store.Write(ctx, func(tx crm.Tx) error {
		org, err := orgOf(r)(ctx, tx)
		if err != nil {
			return err
		}
		actor, err := actorOf(ctx, tx, org)
		if err != nil {
			return err
		}
		var m catalog.Module
		if r.PathValue("module") != "" {
			if m, err = moduleOf(ctx, tx, org, r); err != nil {
				return err
			}
		}
		return fn(ctx, tx, actor, m)
	})
}

func modulePath(r *http.Request) string {
	return orgPath(r) + "/modules/" + r.PathValue("module")
}

func recordPath(r *http.Request) string { return modulePath(r) + "/" + r.PathValue("id") }

// createRecord inserts the form's record (crm.InsertRecords): on success the new record's page,
// otherwise the form again with Zoho's answer in words.
func (c *Console) createRecord(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		done(w, r, modulePath(r)+"/new", "", err.Error())
		return
	}
	var items []crm.Item
	var mod catalog.Module
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error {
		var err error
		mod = m
		items, err = crm.InsertRecords(ctx, tx, actor, m, []any{formRecord(m, r, false)})
		return err
	})
	if err == nil && len(items) == 1 && !items[0].OK() {
		err = &crm.Error{Code: items[0].Code, Message: items[0].Message, Details: items[0].Details}
	}
	if err != nil {
		c.formAgain(w, r, "", c.fail(r, err))
		return
	}
	id, _ := items[0].Details["id"].(string)
	done(w, r, modulePath(r)+"/"+id, mod.Singular+" created.", "")
}

// formAgain draws the create or edit form again with what was submitted and why it failed.
func (c *Console) formAgain(w http.ResponseWriter, r *http.Request, id, problem string) {
	v := c.newView("Record", "records")
	v.Error = problem
	d := &formData{ID: id}
	v.Data = d
	err := c.cfg.Admin.Store.Read(r.Context(), func(tx crm.Tx) error {
		if err := orgView(r.Context(), tx, r, v); err != nil {
			return err
		}
		m, err := moduleOf(r.Context(), tx, v.Org, r)
		if err != nil {
			return err
		}
		d.Module = m
		sent := map[string]any{}
		for k := range r.PostForm {
			sent[k] = r.PostForm.Get(k)
		}
		d.Fields = formFields(m, sent)
		for i, f := range d.Fields {
			if f.Input == "checkbox" {
				d.Fields[i].Checked = r.PostForm.Get(f.Field.APIName) != ""
			}
		}
		v.Title = m.Singular
		return nil
	})
	if err != nil {
		c.pages.error(w, r, http.StatusNotFound, problem)
		return
	}
	// 200, not 400: the page is the form again with Zoho's answer in it (role=alert), and a
	// browser logs a 4xx page as a failed resource.
	c.pages.render(w, r, http.StatusOK, "form", v)
}

// updateRecord applies the edit form (crm.UpdateRecord, the single-record PUT).
func (c *Console) updateRecord(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		done(w, r, recordPath(r), "", err.Error())
		return
	}
	var items []crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error {
		var err error
		items, err = crm.UpdateRecord(ctx, tx, actor, m, r.PathValue("id"), []any{formRecord(m, r, true)})
		return err
	})
	if err == nil {
		if s := itemsWords(items); s != "" {
			err = errors.New(s)
		}
	}
	if err != nil {
		c.formAgain(w, r, r.PathValue("id"), c.fail(r, err))
		return
	}
	done(w, r, recordPath(r), "Saved.", "")
}

// deleteRecord deletes the record (crm.DeleteRecord).
func (c *Console) deleteRecord(w http.ResponseWriter, r *http.Request) {
	var items []crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error {
		var err error
		items, err = crm.DeleteRecord(ctx, tx, actor, m, r.PathValue("id"))
		return err
	})
	if err == nil {
		if s := itemsWords(items); s != "" {
			err = errors.New(s)
		}
	}
	if err != nil {
		done(w, r, recordPath(r), "", c.fail(r, err))
		return
	}
	done(w, r, modulePath(r), "Deleted.", "")
}

// linkRelated links the record to another through a related list (crm.LinkRelated), or gives a
// contact a role on a deal (crm.PutDealContactRoles), with the form's relation fields.
func (c *Console) linkRelated(w http.ResponseWriter, r *http.Request) {
	var items []crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error {
		rec, err := crm.PathRecord(ctx, tx, actor.Org.ID, m.APIName, r.PathValue("id"), crm.MsgRelatedIDGivenInvalid, 1)
		if err != nil {
			return err
		}
		item := map[string]any{"id": strings.TrimSpace(r.PostFormValue("related_id"))}
		if m.APIName == "Deals" && r.PathValue("list") == "Contact_Roles" {
			item["Contact_Role"] = map[string]any{"id": r.PostFormValue("role")}
			items, err = crm.PutDealContactRoles(ctx, tx, actor.Org, rec.ID, []any{item}, 0)
			return err
		}
		t, err := crm.ResolveRelatedList(ctx, tx, actor.Org, m, r.PathValue("list"))
		if err != nil {
			return err
		}
		if !t.Writable() {
			return crm.ErrRelationNotWritable()
		}
		for _, f := range t.Relation.Fields {
			if s := strings.TrimSpace(r.PostFormValue(f.APIName)); s != "" {
				if f.DataType == "double" {
					item[f.APIName] = json.Number(s)
				} else {
					item[f.APIName] = s
				}
			}
		}
		items, err = crm.LinkRelated(ctx, tx, actor.Org, t, rec.ID, []any{item}, 0)
		return err
	})
	c.itemsDone(w, r, recordPath(r), "Linked.", items, err)
}

// delinkRelated removes a link of a related list (crm.DelinkRelated), or a contact's role on a
// deal (crm.RemoveDealContactRoles).
func (c *Console) delinkRelated(w http.ResponseWriter, r *http.Request) {
	var items []crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error {
		parent, ok := crm.ParseID(r.PathValue("id"))
		other, ok2 := crm.ParseID(r.PostFormValue("related_id"))
		if !ok || !ok2 {
			return crm.ErrNotFound
		}
		if m.APIName == "Deals" && r.PathValue("list") == "Contact_Roles" {
			var err error
			items, err = crm.RemoveDealContactRoles(ctx, tx, actor, parent, []int64{other}, crm.MsgPermissionDenied)
			return err
		}
		t, err := crm.ResolveRelatedList(ctx, tx, actor.Org, m, r.PathValue("list"))
		if err != nil {
			return err
		}
		if !t.Writable() {
			return crm.ErrRelationNotWritable()
		}
		items, err = crm.DelinkRelated(ctx, tx, actor, t, parent, []int64{other}, crm.MsgPermissionDenied)
		return err
	})
	c.itemsDone(w, r, recordPath(r), "Removed.", items, err)
}

// recordEnrol enrols the record in a cadence, or un-enrols it (crm.EnrolRecords).
func (c *Console) recordEnrol(w http.ResponseWriter, r *http.Request) {
	enrol := r.PostFormValue("action") != "unenrol"
	var items []crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, m catalog.Module) error {
		body := map[string]any{"cadences_ids": []any{r.PostFormValue("cadence")}, "ids": []any{r.PathValue("id")}}
		var err error
		items, err = crm.EnrolRecords(ctx, tx, actor, m, body, enrol)
		return err
	})
	note := "Enrolled."
	if !enrol {
		note = "Un-enrolled."
	}
	c.itemsDone(w, r, recordPath(r), note, items, err)
}

// itemsDone redirects to target with note, or with what the error or the failed items say.
func (c *Console) itemsDone(w http.ResponseWriter, r *http.Request, target, note string, items []crm.Item, err error) {
	switch {
	case err != nil:
		done(w, r, target, "", c.fail(r, err))
	case itemsWords(items) != "":
		done(w, r, target, "", itemsWords(items))
	default:
		done(w, r, target, note, "")
	}
}

// jsonNumber is a form's number as the API's decoder gives it (encoding/json UseNumber).
func jsonNumber(s string) json.Number { return json.Number(s) }
