package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/meetd/meetd"
)

// meetingByKeySQL reads the live meeting with a createOrGet key: $1–$3,
// with its slot's change counter, in one statement and so one snapshot
// (readcache.go). Its data is left out (NULL) when the row is still the one
// the read cache holds: meeting id $4, version $5, row xmin $6, read from the
// server incarnation $7 (serverEpoch). The key's columns are not read back:
// they equal the key.
//
// A batch sends it once per key, pipelined, rather than one statement that
// joins an array of keys to meetings: that was planned as a hash join over a
// scan of meetings, or as a scan of the organizer's meetings, on new and
// small tables, and such a plan stays cached while the table grows.
const meetingByKeySQL = `SELECT m.id, m.created_by, m.thread_id, m.join_meeting_id, m.vtc_id, m.version,
	m.xmin::text::bigint,
	CASE WHEN m.id = $4 AND m.version = $5 AND m.xmin::text::bigint = $6 AND ` + serverEpoch + ` = $7
		THEN NULL ELSE m.data::text END,
	meeting_slot(m.id),
	(SELECT c.n FROM meeting_changes c WHERE c.slot = meeting_slot(m.id)),
	` + serverEpoch + `
FROM meetings m
WHERE m.tenant_id = $1 AND m.organizer_id = $2 AND m.external_id = $3 AND m.deleted_at IS NULL
	AND m.external_id <> ''` // the partial index's own predicate: without it a generic plan cannot use the index

// changesSQL reads the change counters of the slots $1, each with the
// server's incarnation.
const changesSQL = `SELECT slot, n, ` + serverEpoch + ` FROM meeting_changes WHERE slot = ANY($1::int[])`

// serverEpoch names the incarnation of the server that answers: when its
// postmaster started, in microseconds. Counters, versions and xmins are
// compared only within one incarnation: a failover to an asynchronous
// standby, or a restore, can lose the last commits, and the next ones then
// take the counter values, versions and even transaction ids of the lost
// ones, so that a meeting cached from a lost commit would pass for current.
// (A plain restart changes it too, which only costs a re-read of each
// cached meeting.)
const serverEpoch = `(extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint`

// Batches of by-key reads: at most maxKeyReads keys each, and at most
// keyReadRunners statements in flight (batch.go says when more than one).
const (
	keyReadRunners = 4
	maxKeyReads    = 64
)

// keyRead is one MeetingByKey call waiting for its batch.
type keyRead struct {
	k        meetd.Key
	cached   cachedMeeting
	deadline time.Time // the store's timeout from the call, queueing included
	done     chan struct{}
	// Set by the batch before done is closed.
	m   *meetd.Meeting
	err error
}

// MeetingByKey returns the live meeting with the createOrGet key. Calls made
// at once are read in one batch (batch.go): one round trip, one transaction.
// A meeting read before whose row has not changed since comes from the read
// cache (readcache.go), shared: callers must not modify it (the domain never
// does).
func (s *Store) MeetingByKey(ctx context.Context, k meetd.Key) (*meetd.Meeting, error) {
	if k.ExternalID == "" {
		return nil, notFound()
	}
	if err := storableText(k.TenantID, k.OrganizerID, k.ExternalID); err != nil {
		return nil, err
	}
	r := &keyRead{k: k, deadline: time.Now().Add(s.timeout), done: make(chan struct{})}
	r.cached, _ = s.reads.get(k)
	s.keyReads.add(r)
	select {
	case <-r.done:
		return r.m, r.err
	case <-ctx.Done():
		return nil, s.translate("meeting by key", ctx.Err())
	}
}

// keySlot is one key of a batch, read for all of the batch's calls for it.
type keySlot struct {
	k      meetd.Key
	cached cachedMeeting
}

// readKeys reads a batch of keys and answers its calls.
func (s *Store) readKeys(batch []*keyRead) {
	ctx, cancel, batch := batchContext(batch, func(r *keyRead) time.Time { return r.deadline }, func(r *keyRead) {
		r.err = s.translate("meeting by key", context.DeadlineExceeded)
		close(r.done)
	})
	defer cancel()
	if len(batch) == 0 {
		return
	}
	// Calls for one key (a hot meeting) share one slot.
	slotOf := make([]int, len(batch))
	slots := make([]keySlot, 0, len(batch))
	index := make(map[meetd.Key]int, len(batch))
	for i, r := range batch {
		slot, ok := index[r.k]
		if !ok {
			slot = len(slots)
			index[r.k] = slot
			slots = append(slots, keySlot{k: r.k, cached: r.cached})
		}
		slotOf[i] = slot
	}
	found, err := s.queryKeys(ctx, slots)
	for i, r := range batch {
		switch m := found[slotOf[i]]; {
		case err != nil:
			r.err = err
		case m == nil:
			r.err = notFound()
		default:
			r.m = m
		}
		close(r.done)
	}
}

