package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
)

// issuerKey names the dev token issuer's key in signing_keys.
const issuerKey = "issuer"

// LoadOrCreateKey returns the token issuer's signing key (PEM) stored in the
// database, so that every replica signs and verifies with the same one. When
// none is stored it calls generate and stores the result; replicas that race
// to do so all return the one key that was stored first (auth.KeyStore).
func (s *Store) LoadOrCreateKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, error) {
	if pem, err := s.loadKey(ctx); err == nil || meetd.ErrorCode(err) != meetd.ENOTFOUND {
		return pem, err
	}
	pem, err := generate()
	if err != nil {
		return nil, err
	}
	bctx, cancel := s.bound(ctx)
	defer cancel()
	// A replica that lost the race inserts nothing and reads the winner's.
	_, err = s.pool.Exec(bctx, `INSERT INTO signing_keys (name, pem) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		issuerKey, string(pem))
	// Under a REPEATABLE READ default, losing to a key committed after the
	// statement's snapshot is a serialization failure rather than nothing
	// inserted: the winner's key is there all the same.
	if err != nil && !serializationFailure(err) {
		return nil, s.translate("store signing key", err)
	}
	return s.loadKey(ctx)
}

func (s *Store) loadKey(ctx context.Context) ([]byte, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var pem string
	err := s.pool.QueryRow(ctx, `SELECT pem FROM signing_keys WHERE name = $1`, issuerKey).Scan(&pem)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, meetd.Errorf(meetd.ENOTFOUND, "No signing key is stored.")
	}
	if err != nil {
		return nil, s.translate("load signing key", err)
	}
	return []byte(pem), nil
}
