package client

import (
	"context"
	"net/http"
)

// ConvertOptions describe a lead conversion (POST /Leads/{id}/actions/convert). The zero value
// converts the lead to a contact (and to an account when the lead has a Company), owned by the
// lead's owner.
type ConvertOptions struct {
	// Overwrite moves an existing contact (Contact) to the conversion's account when it has another.
	Overwrite bool
	// NotifyLeadOwner and NotifyNewEntityOwner ask Zoho to mail the owners about the conversion.
	NotifyLeadOwner, NotifyNewEntityOwner bool
	// Account and Contact, when not "", are ids of existing records to convert into.
	Account, Contact string
	// AssignTo, when not "", is the id of the user who owns the new records.
	AssignTo string
	// Deal, when not nil, makes a deal: Deal_Name, Stage and Closing_Date (YYYY-MM-DD) are
	// mandatory; Pipeline, Amount and the Deals module's other fields may be given.
	Deal Record
}

// body is the options as Zoho's request body.
func (o ConvertOptions) body() map[string]any {
	el := map[string]any{"overwrite": o.Overwrite, "notify_lead_owner": o.NotifyLeadOwner, "notify_new_entity_owner": o.NotifyNewEntityOwner}
	for key, id := range map[string]string{"Accounts": o.Account, "Contacts": o.Contact, "assign_to": o.AssignTo} {
		if id != "" {
			el[key] = map[string]any{"id": id}
		}
	}
	if o.Deal != nil {
		el["Deals"] = o.Deal
	}
	return map[string]any{"data": []any{el}}
}

// Converted is what a lead became: the contact, and the account and deal (nil when none).
type Converted struct {
	Contact       Ref
	Account, Deal *Ref
}

// ConvertLead converts a lead: POST /Leads/{id}/actions/convert. A refused conversion (an invalid
// account or contact id, a missing mandatory deal field, a lead converted before: Zoho's
// ID_ALREADY_CONVERTED) is an *APIError and changes nothing.
func (c *Client) ConvertLead(ctx context.Context, id string, opts ConvertOptions) (Converted, error) {
	res, err := c.call(ctx, http.MethodPost, pathOf("Leads", id, "actions", "convert"), nil, opts.body(), nil)
	if err != nil {
		return Converted{}, err
	}
	if res.StatusCode != http.StatusOK {
		if items, _ := res.Items("data"); len(items.Items) == 1 {
			return Converted{}, items.Items[0].Err()
		}
		return Converted{}, res.errorOf()
	}
	var out struct {
		Data []struct {
			Details struct {
				Contacts Ref  `json:"Contacts"`
				Deals    *Ref `json:"Deals"`
				Accounts *Ref `json:"Accounts"`
			} `json:"details"`
		} `json:"data"`
	}
	if err := res.JSON(&out); err != nil || len(out.Data) != 1 {
		return Converted{}, res.errorOf()
	}
	d := out.Data[0].Details
	return Converted{Contact: d.Contacts, Account: d.Accounts, Deal: d.Deals}, nil
}
