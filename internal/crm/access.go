package crm

import (
	"context"
	"errors"
)

// Data sharing, as Zoho's org-wide sharing defaults have it per module: under "Private" only a
// record's owner and the users above the owner in the role hierarchy may view it; under "Public Read
// Only" everyone may view it and only they may change it; under "Public" everyone may do both.
// zcrm has no role hierarchy, so "the owner's superiors" reduce to administrators (profile
// Administrator), who see and change everything. The whole rule lives here: VisibleOwner for what
// a user may read (lists restrict their SQL by it, single records check it through CanView) and
// CanChange for what they may change.

// VisibleOwner returns the user whose records are the only ones of module actor may read, or 0 when
// actor may read them all: actor's own id under private sharing, unless actor is an administrator.
// Store queries take it as their owner restriction (crm.RecordQuery.OwnerID, RelatedSlice.OwnerID).
func VisibleOwner(ctx context.Context, tx Tx, actor Actor, module string) (int64, error) {
	if actor.Profile.Admin {
		return 0, nil
	}
	access, err := tx.Sharing(ctx, actor.Org.ID, module)
	if err != nil || access != SharingPrivate {
		return 0, err
	}
	return actor.User.ID, nil
}

// CanView reports whether actor may read rec under data sharing (VisibleOwner). A record actor may
// not read is answered as one that does not exist, as Zoho answers it.
func CanView(ctx context.Context, tx Tx, actor Actor, rec Record) (bool, error) {
	owner, err := VisibleOwner(ctx, tx, actor, rec.Module)
	if err != nil {
		return false, err
	}
	return owner == 0 || rec.OwnerID == owner, nil
}

// CanChange reports whether actor may change rec under data sharing: administrators and the owner
// always, others only when the module's sharing is public (not public_read_only, not private).
func CanChange(ctx context.Context, tx Tx, actor Actor, rec Record) (bool, error) {
	if actor.Profile.Admin || rec.OwnerID == actor.User.ID {
		return true, nil
	}
	access, err := tx.Sharing(ctx, actor.Org.ID, rec.Module)
	if err != nil {
		return false, err
	}
	return access == SharingPublic, nil
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
