package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// CadenceTimeLayout is how cadence answers write times: ISO 8601 with the offset without a colon,
// as in Get Cadences' sample ("2024-07-17T20:38:22-0700"). zcrm writes them in UTC.
const CadenceTimeLayout = "2006-01-02T15:04:05-0700"

func cadenceTime(t time.Time) string { return t.UTC().Format(CadenceTimeLayout) }

// CadenceRef names a cadence: {"name","id"}.
type CadenceRef struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// UserRef names a user: {"name","id"}.
type UserRef struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// ModuleRef names a module: {"api_name","id"}.
type ModuleRef struct {
	APIName string `json:"api_name"`
	ID      string `json:"id"`
}

// FollowUpCounts is a cadence's summary: how many follow-ups of each kind it has. WhatsApp
// follow-ups count in none of the three (Get Cadences shows exactly these keys).
type FollowUpCounts struct {
	Task  int `json:"task_follow_up_count"`
	Call  int `json:"call_follow_up_count"`
	Email int `json:"email_follow_up_count"`
}

// DetailSummary is a cadence's summary in Get a Cadence: Zoho's v8 example counts WhatsApp
// follow-ups there too, first.
type DetailSummary struct {
	WhatsApp int `json:"whatsapp_follow_up_count"`
	FollowUpCounts
}

// ListCustomView is the custom view of a listed cadence. Its id is a JSON number, as in Get
// Cadences' sample and in Zoho's cadences.json (int64).
type ListCustomView struct {
	Name string `json:"name"`
	ID   int64  `json:"id"`
}

// ListExecution is a listed cadence's execution_details, summarised from the stored form.
type ListExecution struct {
	UnenrollProperties ListUnenroll `json:"unenroll_properties"`
	EndDate            string       `json:"end_date"`
	AutomaticUnenroll  bool         `json:"automatic_unenroll"`
	Type               *string      `json:"type"`
	ExecuteEvery       any          `json:"execute_every"`
}

// ZohoExecution is a stored execution_details as Get a Cadence answers it, keys in the order of
// Zoho's v8 example: unenroll_properties, then execute_every as {unit, period}; any other stored
// key follows, sorted. nil is null.
type ZohoExecution map[string]any

