package crm

// Convert Lead (POST /Leads/{id}/actions/convert).
//
// What Zoho documents (crm-oas v8.0 convert/operations/convertLead and its examples; Zoho's Convert
// Lead pages v2–v8), and what zcrm settles where it is silent:
//   - The body is {"data":[{overwrite, notify_lead_owner, notify_new_entity_owner, Accounts,
//     Contacts, assign_to, Deals, carry_over_tags}]}; Accounts, Contacts and assign_to are {"id"}
//     or a bare id (Zoho's older pages send a bare id). zcrm converts the lead the first element
//     describes; notifications and tags are accepted and do nothing (zcrm sends no mail for them).
//   - The contact: the one Contacts names, else an existing contact whose Email (the unique field)
//     is the lead's, else a new one from the lead's fields (Zoho's mapping order). The account:
//     the one Accounts names, else an existing account named as the lead's Company, else a new one
//     when the lead has a Company; none when it has not (Accounts null, as Zoho's "Contact only"
//     example). A new contact gets the account; an existing contact keeps its own account unless
//     it has none or overwrite is true (Zoho's overwrite).
//   - New records belong to assign_to, else to the lead's owner; an assign_to that is no active
//     user is INVALID_DATA on Owner ($.data[0].Owner), as Zoho's example names it.
//   - Deals, when given, makes a deal with the account and contact: Deal_Name, Stage and
//     Closing_Date are mandatory (MANDATORY_NOT_FOUND naming the field at $.data[0].<field>, the
//     path form Zoho's MAPPING_MISMATCH example uses); Pipeline is accepted (zcrm has no
//     pipelines); the rest follows the Deals module's rules; Lead_Source comes from the lead
//     unless given.
//   - The lead's notes move to the contact; its activities move to the contact (Who_Id) and to the
//     deal, else the account (What_Id); its campaign memberships (with Member_Status) and products
//     move to the contact, products to the account too; its live cadence enrolments end
//     ("converted").
//   - The lead leaves the Leads module: its row stays in records under ConvertedLeads, so that no
//     read of live leads filters anything; Get Records and Search Records with converted=true (or
//     both) list converted leads. Converting it again is ID_ALREADY_CONVERTED; any other unknown
//     id is INVALID_DATA on the path id.
//   - Everything happens in the request's one transaction; an element error leaves nothing changed.

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// ConvertedLeads is the module stored converted leads carry: not "Leads", so that they leave every
// read of the Leads module.
const ConvertedLeads = "Leads$converted"

// EndConverted is how a converted lead's cadence enrolments end.
const EndConverted = "converted"

// ConvertTx is the store's part of converting a lead.
type ConvertTx interface {
	// MarkConverted moves the lead id from the Leads module to ConvertedLeads, modified by the user
	// by at the transaction's time; false when it is no live lead of the org.
	MarkConverted(ctx context.Context, orgID, id, by int64) (bool, error)
}

// EntityRef is a record Convert Lead answers with: {"name","id"}.
type EntityRef struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// ConvertDetails is a successful conversion's details, in Zoho's key order.
type ConvertDetails struct {
	Contacts *EntityRef `json:"Contacts"`
	Deals    *EntityRef `json:"Deals"`
	Accounts *EntityRef `json:"Accounts"`
}

// ConvertResult is the element of a successful conversion's answer.
type ConvertResult struct {
	Code    string         `json:"code"`
	Details ConvertDetails `json:"details"`
	Message string         `json:"message"`
	Status  string         `json:"status"`
}

// ErrAlreadyConverted is Convert Lead's 400 ID_ALREADY_CONVERTED for a lead converted before.
func ErrAlreadyConverted() *Error {
	return NewError(http.StatusBadRequest, "ID_ALREADY_CONVERTED", MsgIDAlreadyConverted, map[string]any{"resource_path_index": 1})
}

