package cli

import (
	"context"
	"errors"
)

// TODO(oauth): client create, grant and token.

func runClientCreate(ctx context.Context, e env, args []string) error {
	return errors.New("not implemented yet")
}
func runGrant(ctx context.Context, e env, args []string) error {
	return errors.New("not implemented yet")
}
func runToken(ctx context.Context, e env, args []string) error {
	return errors.New("not implemented yet")
}
