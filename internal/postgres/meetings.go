package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
)

// insertMeeting writes a meeting and claims its ids in meeting_ids in one
// statement, so both happen or neither does. $12 is the ON CONFLICT clause:
// empty for a plain create, where a taken key is a unique violation like any
// other. It returns the number of meetings written: 0 when the live
// createOrGet key is taken.
const insertMeeting = `
WITH m AS (
	` + insertMeetings + `
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
	%s
	` + returnIDs + `
), ` + claimIDs + `
SELECT count(*) FROM m`

// insertMeetings starts both insert statements (this file's and
// insert.go's): the columns they give, in their order.
const insertMeetings = `INSERT INTO meetings (tenant_id, id, organizer_id, external_id, created_by, thread_id,
		join_meeting_id, vtc_id, version, created, data)`

// returnIDs ends an insert's CTE m with what claimIDs reads from it.
const returnIDs = `RETURNING tenant_id, id, thread_id, join_meeting_id, vtc_id`

// claimIDs is the part of an insert that claims, in meeting_ids, the ids of
// the meetings that its CTE m wrote (and returned with returnIDs).
const claimIDs = `ids AS (
	INSERT INTO meeting_ids (kind, value, tenant_id, meeting_id)
	SELECT x.kind, x.value, m.tenant_id, m.id
	FROM m CROSS JOIN LATERAL (VALUES
		('id', m.id), ('thread', m.thread_id), ('join', m.join_meeting_id), ('vtc', m.vtc_id)
	) AS x (kind, value)
	WHERE x.value <> ''
)`

// onKeyConflict names the partial unique index of the createOrGet key.
const onKeyConflict = `ON CONFLICT (tenant_id, organizer_id, external_id)
	WHERE deleted_at IS NULL AND external_id <> '' DO NOTHING`

var (
	createOrGetSQL = fmt.Sprintf(insertMeeting, onKeyConflict)
	createSQL      = fmt.Sprintf(insertMeeting, "")
)

// meetingColumns are what scanMeeting reads, in order.
const meetingColumns = `m.tenant_id, m.id, m.organizer_id, m.external_id, m.created_by, m.thread_id,
	m.join_meeting_id, m.vtc_id, m.version, m.deleted_at IS NOT NULL, m.data::text`

// CreateMeeting stores a meeting that has no external id.
func (s *Store) CreateMeeting(ctx context.Context, m *meetd.Meeting) error {
	args, _, err := insertArgs(m)
	if err != nil {
		return err
	}
	_, err = s.insert(ctx, createSQL, args)
	return err
}

func (s *Store) insert(ctx context.Context, sql string, args []any) (int64, error) {
	if err := storableText(args...); err != nil {
		return 0, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var n int64
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&n)
	if err != nil {
		err = s.translate("insert meeting", err)
		if meetd.ErrorCode(err) == meetd.ECONFLICT {
			err.(*meetd.Error).Message = "An id of the meeting is taken by another meeting."
		}
		return 0, err
	}
	return n, nil
}

// insertArgs returns the arguments of insertMeeting for m, and its data.
func insertArgs(m *meetd.Meeting) ([]any, []byte, error) {
	data, err := encodeRecord(m)
	if err != nil {
		return nil, nil, err
	}
	return []any{m.TenantID, m.ID, m.OrganizerID, m.ExternalID, m.CreatedBy, m.ThreadID,
		m.JoinMeetingID, m.VideoTeleconferenceID, m.Version, m.Created.UTC(), string(data)}, data, nil
}