// leadToContact, leadToAccount: Zoho's standard lead conversion mapping (lead field → field).
var (
	leadToContact = [][2]string{{"First_Name", "First_Name"}, {"Last_Name", "Last_Name"}, {"Email", "Email"}, {"Phone", "Phone"},
		{"Mobile", "Mobile"}, {"Designation", "Title"}, {"Lead_Source", "Lead_Source"}, {"Email_Opt_Out", "Email_Opt_Out"},
		{"Street", "Mailing_Street"}, {"City", "Mailing_City"}, {"State", "Mailing_State"}, {"Zip_Code", "Mailing_Zip"},
		{"Country", "Mailing_Country"}, {"Description", "Description"}}
	leadToAccount = [][2]string{{"Company", "Account_Name"}, {"Phone", "Phone"}, {"Website", "Website"}, {"Industry", "Industry"},
		{"Annual_Revenue", "Annual_Revenue"}, {"No_of_Employees", "Employees"}, {"Street", "Billing_Street"}, {"City", "Billing_City"},
		{"State", "Billing_State"}, {"Zip_Code", "Billing_Code"}, {"Country", "Billing_Country"}, {"Description", "Description"}}
	// dealMandatory are the Deals keys Convert Lead requires (Zoho's DealConversion schema; Pipeline aside).
	dealMandatory = []string{"Deal_Name", "Stage", "Closing_Date"}
)

// converter is one conversion in progress.
type converter struct {
	ctx   context.Context
	tx    Tx
	actor Actor
	lead  Record
	owner any // the Owner value of the new records
}

// ConvertLead converts the lead named by rawID (path segment 1) as data[0] describes and returns
// the answer's element. A top-level error (unknown id, ID_ALREADY_CONVERTED, AUTHORIZATION_FAILED)
// comes back as err; an element's error as the Item with a nil result, and then the caller must
// discard the transaction, since records may have been made before the element was refused.
func ConvertLead(ctx context.Context, tx Tx, actor Actor, rawID string, data []any) (*ConvertResult, Item, error) {
	id, ok := ParseID(rawID)
	if !ok {
		return nil, Item{}, ErrPathID(MsgIDGivenInvalid, 1)
	}
	lead, err := tx.Record(ctx, actor.Org.ID, "Leads", id)
	if errors.Is(err, ErrNotFound) {
		if _, err := tx.RecordHead(ctx, actor.Org.ID, ConvertedLeads, id); err == nil {
			return nil, Item{}, ErrAlreadyConverted()
		} else if !errors.Is(err, ErrNotFound) {
			return nil, Item{}, err
		}
		return nil, Item{}, ErrPathID(MsgIDGivenInvalid, 1)
	}
	if err != nil {
		return nil, Item{}, err
	}
	if ok, err := CanChange(ctx, tx, actor, lead); err != nil {
		return nil, Item{}, err
	} else if !ok {
		return nil, Item{}, ErrAuthorizationFailed(MsgNoPrivilegeUpdateRecords)
	}
	in, ok := data[0].(map[string]any)
	if !ok {
		d := APIPath("data", "$.data[0]")
		d["expected_data_type"] = "jsonobject"
		return nil, ErrInvalidData(MsgInvalidData, d).Item(), nil
	}
	c := &converter{ctx: ctx, tx: tx, actor: actor, lead: lead, owner: map[string]any{"id": FormatID(lead.OwnerID)}}
	if v, given := in["assign_to"]; given && v != nil {
		c.owner = v
	}
	return c.run(in)
}

