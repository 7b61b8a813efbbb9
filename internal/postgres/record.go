package postgres

import (
	"fmt"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/record"
)

// meetings.data holds a meeting's fields beyond its indexed columns as
// internal/record's document, the one the SQLite store keeps too. Rows
// written before this store used it hold every member, empty or not, and
// PostgreSQL hands jsonb back with its own member order and spacing:
// record.Decode reads all of these, without encoding/json's reflection
// (~23 µs a read).

// encodeRecord returns the JSON of m's unindexed fields.
func encodeRecord(m *meetd.Meeting) ([]byte, error) {
	for _, t := range []time.Time{m.Start, m.End, m.Created, m.Modified} {
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return nil, meetd.Errorf(meetd.EINVALID, "Times must fall in the years 1 to 9999.")
		}
	}
	return record.Encode(m)
}

// decodeRecord sets m's unindexed fields from their JSON.
func decodeRecord(m *meetd.Meeting, data []byte) error {
	if err := record.Decode(m, data); err != nil {
		return fmt.Errorf("meeting %s: data: %w", m.ID, err)
	}
	return nil
}
