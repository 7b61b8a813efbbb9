package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/meetd/meetd"
)

// countSQL counts the meetings an app created for an organizer since a time
// (unix microseconds), deleted ones included: the monthly limit's count.
const countSQL = "SELECT count(*) FROM meetings WHERE tenant_id = ? AND organizer_id = ? AND created_by = ? AND created_at >= ?"

// writeStmts are the writer connection's statements, prepared once.
type writeStmts struct {
	insert, byKey, count, update, state, delete *sql.Stmt
}

func prepareWrites(ctx context.Context, conn *sql.Conn) (*writeStmts, error) {
	w := &writeStmts{}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		// DO NOTHING on any unique index: the caller then asks whether the
		// key (a hit) or another id (a conflict) was taken.
		{&w.insert, `INSERT INTO meetings (id, tenant_id, organizer_id, external_id, thread_id, join_meeting_id, vtc_id, created_by, created_at, version, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&w.byKey, byKeySQL},
		{&w.count, countSQL},
		// The columns that identify a meeting never change; RETURNING gives
		// the stored ones so that the cache holds the truth.
		{&w.update, `UPDATE meetings SET data = ?, version = ?, created_at = ?
			WHERE thread_id = ? AND id = ? AND tenant_id = ? AND version = ? AND deleted_at IS NULL
			RETURNING organizer_id, external_id, thread_id, join_meeting_id, vtc_id, created_by`},
		{&w.state, "SELECT deleted_at IS NOT NULL FROM meetings WHERE thread_id = ? AND id = ? AND tenant_id = ?"},
		{&w.delete, "UPDATE meetings SET deleted_at = ? WHERE thread_id = ? AND id = ? AND tenant_id = ? AND deleted_at IS NULL RETURNING organizer_id, external_id"},
	} {
		stmt, err := conn.PrepareContext(ctx, p.query)
		if err != nil {
			w.close()
			return nil, err
		}
		*p.dst = stmt
	}
	return w, nil
}

func (w *writeStmts) close() {
	for _, s := range []*sql.Stmt{w.insert, w.byKey, w.count, w.update, w.state, w.delete} {
		if s != nil {
			s.Close()
		}
	}
}

// checkID refuses a meeting whose id is not meetd.MeetingID(organizer,
// thread): the store finds meetings by id through their thread.
func checkID(m *meetd.Meeting) error {
	if m.ID != meetd.MeetingID(m.OrganizerID, m.ThreadID) {
		return meetd.Errorf(meetd.EINVALID, "The meeting id does not match its organizer and thread.")
	}
	return nil
}

// storable returns the store's own copy of a new meeting and its encoded
// data, or why it cannot be stored.
func storable(m *meetd.Meeting) (*meetd.Meeting, string, error) {
	if err := checkID(m); err != nil {
		return nil, "", err
	}
	m = m.Clone()
	data, err := encodeData(m)
	if err != nil {
		return nil, "", mapErr(err, "create meeting")
	}
	return m, data, nil
}

// byKey reads the live meeting with the key in the transaction, or returns
// sql.ErrNoRows.
func (tx *wtx) byKey(k meetd.Key) (*meetd.Meeting, error) {
	m, _, err := scanByKey(tx.writeStmts.byKey.QueryRowContext(tx.ctx, k.TenantID, k.OrganizerID, k.ExternalID), k)
	return m, err
}

// remember puts a meeting that is durably stored into the cache and, if it
// has a createOrGet key, the key filter.
func (s *Store) remember(m *meetd.Meeting) {
	if m.ExternalID != "" {
		s.keys.add(m.Key())
	}
	s.cache.put(m)
}

func conflict() error {
	return meetd.Errorf(meetd.ECONFLICT, "The meeting's ids are taken by another meeting.")
}

// insert stores m in the open transaction and reports whether a row was
// added; false means a unique index already held one of its keys.
func (tx *wtx) insert(m *meetd.Meeting, data string) (bool, error) {
	res, err := tx.writeStmts.insert.ExecContext(tx.ctx, m.ID, m.TenantID, m.OrganizerID, m.ExternalID, m.ThreadID,
		m.JoinMeetingID, m.VideoTeleconferenceID, m.CreatedBy, micros(m.Created), m.Version, data)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	tx.seq, err = res.LastInsertId()
	return true, err
}

// CreateOrGetMeeting stores m unless a live meeting has its key, and returns
// the stored meeting and whether it created it. The unique index on the key
// settles races: of two creates with one key, the second inserts nothing and
// finds the first.
func (s *Store) CreateOrGetMeeting(ctx context.Context, m *meetd.Meeting) (*meetd.Meeting, bool, error) {
	if m.ExternalID == "" {
		return nil, false, meetd.Errorf(meetd.EINVALID, "CreateOrGetMeeting needs an external id.")
	}
	m, data, err := storable(m)
	if err != nil {
		return nil, false, err
	}
	var got *meetd.Meeting
	var created bool
	err = s.w.do(ctx, func(tx *wtx) error {
		got, created = nil, false
		ok, err := tx.insert(m, data)
		if err != nil {
			return err
		}
		if ok {
			got, created = m, true
			return nil
		}
		stored, err := tx.byKey(m.Key())
		if errors.Is(err, sql.ErrNoRows) {
			return conflict()
		}
		if err != nil {
			return err
		}
		got = stored
		return nil
	}, func() { s.remember(got) })
	if err != nil {
		return nil, false, err
	}
	return got, created, nil
}

// CreateMeetingWithin stores m, as CreateOrGetMeeting or CreateMeeting
// would, if its app has created fewer than q.Max meetings for the organizer
// since q.Since. The writer runs one op at a time, so the count it makes in
// the op's transaction, which sees the batch's earlier inserts, is exact.
func (s *Store) CreateMeetingWithin(ctx context.Context, m *meetd.Meeting, q meetd.Quota) (*meetd.Meeting, bool, error) {
	m, data, err := storable(m)
	if err != nil {
		return nil, false, err
	}
	since := microsCeil(q.Since)
	var got *meetd.Meeting
	var created bool
	err = s.w.do(ctx, func(tx *wtx) error {
		got, created = nil, false
		if m.ExternalID != "" {
			stored, err := tx.byKey(m.Key())
			if err == nil {
				got = stored
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var n int
		if err := tx.writeStmts.count.QueryRowContext(tx.ctx, m.TenantID, m.OrganizerID, m.CreatedBy, since).Scan(&n); err != nil {
			return err
		}
		if n >= q.Max {
			return meetd.Errorf(meetd.ETHROTTLED, "The app has created its quota of meetings for the organizer.")
		}
		ok, err := tx.insert(m, data)
		if err != nil {
			return err
		}
		if !ok {
			return conflict() // the key was free above, so an id was taken
		}
		got, created = m, true
		return nil
	}, func() { s.remember(got) })
	if err != nil {
		return nil, false, err
	}
	return got, created, nil
}

// CreateMeeting stores a meeting that has no external id.
func (s *Store) CreateMeeting(ctx context.Context, m *meetd.Meeting) error {
	m, data, err := storable(m)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(tx *wtx) error {
		ok, err := tx.insert(m, data)
		if err != nil {
			return err
		}
		if !ok {
			return conflict()
		}
		return nil
	}, func() { s.remember(m) })
}

// UpdateMeeting replaces the stored meeting with m if the stored version is
// m.Version-1. The fields that identify a meeting (its ids, tenant,
// organizer, external id and creating app) are never changed.
func (s *Store) UpdateMeeting(ctx context.Context, m *meetd.Meeting) error {
	m = m.Clone()
	data, err := encodeData(m)
	if err != nil {
		return mapErr(err, "update meeting")
	}
	return s.w.do(ctx, func(tx *wtx) error {
		err := tx.writeStmts.update.QueryRowContext(tx.ctx, data, m.Version, micros(m.Created), m.ThreadID, m.ID, m.TenantID, m.Version-1).
			Scan(&m.OrganizerID, &m.ExternalID, &m.ThreadID, &m.JoinMeetingID, &m.VideoTeleconferenceID, &m.CreatedBy)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// Nothing updated: gone, or another update came first.
		var deleted bool
		err = tx.writeStmts.state.QueryRowContext(tx.ctx, m.ThreadID, m.ID, m.TenantID).Scan(&deleted)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && deleted:
			return meetingNotFound()
		case err != nil:
			return err
		}
		return meetd.Errorf(meetd.ECONFLICT, "The meeting was changed by another request.")
	}, func() { s.cache.put(m) })
}

// DeleteMeeting deletes the live meeting. The row stays, marked deleted, so
// that its ids stay taken and its join link can say it was deleted; its
// external id is free again.
func (s *Store) DeleteMeeting(ctx context.Context, tenantID, id string) error {
	thread, ok := threadOf(id)
	if !ok {
		return meetingNotFound()
	}
	var k meetd.Key
	return s.w.do(ctx, func(tx *wtx) error {
		k = meetd.Key{TenantID: tenantID}
		err := tx.writeStmts.delete.QueryRowContext(tx.ctx, micros(time.Now()), thread, id, tenantID).Scan(&k.OrganizerID, &k.ExternalID)
		if errors.Is(err, sql.ErrNoRows) {
			return meetingNotFound()
		}
		return err
	}, func() { s.cache.remove(id, k) })
}