// storedCopy returns the meeting as a read will return it: the store's own
// copy, with times in UTC. It copies m rather than decoding data again (a
// decode was a seventh of a create's CPU time); only strings that the JSON of
// data cannot hold as they are (invalid UTF-8, which encoding turns into
// U+FFFD) send it back to the decode, so that the copy always equals a read.
func storedCopy(m *meetd.Meeting, data []byte) (*meetd.Meeting, error) {
	if !dataValidUTF8(m) {
		c := &meetd.Meeting{
			ID: m.ID, TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: m.ExternalID,
			CreatedBy: m.CreatedBy, Version: m.Version, ThreadID: m.ThreadID, JoinMeetingID: m.JoinMeetingID,
			VideoTeleconferenceID: m.VideoTeleconferenceID,
		}
		if err := decodeRecord(c, data); err != nil {
			return nil, &meetd.Error{Code: meetd.EINTERNAL, Message: msgInternal, Err: err}
		}
		return c, nil
	}
	c := m.Clone()
	c.Start, c.End, c.Created, c.Modified = m.Start.UTC(), m.End.UTC(), m.Created.UTC(), m.Modified.UTC()
	return c, nil
}

// dataValidUTF8 reports whether every string of m that data holds is valid
// UTF-8. (The indexed columns are text, which PostgreSQL checks itself.)
func dataValidUTF8(m *meetd.Meeting) bool {
	st := &m.Settings
	for _, s := range [...]string{m.Subject, m.Passcode, m.ConferenceID,
		m.ChatInfo.ThreadID, m.ChatInfo.MessageID, m.ChatInfo.ReplyChainMessageID,
		st.AllowedPresenters, st.AllowedLobbyAdmitters, st.LobbyBypassScope, st.AllowMeetingChat, st.AllowLiveShare,
		st.ShareMeetingChatHistoryDefault} {
		if !utf8.ValidString(s) {
			return false
		}
	}
	for _, r := range st.AnonymizeIdentityForRoles {
		if !utf8.ValidString(string(r)) {
			return false
		}
	}
	if !participantValidUTF8(&m.Organizer) {
		return false
	}
	for i := range m.Attendees {
		if !participantValidUTF8(&m.Attendees[i]) {
			return false
		}
	}
	return true
}

func participantValidUTF8(p *meetd.Participant) bool {
	return utf8.ValidString(string(p.Identity.Kind)) && utf8.ValidString(p.Identity.ID) &&
		utf8.ValidString(p.Identity.DisplayName) && utf8.ValidString(p.Identity.TenantID) &&
		utf8.ValidString(p.UPN) && utf8.ValidString(string(p.Role))
}

// Meeting returns the live meeting with the id in the tenant.
func (s *Store) Meeting(ctx context.Context, tenantID, id string) (*meetd.Meeting, error) {
	m, _, err := s.queryOne(ctx, "meeting", `SELECT `+meetingColumns+` FROM meetings m
		WHERE m.tenant_id = $1 AND m.id = $2 AND m.deleted_at IS NULL`, tenantID, id)
	return m, err
}

// MeetingByThread returns the meeting with the thread id in any tenant,
// deleted ones included. meeting_ids says which tenant holds the thread, so
// the meeting is then read by its primary key: on a cluster sharded by
// tenant that is one shard, not all of them.
func (s *Store) MeetingByThread(ctx context.Context, threadID string) (*meetd.Meeting, bool, error) {
	if threadID == "" {
		return nil, false, notFound()
	}
	return s.queryOne(ctx, "meeting by thread", `SELECT `+meetingColumns+` FROM meetings m
		WHERE (m.tenant_id, m.id) = (SELECT tenant_id, meeting_id FROM meeting_ids WHERE kind = 'thread' AND value = $1)`,
		threadID)
}