// MarshalJSON writes z in Zoho's key order.
func (z ZohoExecution) MarshalJSON() ([]byte, error) {
	if z == nil {
		return []byte("null"), nil
	}
	keys := make([]string, 0, len(z))
	for k := range z {
		if k != "unenroll_properties" && k != "execute_every" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	keys = append([]string{"unenroll_properties", "execute_every"}, keys...)
	var b bytes.Buffer
	b.WriteByte('{')
	for _, k := range keys {
		v, ok := z[k]
		if !ok {
			continue
		}
		if k == "execute_every" {
			v = orderedEvery(v)
		}
		val, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		b.Write(name)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// executeEveryOut is execute_every in Zoho's key order.
type executeEveryOut struct {
	Unit   any `json:"unit,omitempty"`
	Period any `json:"period,omitempty"`
}

// orderedEvery returns a stored execute_every ({period, unit}) in Zoho's key order, unit first;
// anything else as it is.
func orderedEvery(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k := range m {
		if k != "unit" && k != "period" {
			return v
		}
	}
	return executeEveryOut{Unit: m["unit"], Period: m["period"]}
}

// ListUnenroll is the list form of unenroll_properties: an object, not an array.
type ListUnenroll struct {
	EndDate string  `json:"end_date"`
	Type    *string `json:"type"`
}

// CadenceListItem is a cadence as Get Cadences lists it; keys in the seed's order.
type CadenceListItem struct {
	Summary          FollowUpCounts `json:"summary"`
	Description      string         `json:"description,omitempty"`
	CreatedTime      string         `json:"created_time"`
	Module           ModuleRef      `json:"module"`
	Active           bool           `json:"active"`
	ExecutionDetails *ListExecution `json:"execution_details"`
	Published        bool           `json:"published"`
	Type             string         `json:"type"` // "Custom view" or "Manual enrollment"
	CreatedBy        UserRef        `json:"created_by"`
	ModifiedTime     string         `json:"modified_time"`
	Name             string         `json:"name"`
	ModifiedBy       UserRef        `json:"modified_by"`
	ID               string         `json:"id"`
	CustomView       any            `json:"custom_view"` // *ListCustomView, or *DetailCustomView on v8
	Status           string         `json:"status"`
}

// CadencePageInfo is Get Cadences' info object.
type CadencePageInfo struct {
	PerPage     int  `json:"per_page"`
	Count       int  `json:"count"`
	Page        int  `json:"page"`
	MoreRecords bool `json:"more_records"`
}

// CadencePage is Get Cadences' answer. Its cadences are CadenceListItem values, or, when the
// request names fields, maps of those keys and the id.
type CadencePage struct {
	Cadences []any           `json:"cadences"`
	Info     CadencePageInfo `json:"info"`
}

// DetailCustomView is the custom view of a cadence in Get a Cadence (id as a string, as v8 does).
type DetailCustomView struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// CadenceDetail is a cadence as Get a Cadence shows it: the enum form of type, execution_details
// as stored (unenroll_properties an array), the follow-ups, and the draft copy or parent.
type CadenceDetail struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Description      *string           `json:"description"`
	Module           ModuleRef         `json:"module"`
	Type             string            `json:"type"`
	CustomView       *DetailCustomView `json:"custom_view"`
	Active           bool              `json:"active"`
	Published        bool              `json:"published"`
	Status           string            `json:"status"`
	ExecutionDetails ZohoExecution     `json:"execution_details"`
	FollowUps        []map[string]any  `json:"follow_ups"`
	Summary          DetailSummary     `json:"summary"`
	CreatedTime      string            `json:"created_time"`
	ModifiedTime     string            `json:"modified_time"`
	CreatedBy        UserRef           `json:"created_by"`
	ModifiedBy       UserRef           `json:"modified_by"`
	DraftCadence     *CadenceRef       `json:"draft_cadence"`
	ParentCadence    *CadenceRef       `json:"parent_cadence"`
}

// cadenceEnv resolves, once per request, what cadence answers show besides the cadence rows:
// metadata ids, modules and user names.
type cadenceEnv struct {
	ctx   context.Context
	tx    Tx
	org   Org
	meta  map[string]int64
	users map[int64]string
	mods  []catalog.Module
}

func newCadenceEnv(ctx context.Context, tx Tx, org Org) *cadenceEnv {
	return &cadenceEnv{ctx: ctx, tx: tx, org: org, users: map[int64]string{}}
}

func (e *cadenceEnv) metaIDs() (map[string]int64, error) {
	if e.meta == nil {
		m, err := e.tx.MetadataIDs(e.ctx, e.org.ID)
		if err != nil {
			return nil, err
		}
		e.meta = m
	}
	return e.meta, nil
}

func (e *cadenceEnv) modules() ([]catalog.Module, error) {
	if e.mods == nil {
		m, err := AllModules(e.ctx, e.tx, e.org)
		if err != nil {
			return nil, err
		}
		e.mods = m
	}
	return e.mods, nil
}

// module returns the org's module with that api name (exact, as stored on cadences).
func (e *cadenceEnv) module(apiName string) (catalog.Module, error) {
	mods, err := e.modules()
	if err != nil {
		return catalog.Module{}, err
	}
	for _, m := range mods {
		if strings.EqualFold(m.APIName, apiName) {
			return m, nil
		}
	}
	return catalog.Module{}, ErrNotFound
}

// moduleByID returns the org's module whose metadata id is id.
func (e *cadenceEnv) moduleByID(id int64) (catalog.Module, error) {
	meta, err := e.metaIDs()
	if err != nil {
		return catalog.Module{}, err
	}
	mods, err := e.modules()
	if err != nil {
		return catalog.Module{}, err
	}
	for _, m := range mods {
		if meta[catalog.KeyModule(m.APIName)] == id {
			return m, nil
		}
	}
	return catalog.Module{}, ErrNotFound
}

func (e *cadenceEnv) moduleRef(apiName string) (ModuleRef, error) {
	meta, err := e.metaIDs()
	if err != nil {
		return ModuleRef{}, err
	}
	return ModuleRef{APIName: apiName, ID: FormatID(meta[catalog.KeyModule(apiName)])}, nil
}

// customView returns the module's custom view with that id: its built-in one or one of the org's
// (CustomViewName).
func (e *cadenceEnv) customView(module string, id int64) (catalog.CustomView, bool, error) {
	m, err := e.module(module)
	if err != nil {
		return catalog.CustomView{}, false, err
	}
	name, found, err := CustomViewName(e.ctx, e.tx, e.org, m, id)
	return catalog.CustomView{Name: name}, found, err
}

func (e *cadenceEnv) user(id int64) (UserRef, error) {
	name, ok := e.users[id]
	if !ok {
		u, err := e.tx.User(e.ctx, e.org.ID, id)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return UserRef{}, err
		}
		name = u.FullName()
		e.users[id] = name
	}
	return UserRef{Name: name, ID: FormatID(id)}, nil
}

// counts derives a cadence's summary from its follow-ups.
func counts(fus []map[string]any) FollowUpCounts {
	var n FollowUpCounts
	for _, fu := range fus {
		action, _ := fu["action"].(map[string]any)
		switch action["type"] {
		case "tasks":
			n.Task++
		case "schedule_call":
			n.Call++
		case "email_notifications":
			n.Email++
		}
	}
	return n
}

// whatsApps counts a cadence's WhatsApp follow-ups.
func whatsApps(fus []map[string]any) int {
	n := 0
	for _, fu := range fus {
		if action, _ := fu["action"].(map[string]any); action["type"] == "whatsapp_message_notification" {
			n++
		}
	}
	return n
}

// common holds the parts every cadence view shares.
type cadenceCommon struct {
	module              ModuleRef
	createdBy, modified UserRef
	cvName              string
}

func (e *cadenceEnv) common(c Cadence) (cadenceCommon, error) {
	var out cadenceCommon
	var err error
	if out.module, err = e.moduleRef(c.Module); err != nil {
		return out, err
	}
	if out.createdBy, err = e.user(c.CreatedBy); err != nil {
		return out, err
	}
	if out.modified, err = e.user(c.ModifiedBy); err != nil {
		return out, err
	}
	if c.CustomViewID != 0 {
		cv, _, err := e.customView(c.Module, c.CustomViewID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return out, err
		}
		out.cvName = cv.Name
	}
	return out, nil
}

// listItem renders c for Get Cadences. Its custom view's id is a JSON string when stringIDs (v8:
// Zoho's v8 example; a 19-digit number loses precision in every JavaScript SDK), a number before
// (seed 002, v7).
func (e *cadenceEnv) listItem(c Cadence, stringIDs bool) (CadenceListItem, error) {
	cm, err := e.common(c)
	if err != nil {
		return CadenceListItem{}, err
	}
	item := CadenceListItem{
		Summary: counts(c.FollowUps), Description: c.Description, CreatedTime: cadenceTime(c.CreatedTime),
		Module: cm.module, Active: c.Active, ExecutionDetails: listExecution(c.ExecutionDetails),
		Published: c.Published, Type: "Manual enrollment", CreatedBy: cm.createdBy,
		ModifiedTime: cadenceTime(c.ModifiedTime), Name: c.Name, ModifiedBy: cm.modified, ID: FormatID(c.ID),
		Status: c.Status(),
	}
	if c.Type == CadenceCustomView {
		item.Type = "Custom view"
		if stringIDs {
			item.CustomView = &DetailCustomView{Name: cm.cvName, ID: FormatID(c.CustomViewID)}
		} else {
			item.CustomView = &ListCustomView{Name: cm.cvName, ID: c.CustomViewID}
		}
	}
	return item, nil
}

// listExecution summarises stored execution details for Get Cadences: the first unenrol rule's type,
// whether automatic un-enrolment is on, and the end date of an end_date rule ("" when none).
func listExecution(ed map[string]any) *ListExecution {
	if ed == nil {
		return nil
	}
	out := &ListExecution{ExecuteEvery: orderedEvery(ed["execute_every"])}
	props, _ := ed["unenroll_properties"].([]any)
	for _, p := range props {
		prop, _ := p.(map[string]any)
		typ, _ := prop["type"].(string)
		if out.Type == nil {
			out.Type = &typ
		}
		switch typ {
		case "automatic_unenroll":
			out.AutomaticUnenroll = true
		case "end_date":
			details, _ := prop["details"].(map[string]any)
			out.EndDate, _ = details["unenroll_date"].(string)
		}
	}
	out.UnenrollProperties = ListUnenroll{EndDate: out.EndDate, Type: out.Type}
	return out
}

func (e *cadenceEnv) detail(c Cadence, draft, parent *CadenceRef) (CadenceDetail, error) {
	cm, err := e.common(c)
	if err != nil {
		return CadenceDetail{}, err
	}
	d := CadenceDetail{
		ID: FormatID(c.ID), Name: c.Name, Module: cm.module, Type: c.Type, Active: c.Active,
		Published: c.Published, Status: c.Status(), ExecutionDetails: ZohoExecution(c.ExecutionDetails), FollowUps: c.FollowUps,
		Summary: DetailSummary{whatsApps(c.FollowUps), counts(c.FollowUps)}, CreatedTime: cadenceTime(c.CreatedTime),
		ModifiedTime: cadenceTime(c.ModifiedTime), CreatedBy: cm.createdBy, ModifiedBy: cm.modified, DraftCadence: draft, ParentCadence: parent,
	}
	if c.Description != "" {
		desc := c.Description
		d.Description = &desc
	}
	if d.FollowUps == nil {
		d.FollowUps = []map[string]any{}
	}
	if c.Type == CadenceCustomView {
		d.CustomView = &DetailCustomView{Name: cm.cvName, ID: FormatID(c.CustomViewID)}
	}
	return d, nil
}
