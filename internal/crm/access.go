package crm

import "context"

// CanChange reports whether the actor may change rec under its module's data-sharing rule: an
// Administrator or the record's owner always may; anyone else only when the module is public.
// Callers answer AUTHORIZATION_FAILED (400) with their endpoint's message when it is false.
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