// FindMeetings returns the tenant's live meetings that match every field set
// in f, oldest first.
func (s *Store) FindMeetings(ctx context.Context, tenantID string, f meetd.Filter) ([]*meetd.Meeting, error) {
	where := []string{"m.tenant_id = $1", "m.deleted_at IS NULL"}
	args := []any{tenantID}
	for _, c := range []struct{ column, value string }{
		{"organizer_id", f.OrganizerID},
		{"thread_id", f.ThreadID},
		{"join_meeting_id", f.JoinMeetingID},
		{"vtc_id", f.VideoTeleconferenceID},
	} {
		if c.value != "" {
			args = append(args, c.value)
			where = append(where, fmt.Sprintf("m.%s = $%d", c.column, len(args)))
		}
	}
	if len(args) == 1 {
		return nil, meetd.Errorf(meetd.EINVALID, "A meeting filter needs at least one field.")
	}
	if err := storableText(args...); err != nil {
		return nil, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT `+meetingColumns+` FROM meetings m WHERE `+
		strings.Join(where, " AND ")+` ORDER BY m.created, m.id`, args...)
	if err != nil {
		return nil, s.translate("find meetings", err)
	}
	ms := []*meetd.Meeting{}
	for rows.Next() {
		m, _, err := scanMeeting(rows)
		if err != nil {
			rows.Close()
			return nil, s.translate("find meetings", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate("find meetings", err)
	}
	return ms, nil
}

// UpdateMeeting replaces the stored meeting's changeable fields if its
// version is still m.Version-1. Its ids, organizer, key and creator never
// change.
func (s *Store) UpdateMeeting(ctx context.Context, m *meetd.Meeting) error {
	data, err := encodeRecord(m)
	if err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, `UPDATE meetings SET version = $3, data = $4::jsonb
		WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL AND version = $3 - 1`,
		m.TenantID, m.ID, m.Version, string(data))
	// Under a REPEATABLE READ or SERIALIZABLE default a row another
	// transaction changed since the statement's snapshot fails it with a
	// serialization failure where READ COMMITTED would find the version
	// moved: that is the conflict below, which the caller retries, not an
	// outage.
	if err != nil && !serializationFailure(err) {
		return s.translate("update meeting", err)
	}
	if err == nil && tag.RowsAffected() == 1 {
		return nil
	}
	// Nothing matched: gone, or another update came first.
	var live bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM meetings
		WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)`, m.TenantID, m.ID).Scan(&live)
	if err != nil {
		return s.translate("update meeting", err)
	}
	if !live {
		return notFound()
	}
	return meetd.Errorf(meetd.ECONFLICT, "The meeting was changed by another request.")
}

// DeleteMeeting marks the live meeting deleted: its external id is free
// again, its other ids stay taken and its join page says it was deleted.
func (s *Store) DeleteMeeting(ctx context.Context, tenantID, id string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	const deleteSQL = `UPDATE meetings SET deleted_at = now()
		WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`
	tag, err := s.pool.Exec(ctx, deleteSQL, tenantID, id)
	// A serialization failure (a REPEATABLE READ default, and an update
	// committed since the statement's snapshot) changed nothing: a new
	// statement, with a new snapshot, deletes what READ COMMITTED would.
	for i := 0; i < 3 && serializationFailure(err); i++ {
		tag, err = s.pool.Exec(ctx, deleteSQL, tenantID, id)
	}
	if err != nil {
		return s.translate("delete meeting", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound()
	}
	return nil
}

// queryOne runs a query for at most one meeting; ENOTFOUND when there is none.
func (s *Store) queryOne(ctx context.Context, op, sql string, args ...any) (*meetd.Meeting, bool, error) {
	if err := storableText(args...); err != nil {
		return nil, false, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	m, deleted, err := scanMeeting(s.pool.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, notFound()
	}
	if err != nil {
		return nil, false, s.translate(op, err)
	}
	return m, deleted, nil
}

// scanMeeting reads one row of meetingColumns.
func scanMeeting(row pgx.Row) (*meetd.Meeting, bool, error) {
	var m meetd.Meeting
	var deleted bool
	var data []byte
	if err := row.Scan(&m.TenantID, &m.ID, &m.OrganizerID, &m.ExternalID, &m.CreatedBy, &m.ThreadID,
		&m.JoinMeetingID, &m.VideoTeleconferenceID, &m.Version, &deleted, &data); err != nil {
		return nil, false, err
	}
	if err := decodeRecord(&m, data); err != nil {
		return nil, false, err
	}
	return &m, deleted, nil
}

func notFound() error {
	return meetd.Errorf(meetd.ENOTFOUND, "The meeting was not found.")
}
