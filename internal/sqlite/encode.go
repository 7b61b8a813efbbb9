package sqlite

import (
	"fmt"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/record"
)

// The data column holds a meeting's fields that have no column of their own,
// as internal/record's JSON document: written and read by hand, because
// every create pays for the one and every read that misses the cache for
// the other, and encoding/json's reflection cost several times as much.

// encodeData returns the data column of m.
func encodeData(m *meetd.Meeting) (string, error) {
	b, err := record.Encode(m)
	if err != nil {
		return "", fmt.Errorf("encode meeting %s: %w", m.ID, err)
	}
	return string(b), nil
}

// decodeData fills the fields of m that live in the data column.
func decodeData(m *meetd.Meeting, b []byte) error {
	if err := record.Decode(m, b); err != nil {
		return fmt.Errorf("decode meeting %s: %w", m.ID, err)
	}
	return nil
}