// queryKeys returns the live meeting of each slot, nil where there is none,
// and keeps the read cache up to date. One round trip reads the change
// counters of the cached meetings and the meetings not cached; a second
// reads again the cached meetings whose counter moved.
func (s *Store) queryKeys(ctx context.Context, slots []keySlot) ([]*meetd.Meeting, error) {
	found := make([]*meetd.Meeting, len(slots))
	var read, check []int // indexes of slots to read, and to check
	for i, sl := range slots {
		if sl.cached.m != nil && sl.cached.changes != noChanges {
			check = append(check, i)
		} else {
			read = append(read, i)
		}
	}
	stale, err := s.readAndCheck(ctx, slots, read, check, found)
	if err == nil && len(stale) > 0 {
		_, err = s.readAndCheck(ctx, slots, stale, nil, found)
	}
	if err != nil {
		return found, s.translate("meeting by key", err)
	}
	for i, m := range found {
		if m == nil {
			s.reads.drop(slots[i].k)
		}
	}
	return found, nil
}

// readAndCheck reads the meetings of the slots read, and the change
// counters of the cached meetings of the slots check, in one round trip. It
// sets found for both, and returns the slots checked whose counter moved.
func (s *Store) readAndCheck(ctx context.Context, slots []keySlot, read, check []int, found []*meetd.Meeting) (stale []int, err error) {
	var b pgx.Batch
	if len(check) > 0 {
		counters := make([]int32, 0, len(check))
		for _, i := range check {
			if c := slots[i].cached.slot; !slices.Contains(counters, c) {
				counters = append(counters, c)
			}
		}
		b.Queue(changesSQL, counters)
	}
	for _, i := range read {
		sl := &slots[i]
		cid := ""
		if sl.cached.m != nil {
			cid = sl.cached.m.ID
		}
		b.Queue(meetingByKeySQL, sl.k.TenantID, sl.k.OrganizerID, sl.k.ExternalID, cid, sl.cached.version, sl.cached.xmin, sl.cached.epoch)
	}
	br := s.pool.SendBatch(ctx, &b)
	defer br.Close()
	if len(check) > 0 {
		changes, epoch, err := scanChanges(br)
		if err != nil {
			return nil, err
		}
		for _, i := range check {
			c := &slots[i].cached
			if n, ok := changes[c.slot]; ok && n == c.changes && epoch == c.epoch {
				found[i] = c.m // no row of its slot changed since it was read
			} else {
				stale = append(stale, i)
			}
		}
	}
	for _, i := range read {
		if found[i], err = s.scanKey(br, &slots[i]); err != nil {
			return nil, err
		}
	}
	return stale, br.Close()
}

// scanChanges reads the answer to changesSQL: the counter of each slot, and
// the server's incarnation (serverEpoch).
func scanChanges(br pgx.BatchResults) (map[int32]int64, int64, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	changes := make(map[int32]int64)
	var epoch int64
	for rows.Next() {
		var slot int32
		var n int64
		if err := rows.Scan(&slot, &n, &epoch); err != nil {
			return nil, 0, err
		}
		changes[slot] = n
	}
	return changes, epoch, rows.Err()
}

// scanKey reads the answer to one key's statement in a batch: its meeting,
// or nil when none is live.
func (s *Store) scanKey(br pgx.BatchResults, sl *keySlot) (*meetd.Meeting, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	// DriverBytes point into pgx's buffer: a cached meeting costs no copies.
	var version, xmin, epoch int64
	var slot int32
	var changes pgtype.Int8 // NULL if the slot's row is missing
	var id, createdBy, thread, join, vtc, data pgtype.DriverBytes
	if err := rows.Scan(&id, &createdBy, &thread, &join, &vtc, &version, &xmin, &data, &slot, &changes, &epoch); err != nil {
		return nil, err
	}
	n := int64(noChanges)
	if changes.Valid && changes.Int64 >= 0 {
		n = changes.Int64
	}
	m := sl.cached.m
	if data == nil && m != nil {
		// The row is the one cached: keep the meeting, with the counter now.
		s.reads.putSized(m, xmin, slot, n, epoch, sl.cached.size)
		return m, nil
	}
	k := sl.k
	m = &meetd.Meeting{
		// Cloned: the key's strings may hold on to a whole request body.
		TenantID: strings.Clone(k.TenantID), OrganizerID: strings.Clone(k.OrganizerID), ExternalID: strings.Clone(k.ExternalID),
		ID: string(id), CreatedBy: string(createdBy), ThreadID: string(thread), JoinMeetingID: string(join),
		VideoTeleconferenceID: string(vtc), Version: version,
	}
	if err := decodeRecord(m, data); err != nil {
		return nil, err
	}
	s.reads.put(m, xmin, slot, n, epoch, len(data))
	return m, nil
}
