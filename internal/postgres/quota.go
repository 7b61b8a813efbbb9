package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
)

// The statements of CreateMeetingWithin, in its transaction.
const (
	// quotaLockSQL serialises the creates of one (tenant, organizer, app)
	// across every process sharing the database, until the transaction
	// ends; a hash collision only serialises two unrelated groups too.
	quotaLockSQL  = `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2 || '/' || $3, 0))`
	quotaCountSQL = `SELECT count(*) FROM meetings
		WHERE tenant_id = $1 AND organizer_id = $2 AND created_by = $3 AND created >= $4`
	liveByKeySQL = `SELECT ` + meetingColumns + ` FROM meetings m
		WHERE m.tenant_id = $1 AND m.organizer_id = $2 AND m.external_id = $3 AND m.deleted_at IS NULL AND m.external_id <> ''`
)

// CreateMeetingWithin stores m, as CreateOrGetMeeting or CreateMeeting
// would, if its app has created fewer than q.Max meetings for the organizer
// since q.Since. It is one transaction that first takes the group's
// advisory lock: each statement after it starts with a snapshot taken after
// the lock, so the count sees every create committed by the lock's previous
// holder, in this process or another. It is not batched; the limit is off
// by default, and when on, creates of one group are serial anyway.
func (s *Store) CreateMeetingWithin(ctx context.Context, m *meetd.Meeting, q meetd.Quota) (*meetd.Meeting, bool, error) {
	args, data, err := insertArgs(m)
	if err != nil {
		return nil, false, err
	}
	if err := storableText(args...); err != nil {
		return nil, false, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var got *meetd.Meeting
	created := false
	// READ COMMITTED whatever the database's or role's default: the count
	// must see what the lock's previous holder committed, which only a
	// statement whose snapshot is taken after the lock does (under
	// REPEATABLE READ the first statement, the lock's, fixes the snapshot).
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		got, created = nil, false
		if _, err := tx.Exec(ctx, quotaLockSQL, m.TenantID, m.OrganizerID, m.CreatedBy); err != nil {
			return err
		}
		if m.ExternalID != "" {
			stored, err := liveByKey(ctx, tx, m.Key())
			if err == nil || !errors.Is(err, pgx.ErrNoRows) {
				got = stored
				return err
			}
		}
		var n int
		if err := tx.QueryRow(ctx, quotaCountSQL, m.TenantID, m.OrganizerID, m.CreatedBy, q.Since.UTC()).Scan(&n); err != nil {
			return err
		}
		if n >= q.Max {
			return meetd.Errorf(meetd.ETHROTTLED, "The app has created its quota of meetings for the organizer.")
		}
		sql := createSQL
		if m.ExternalID != "" {
			sql = createOrGetSQL
		}
		var inserted int64
		if err := tx.QueryRow(ctx, sql, args...).Scan(&inserted); err != nil {
			return err
		}
		if inserted == 0 {
			// Another app's create took the key after the look-up above
			// (its lock is not ours); the insert waited for it to commit,
			// so this statement's snapshot has it.
			stored, err := liveByKey(ctx, tx, m.Key())
			if errors.Is(err, pgx.ErrNoRows) {
				return &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The meeting is being created and deleted by other requests; try again.", RetryAfter: RetryAfter}
			}
			got = stored
			return err
		}
		got, err = storedCopy(m, data)
		created = err == nil
		return err
	})
	if err != nil {
		err = s.translate("create meeting within quota", err)
		if meetd.ErrorCode(err) == meetd.ECONFLICT {
			err.(*meetd.Error).Message = "An id of the meeting is taken by another meeting."
		}
		return nil, false, err
	}
	return got, created, nil
}

// liveByKey reads the live meeting with the key in tx.
func liveByKey(ctx context.Context, tx pgx.Tx, k meetd.Key) (*meetd.Meeting, error) {
	m, _, err := scanMeeting(tx.QueryRow(ctx, liveByKeySQL, k.TenantID, k.OrganizerID, k.ExternalID))
	return m, err
}
