package main

import (
	"context"
	"fmt"
)

// openPostgres opens the PostgreSQL store.
func openPostgres(ctx context.Context, dsn string, server bool) (*openedStore, error) {
	return nil, fmt.Errorf("%w: PostgreSQL support is not built yet", errUsage)
}
