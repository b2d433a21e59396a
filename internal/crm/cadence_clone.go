package crm

import "context"

// MsgCadenceCloned is Zoho's message for a cloned cadence (postCloneCadences).
const MsgCadenceCloned = "Cadences cloned successfully"

// ActionClone is POST /settings/automation/cadences/{id}/actions/clone.
const ActionClone = "clone"

// CloneCadence is Zoho's postCloneCadences: a new draft cadence made of the body's one cadence
// (name, module and type mandatory, custom_view for a custom-view cadence, description and
// execution_details as on create) and a copy of the source cadence's follow-up tree, every
// follow-up, action and unenrol rule with a new id. What the body leaves out of description and
// execution_details is the source's; a follow_ups key is not part of Zoho's clone body and is
// ignored. Errors are create's (name taken, mandatory keys, wrong types), as Zoho's clone examples
// show; an unknown source id is 400 INVALID_DATA resource_path_index 3.
func CloneCadence(ctx context.Context, tx Tx, actor Actor, id int64, body map[string]any) (Item, error) {
	src, err := lookupCadence(ctx, tx, actor.Org.ID, id)
	if err != nil {
		return Item{}, err
	}
	list, err := cadenceItems(body, 1)
	if err != nil {
		return Item{}, err
	}
	const base = "$.cadences[0]"
	raw, ok := list[0].(map[string]any)
	if !ok {
		return errType("cadences", base, "jsonobject").Item(), nil
	}
	item := make(map[string]any, len(raw))
	for k, v := range raw {
		if k != "follow_ups" {
			item[k] = v
		}
	}
	r := &cadenceReader{ctx: ctx, tx: tx, env: newCadenceEnv(ctx, tx, actor.Org), base: base}
	in, e, err := r.read(item, nil)
	if e != nil || err != nil {
		return itemOf(e), err
	}
	if e, err := r.nameFree(*in.name, 0, 0); e != nil || err != nil {
		return itemOf(e), err
	}
	if !in.execGiven && src.ExecutionDetails != nil {
		in.exec, in.execGiven = CloneJSON(src.ExecutionDetails).(map[string]any), true
		if props, ok := in.exec["unenroll_properties"].([]any); ok {
			for _, p := range props {
				delete(p.(map[string]any), "id") // apply gives each rule a new id
			}
		}
	}
	if in.description == nil && src.Description != "" {
		in.description = &src.Description
	}
	if in.followUps, err = cloneFollowUps(ctx, tx, src.FollowUps); err != nil {
		return Item{}, err
	}
	in.followUpsGiven = true
	c, err := insertDraft(ctx, tx, r, actor, in)
	if err != nil {
		return Item{}, err
	}
	return Success(MsgCadenceCloned, map[string]any{"id": FormatID(c.ID)}), nil
}

// cloneFollowUps copies a follow-up list with new follow-up and action ids, a parent named by
// id renamed to its copy's new id (one named by reference_id needs nothing: the copy keeps it).
func cloneFollowUps(ctx context.Context, tx Tx, src []map[string]any) ([]map[string]any, error) {
	ids, err := tx.NewIDs(ctx, 2*len(src))
	if err != nil {
		return nil, err
	}
	renamed := map[string]string{} // old follow-up id → new
	out := make([]map[string]any, len(src))
	for i, fu := range src {
		cp := CloneJSON(fu).(map[string]any)
		if old, ok := cp["id"].(string); ok {
			renamed[old] = FormatID(ids[2*i])
		}
		cp["id"] = FormatID(ids[2*i])
		if action, ok := cp["action"].(map[string]any); ok {
			action["id"] = FormatID(ids[2*i+1])
		}
		out[i] = cp
	}
	for _, fu := range out {
		if parent, ok := fu["parent_follow_up"].(map[string]any); ok {
			if old, ok := jsonID(parent["id"]); ok && renamed[FormatID(old)] != "" {
				parent["id"] = renamed[FormatID(old)]
			}
		}
	}
	return out, nil
}
