package main

import (
	"context"
	"fmt"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/postgres"
)

// openPostgres opens the PostgreSQL store. The issuer's signing key and the
// access policies live in the database too, so every replica verifies the
// same tokens and sees the same grants; no data folder is needed.
func openPostgres(ctx context.Context, dsn string) (*openedStore, error) {
	st, err := postgres.Open(ctx, dsn, postgres.Options{})
	switch {
	case meetd.ErrorCode(err) == meetd.EINVALID: // the DSN: how meetd was called
		return nil, fmt.Errorf("%w: --db: %w", errUsage, err)
	case err != nil:
		return nil, fmt.Errorf("open PostgreSQL store: %w", err)
	}
	return &openedStore{Store: st, keys: st, kind: "postgres"}, nil
}
