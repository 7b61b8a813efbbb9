package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/meetd/meetd/internal/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key that serialises migrations between
// replicas starting together: the first to take it migrates, the others wait
// and then find nothing left to do. Its value is arbitrary but fixed.
const migrationLock int64 = 0x6d65657464_01 // "meetd", 1

// migrations returns the embedded migrations in version order.
func migrations() ([]migration.File, error) { return migration.Load(migrationFiles, "migrations") }

// migrate applies the migrations the database lacks, in one transaction under
// the advisory lock: PostgreSQL's DDL is transactional, so a replica that dies
// half-way leaves the schema as it was. A database that has migrations this
// binary does not know (a newer release ran) is left alone, so that replicas
// of the old release keep serving during a rolling upgrade; later releases
// must therefore only add to the schema.
//
// The transaction is READ COMMITTED whatever the database's or role's
// default: under REPEATABLE READ its first statement, the lock's, would fix
// the snapshot before the lock was granted, so a replica that waited for
// another's migration would not see its schema_migrations rows and would
// apply them again ("relation meetings already exists").
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		done := make(map[int]bool, len(applied))
		for _, v := range applied {
			done[int(v)] = true
		}
		for _, m := range ms {
			if done[m.Version] {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return err
			}
		}
		return nil
	})
}
