package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

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
	return &openedStore{Store: st, keys: st, kind: describePostgres(dsn)}, nil
}

// describePostgres names the database a DSN points at for the log, without
// its password or any other setting: postgres://user@host:port/database.
func describePostgres(dsn string) string {
	c, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "postgres"
	}
	u := url.URL{Scheme: "postgres", User: url.User(c.User), Host: net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), Path: "/" + c.Database}
	return u.String()
}
