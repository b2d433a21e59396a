package crm

import (
	"context"
	"errors"
)

// CanChange reports whether actor may change rec under data sharing: administrators and the owner
// always, others when the module's org-wide sharing is not private.
func CanChange(ctx context.Context, tx Tx, actor Actor, rec Record) (bool, error) {
	if actor.Profile.Admin || rec.OwnerID == actor.User.ID {
		return true, nil
	}
	access, err := tx.Sharing(ctx, actor.Org.ID, rec.Module)
	if err != nil {
		return false, err
	}
	return access != SharingPrivate, nil
}

// changeUnder runs plain, a set change hanging off the record id of module (a relation's parent,
// the deal of contact roles), as actor. An administrator's change runs at once: when it changed
// anything the record exists (a link or a role row lives only as long as its records), and only
// when it changed nothing is the record looked up. Anyone else's record is looked up first and
// data sharing decides (CanChange). A missing record fails as the path's parent id does
// (INVALID_DATA "the related id given seems to be invalid", index 1); a refusal with
// AUTHORIZATION_FAILED (denied).
func changeUnder(ctx context.Context, tx Tx, actor Actor, module string, id int64, denied string,
	plain func() (map[int64]bool, error)) (map[int64]bool, error) {
	if actor.Profile.Admin {
		changed, err := plain()
		if err != nil || len(changed) > 0 {
			return changed, err
		}
	}
	head, err := tx.RecordHead(ctx, actor.Org.ID, module, id)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrPathID(MsgRelatedIDGivenInvalid, 1)
	}
	if err != nil {
		return nil, err
	}
	if actor.Profile.Admin {
		return map[int64]bool{}, nil // nothing changed
	}
	if ok, err := CanChange(ctx, tx, actor, head); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrAuthorizationFailed(denied)
	}
	return plain()
}
