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

// Guard names the record a set change hangs off (a relation's parent record, the deal of contact
// roles) and who makes the change, so that the store can check and change in one statement: it
// applies the change only when the record exists and Decides its owner.
type Guard struct {
	OrgID  int64
	Module string
	ID     int64
	Admin  bool  // the actor's profile is an administrator's
	UserID int64 // the actor
}

// GuardFor is the guard of actor's change hanging off the record id of module.
func GuardFor(actor Actor, module string, id int64) Guard {
	return Guard{OrgID: actor.Org.ID, Module: module, ID: id, Admin: actor.Profile.Admin, UserID: actor.User.ID}
}

// Decides reports whether the guard's actor may change a record owned by owner without looking at
// data sharing (CanChange's first rule).
func (g Guard) Decides(owner int64) bool { return g.Admin || owner == g.UserID }

// guardedChange runs a set change hanging off g's record. An administrator's change runs plain at
// once: when it changed anything the record exists (a link or a role row lives only as long as its
// records), and only when it changed nothing is the record looked up. Anyone else's runs guarded:
// the store applies it when it can decide the actor's right alone (returning the record's head and
// the changed ids, nil when it did not apply it); otherwise CanChange decides, and plain applies it.
// A missing record fails as the path's parent id does (INVALID_DATA "the related id given seems to be
// invalid", index 1); a refusal with AUTHORIZATION_FAILED (denied).
func guardedChange(ctx context.Context, tx Tx, actor Actor, g Guard, denied string,
	guarded func() (Record, map[int64]bool, error), plain func() (map[int64]bool, error)) (map[int64]bool, error) {
	if g.Admin {
		// An administrator may change any record: the change itself shows the record exists when it
		// changed anything (a link or role row exists only while both its records do).
		changed, err := plain()
		if err != nil || len(changed) > 0 {
			return changed, err
		}
		if _, err := tx.RecordHead(ctx, g.OrgID, g.Module, g.ID); errors.Is(err, ErrNotFound) {
			return nil, ErrPathID(MsgRelatedID, 1)
		} else if err != nil {
			return nil, err
		}
		return changed, nil
	}
	head, changed, err := guarded()
	if errors.Is(err, ErrNotFound) {
		return nil, ErrPathID(MsgRelatedID, 1)
	}
	if err != nil || changed != nil {
		return changed, err
	}
	ok, err := CanChange(ctx, tx, actor, head)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrAuthorizationFailed(denied)
	}
	return plain()
}