// run converts c.lead as in says.
func (c *converter) run(in map[string]any) (*ConvertResult, Item, error) {
	overwrite, _ := in["overwrite"].(bool)
	var deal map[string]any
	if v, given := in["Deals"]; given && v != nil {
		var ok bool
		if deal, ok = v.(map[string]any); !ok {
			d := APIPath("Deals", "$.data[0].Deals")
			d["expected_data_type"] = "jsonobject"
			return nil, ErrInvalidData(MsgInvalidData, d).Item(), nil
		}
		for _, f := range dealMandatory {
			if s, _ := deal[f].(string); strings.TrimSpace(s) == "" {
				return nil, ErrMandatory(MsgRequiredFieldNotFound, APIPath(f, "$.data[0]."+f)).Item(), nil
			}
		}
	}
	account, it, err := c.given(in, "Accounts")
	if err != nil || !it.OK() {
		return nil, it, err
	}
	contact, it, err := c.given(in, "Contacts")
	if err != nil || !it.OK() {
		return nil, it, err
	}
	// The account: given, else the one named as the lead's Company, else a new one.
	company, _ := c.lead.Data["Company"].(string)
	if account == nil && strings.TrimSpace(company) != "" {
		if account, err = c.match("Accounts", "Account_Name", company); err != nil {
			return nil, Item{}, err
		}
		if account == nil {
			if account, it, err = c.insert("Accounts", c.mapped(leadToAccount)); err != nil || !it.OK() {
				return nil, it, err
			}
		}
	}
	// The contact: given, else the one with the lead's Email, else a new one with the account.
	if email, _ := c.lead.Data["Email"].(string); contact == nil && email != "" {
		if contact, err = c.match("Contacts", "Email", email); err != nil {
			return nil, Item{}, err
		}
	}
	if contact == nil {
		fields := c.mapped(leadToContact)
		if account != nil {
			fields["Account_Name"] = map[string]any{"id": FormatID(account.ID)}
		}
		if contact, it, err = c.insert("Contacts", fields); err != nil || !it.OK() {
			return nil, it, err
		}
	} else if account != nil {
		if _, has := refID(contact.Data["Account_Name"]); !has || overwrite {
			contact.Data["Account_Name"] = map[string]any{"id": FormatID(account.ID)}
			contact.ModifiedBy, contact.ModifiedTime = c.actor.User.ID, c.tx.Now()
			if err := c.tx.UpdateRecords(c.ctx, []Record{*contact}); err != nil {
				return nil, Item{}, err
			}
		}
	}
	var dealRec *Record
	if deal != nil {
		fields := map[string]any{}
		for k, v := range deal {
			if k != "Pipeline" && k != "$move_attachments" && k != "Contact_Role" {
				fields[k] = v
			}
		}
		if _, given := fields["Lead_Source"]; !given && c.lead.Data["Lead_Source"] != nil {
			fields["Lead_Source"] = c.lead.Data["Lead_Source"]
		}
		fields["Contact_Name"] = map[string]any{"id": FormatID(contact.ID)}
		if account != nil {
			fields["Account_Name"] = map[string]any{"id": FormatID(account.ID)}
		}
		if dealRec, it, err = c.insert("Deals", fields); err != nil || !it.OK() {
			return nil, it, err
		}
	}
	if err := c.carryOver(contact, account, dealRec); err != nil {
		return nil, Item{}, err
	}
	if err := c.tx.EndEnrollmentsOf(c.ctx, c.actor.Org.ID, []int64{c.lead.ID}, EndConverted, c.actor.User.ID); err != nil {
		return nil, Item{}, err
	}
	if ok, err := c.tx.MarkConverted(c.ctx, c.actor.Org.ID, c.lead.ID, c.actor.User.ID); err != nil {
		return nil, Item{}, err
	} else if !ok {
		return nil, Item{}, ErrPathID(MsgIDGivenInvalid, 1)
	}
	res := &ConvertResult{Code: "SUCCESS", Message: MsgRecordConverted, Status: "success",
		Details: ConvertDetails{Contacts: c.ref("Contacts", contact), Deals: c.ref("Deals", dealRec), Accounts: c.ref("Accounts", account)}}
	return res, Item{}, nil
}

// given reads the record key names (Accounts or Contacts: {"id"} or a bare id) as a record of
// that module; nil when not given, an INVALID_DATA item naming the key when it is no such record.
func (c *converter) given(in map[string]any, key string) (*Record, Item, error) {
	v, ok := in[key]
	if !ok || v == nil {
		return nil, Success("", nil), nil
	}
	invalid := ErrInvalidData(MsgIDGivenInvalid, APIPath(key, "$.data[0]."+key)).Item()
	id, ok := refID(v)
	if !ok {
		return nil, invalid, nil
	}
	rec, err := c.tx.Record(c.ctx, c.actor.Org.ID, key, id)
	if errors.Is(err, ErrNotFound) {
		return nil, invalid, nil
	}
	if err != nil {
		return nil, Item{}, err
	}
	if ok, err := CanView(c.ctx, c.tx, c.actor, rec); err != nil || !ok {
		return nil, invalid, err
	}
	return &rec, Success("", nil), nil
}

// match returns the first record of module (oldest first) whose field equals value
// (case-insensitively, as Zoho's mapping matches), or nil.
func (c *converter) match(module, field, value string) (*Record, error) {
	crit := &Criteria{Cond: &Condition{Field: field, Operator: OpEquals, Kind: KindText, Values: []any{strings.ToLower(value)}}}
	recs, err := c.tx.ListRecords(c.ctx, RecordQuery{OrgID: c.actor.Org.ID, Module: module, Criteria: crit, SortBy: SortByID, Limit: 1})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return &recs[0], nil
}

// mapped returns the lead's values under the target fields of mapping.
func (c *converter) mapped(mapping [][2]string) map[string]any {
	out := map[string]any{}
	for _, m := range mapping {
		if v, ok := c.lead.Data[m[0]]; ok && v != nil {
			out[m[1]] = v
		}
	}
	return out
}

