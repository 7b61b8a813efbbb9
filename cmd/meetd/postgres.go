package main

import (
	"context"
	"fmt"

	"github.com/meetd/meetd/internal/postgres"
)

// openPostgres opens the PostgreSQL store. The issuer's signing key and the
// access policies live in the database too, so every replica verifies the
// same tokens and sees the same grants; no data folder is needed.
func openPostgres(ctx context.Context, dsn string, server bool) (*openedStore, error) {
	st, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL store: %w", err)
	}
	return &openedStore{Store: st, keys: st, kind: "postgres"}, nil
}
