package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/meetd/meetd"
)

// insertMeetingsSQL is insertMeeting's createOrGet statement for a batch:
// $1–$11 are arrays of the meetings' columns, in key order. It returns the
// ids of the meetings it wrote; a meeting whose key was taken is not written.
// One statement is one transaction: the batch's meetings are committed, and
// flushed to disk, together.
const insertMeetingsSQL = `
WITH m AS (
	` + insertMeetings + `
	SELECT k.tenant_id, k.id, k.organizer_id, k.external_id, k.created_by, k.thread_id,
		k.join_meeting_id, k.vtc_id, k.version, k.created, k.data::jsonb
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::bigint[], $10::timestamptz[], $11::text[])
		AS k (tenant_id, id, organizer_id, external_id, created_by, thread_id, join_meeting_id,
			vtc_id, version, created, data)
	` + onKeyConflict + `
	` + returnIDs + `
), ` + claimIDs + `
SELECT id FROM m`

// Batches of createOrGet inserts: at most maxInserts meetings each, and at
// most insertRunners statements in flight (batch.go says when more than one).
const (
	insertRunners = 4
	maxInserts    = 64
)

// keyInsert is one CreateOrGetMeeting call waiting for its batch.
type keyInsert struct {
	m        *meetd.Meeting
	data     string
	deadline time.Time // the store's timeout from the call, queueing included
	done     chan struct{}
	// Set by the batch before done is closed.
	outcome insertOutcome
	err     error
}

type insertOutcome int

const (
	inserted insertOutcome = iota + 1
	keyTaken               // a live meeting has the key
	alone                  // not settled by the batch: insert it on its own
)

// CreateOrGetMeeting stores m unless a live meeting with its key exists, and
// returns the stored meeting and whether it created it. The key's unique
// index settles races: a losing INSERT does nothing and the winner is read.
// Calls made at once are inserted in one statement, one transaction
// (batch.go).
func (s *Store) CreateOrGetMeeting(ctx context.Context, m *meetd.Meeting) (*meetd.Meeting, bool, error) {
	if m.ExternalID == "" {
		return nil, false, meetd.Errorf(meetd.EINVALID, "A createOrGet meeting needs an external id.")
	}
	args, data, err := insertArgs(m)
	if err != nil {
		return nil, false, err
	}
	if err := storableText(args...); err != nil {
		return nil, false, err
	}
	c := &keyInsert{m: m, data: args[len(args)-1].(string), deadline: time.Now().Add(s.timeout), done: make(chan struct{})}
	s.inserts.add(c)
	select {
	case <-c.done:
	case <-ctx.Done():
		// The batch may still store the meeting: like a lost answer, the
		// next createOrGet for the key returns it.
		return nil, false, s.translate("insert meeting", ctx.Err())
	}
	switch c.outcome {
	case inserted:
		stored, err := storedCopy(m, data)
		return stored, true, err
	case keyTaken:
		got, err := s.MeetingByKey(ctx, m.Key())
		if meetd.ErrorCode(err) != meetd.ENOTFOUND {
			return got, false, err
		}
		// Deleted since: the key is free again.
	}
	if c.err != nil {
		return nil, false, c.err
	}
	return s.createOrGetAlone(ctx, m, args, data)
}

// createOrGetAlone is CreateOrGetMeeting in statements of its own, for a
// meeting its batch did not settle.
func (s *Store) createOrGetAlone(ctx context.Context, m *meetd.Meeting, args []any, data []byte) (*meetd.Meeting, bool, error) {
	// A loser can find the winner deleted before it reads it; the key is
	// then free and inserting again settles it. Three rounds are plenty.
	for range 3 {
		n, err := s.insert(ctx, createOrGetSQL, args)
		if serializationFailure(err) {
			// Under a REPEATABLE READ default, losing the key to a meeting
			// committed after the statement's snapshot is a serialization
			// failure rather than nothing inserted: read the winner.
			n, err = 0, nil
		}
		if err != nil {
			return nil, false, err
		}
		if n == 1 {
			stored, err := storedCopy(m, data)
			return stored, true, err
		}
		got, err := s.MeetingByKey(ctx, m.Key())
		if meetd.ErrorCode(err) == meetd.ENOTFOUND {
			continue
		}
		return got, false, err
	}
	return nil, false, &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The meeting is being created and deleted by other requests; try again.", RetryAfter: RetryAfter}
}