// insert makes a record of module from fields through the records service (its validation and
// duplicate checks), owned by c.owner; an element error comes back as the item.
func (c *converter) insert(module string, fields map[string]any) (*Record, Item, error) {
	m, ok := catalog.Standard(module)
	if !ok {
		return nil, Item{}, errors.New("convert: no module " + module)
	}
	fields["Owner"] = c.owner
	items, err := InsertRecords(c.ctx, c.tx, c.actor, m, []any{fields})
	if err != nil {
		return nil, Item{}, err // a store error (a rerun signal among them) passes unchanged
	}
	if !items[0].OK() {
		return nil, items[0], nil
	}
	id, _ := ParseID(items[0].Details["id"].(string))
	rec, err := c.tx.Record(c.ctx, c.actor.Org.ID, module, id)
	if err != nil {
		return nil, Item{}, err
	}
	return &rec, items[0], nil
}

// ref is a record as the answer names it, nil for none.
func (c *converter) ref(module string, rec *Record) *EntityRef {
	if rec == nil {
		return nil
	}
	m, _ := catalog.Standard(module)
	return &EntityRef{Name: RecordName(m, *rec), ID: FormatID(rec.ID)}
}

// carryOver moves what hangs off the lead to the records it became: notes to the contact,
// activities to the contact (Who_Id) and the deal or account (What_Id), campaign memberships and
// products to the contact (products to the account too).
func (c *converter) carryOver(contact, account, deal *Record) error {
	org, leadID := c.actor.Org.ID, FormatID(c.lead.ID)
	what := deal
	whatModule := "Deals"
	if what == nil {
		what, whatModule = account, "Accounts"
	}
	for _, att := range []struct{ module, field string }{{"Notes", "Parent_Id"}, {"Tasks", "What_Id"}, {"Calls", "What_Id"}, {"Events", "What_Id"}} {
		crit := &Criteria{Cond: &Condition{Field: att.field, Operator: OpEquals, Kind: KindRef, Values: []any{leadID}}}
		recs, err := c.tx.ListRecords(c.ctx, RecordQuery{OrgID: org, Module: att.module, Criteria: crit, SortBy: SortByID, Limit: 1 << 30})
		if err != nil {
			return err
		}
		for i := range recs {
			r := &recs[i]
			if storedModule(r.Data[att.field]) != "Leads" {
				continue
			}
			switch {
			case att.module == "Notes":
				r.Data["Parent_Id"] = map[string]any{"id": FormatID(contact.ID), "module": "Contacts"}
			case what != nil:
				r.Data["What_Id"] = map[string]any{"id": FormatID(what.ID), "module": whatModule}
				r.Data["Who_Id"] = map[string]any{"id": FormatID(contact.ID)}
			default:
				delete(r.Data, "What_Id")
				r.Data["Who_Id"] = map[string]any{"id": FormatID(contact.ID)}
			}
		}
		if err := c.tx.UpdateRecords(c.ctx, recs); err != nil {
			return err
		}
	}
	now := c.tx.Now()
	moves := []struct{ from, to, far string }{{"Campaigns:Leads", "Campaigns:Contacts", "Campaigns"}, {"Products:Leads", "Products:Contacts", "Products"}}
	if account != nil {
		moves = append(moves, struct{ from, to, far string }{"Products:Leads", "Products:Accounts", "Products"})
	}
	for _, mv := range moves {
		linked, err := c.tx.LinkedRecords(c.ctx, RelationEnd{OrgID: org, Kind: mv.from, ID: c.lead.ID}, mv.far, RelatedSlice{SortBy: SortByID, Limit: 1 << 30})
		if err != nil {
			return err
		}
		if len(linked) == 0 {
			continue
		}
		target := contact
		if strings.HasSuffix(mv.to, ":Accounts") {
			target = account
		}
		end := RelationEnd{OrgID: org, Kind: mv.to, ID: target.ID}
		links := make([]Link, len(linked))
		for i, l := range linked {
			links[i] = end.LinkTo(l.Link.AID, l.Link.Data, now)
		}
		if _, err := c.tx.LinkRecords(c.ctx, end, mv.far, links, false); err != nil {
			return err
		}
	}
	return c.tx.DeleteRelationsOf(c.ctx, org, []int64{c.lead.ID})
}