// insertKeys inserts a batch in one statement and answers its calls. The
// meetings go in key order, so that replicas inserting batches with keys in
// common wait for each other's key locks in one order rather than deadlock.
// A key that is twice in the batch, or a batch the database refused (an id
// taken, say: one bad meeting must not fail the others), is retried alone.
func (s *Store) insertKeys(batch []*keyInsert) {
	ctx, cancel, batch := batchContext(batch, func(c *keyInsert) time.Time { return c.deadline }, func(c *keyInsert) {
		c.err = s.translate("insert meetings", context.DeadlineExceeded)
		close(c.done)
	})
	defer cancel()
	if len(batch) == 0 {
		return
	}
	slices.SortFunc(batch, func(a, b *keyInsert) int {
		return cmp.Or(cmp.Compare(a.m.TenantID, b.m.TenantID), cmp.Compare(a.m.OrganizerID, b.m.OrganizerID),
			cmp.Compare(a.m.ExternalID, b.m.ExternalID))
	})
	var cols insertColumns
	for i, c := range batch {
		if i > 0 && c.m.Key() == batch[i-1].m.Key() {
			c.outcome = alone
			continue
		}
		cols.add(c)
	}
	ids, err := s.insertColumns(ctx, &cols)
	for _, c := range batch {
		switch {
		case c.outcome == alone:
		case errors.Is(err, errKeyRace):
			c.outcome = alone // its own statement reads the winner
		case err != nil && meetd.ErrorCode(err) == meetd.EUNAVAILABLE:
			c.err = err
		case err != nil:
			c.outcome = alone
		case slices.Contains(ids, c.m.ID):
			c.outcome = inserted
		default:
			c.outcome = keyTaken
		}
		close(c.done)
	}
}

// insertColumns are the arguments of insertMeetingsSQL.
type insertColumns struct {
	tenants, ids, organizers, externalIDs, createdBy, threads, joins, vtcs []string
	versions                                                               []int64
	created                                                                []time.Time
	data                                                                   []string
}

func (cols *insertColumns) add(c *keyInsert) {
	m := c.m
	cols.tenants = append(cols.tenants, m.TenantID)
	cols.ids = append(cols.ids, m.ID)
	cols.organizers = append(cols.organizers, m.OrganizerID)
	cols.externalIDs = append(cols.externalIDs, m.ExternalID)
	cols.createdBy = append(cols.createdBy, m.CreatedBy)
	cols.threads = append(cols.threads, m.ThreadID)
	cols.joins = append(cols.joins, m.JoinMeetingID)
	cols.vtcs = append(cols.vtcs, m.VideoTeleconferenceID)
	cols.versions = append(cols.versions, m.Version)
	cols.created = append(cols.created, m.Created.UTC())
	cols.data = append(cols.data, c.data)
}

// insertColumns runs insertMeetingsSQL and returns the ids it wrote.
func (s *Store) insertColumns(ctx context.Context, cols *insertColumns) ([]string, error) {
	rows, err := s.pool.Query(ctx, insertMeetingsSQL, cols.tenants, cols.ids, cols.organizers, cols.externalIDs,
		cols.createdBy, cols.threads, cols.joins, cols.vtcs, cols.versions, cols.created, cols.data)
	if serializationFailure(err) {
		return nil, errKeyRace
	}
	if err != nil {
		return nil, s.translate("insert meetings", err)
	}
	defer rows.Close()
	ids := make([]string, 0, len(cols.ids))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.translate("insert meetings", err)
		}
		ids = append(ids, id)
	}
	rows.Close() // reads to the end of the statement, and so its commit
	if serializationFailure(rows.Err()) {
		return nil, errKeyRace
	}
	return ids, s.translate("insert meetings", rows.Err())
}

// errKeyRace is insertColumns' error when, under a REPEATABLE READ default,
// a key of the batch was taken by a meeting committed after the statement's
// snapshot: a serialization failure rather than nothing inserted. The batch
// is rolled back and its calls are settled alone, which reads the winners.
var errKeyRace = errors.New("postgres: insert meetings: a key was taken after the statement's snapshot")
