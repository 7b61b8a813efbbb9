package sqlite

import (
	"context"
	"database/sql"
	"hash/maphash"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/meetd/meetd"
)

// keyFilter lets MeetingByKey say "no such meeting" without the database:
// every createOrGet with a new key asks that first (meetd.Service looks up
// before it creates), so this is a read saved on every create.
//
// It is a Bloom filter of the createOrGet keys of every meeting created, so
// "absent" is certain and "maybe" goes to the cache and the database. It
// holds the keys this store's writer commits, and, once a background scan
// has added the keys already in the file, it answers. Its memory is fixed:
// past its capacity it answers "maybe" more often, never wrongly. Deleted
// meetings' keys stay in it; they only cost a database read.
type keyFilter struct {
	words []atomic.Uint64
	mask  uint64 // bits-1; the size is a power of two
	seed  maphash.Seed
	ready atomic.Bool
	chunk int // meetings per read transaction of the scan

	once   sync.Once
	wg     sync.WaitGroup
	cancel context.CancelFunc
	ctx    context.Context
}

// filterHashes is how many bits each key sets: with the default 4 MiB
// (32 Mbit) filter, 1 million keys give one false "maybe" in 5,000 and
// 4 million one in 40.
const filterHashes = 4

// newKeyFilter returns a filter of about the given bytes (rounded down to a
// power of two), or nil (which always says "maybe") when bytes < 8.
func newKeyFilter(bytes int) *keyFilter {
	if bytes < 8 {
		return nil
	}
	words := 1 << (bits.Len(uint(bytes/8)) - 1)
	ctx, cancel := context.WithCancel(context.Background())
	return &keyFilter{
		words:  make([]atomic.Uint64, words),
		mask:   uint64(words*64 - 1),
		seed:   maphash.MakeSeed(),
		chunk:  keyScanChunk,
		ctx:    ctx,
		cancel: cancel,
	}
}

func (f *keyFilter) positions(k meetd.Key) (h1, h2 uint64) {
	h := maphash.Comparable(f.seed, k)
	return h, bits.RotateLeft64(h, 29)*0x9e3779b97f4a7c15 | 1
}

// add records a key; the writer calls it after each commit.
func (f *keyFilter) add(k meetd.Key) {
	if f == nil || k.ExternalID == "" {
		return
	}
	h1, h2 := f.positions(k)
	for i := range uint64(filterHashes) {
		b := (h1 + i*h2) & f.mask
		w := &f.words[b/64]
		if bit := uint64(1) << (b % 64); w.Load()&bit == 0 {
			w.Or(bit)
		}
	}
}

// absent reports whether no meeting with the key can exist. It is false
// until the scan of the keys already stored has finished.
func (f *keyFilter) absent(k meetd.Key) bool {
	if f == nil || !f.ready.Load() {
		return false
	}
	h1, h2 := f.positions(k)
	for i := range uint64(filterHashes) {
		b := (h1 + i*h2) & f.mask
		if f.words[b/64].Load()&(uint64(1)<<(b%64)) == 0 {
			return true
		}
	}
	return false
}

// load starts, once, the background scan that adds the stored keys. It
// runs on first use rather than at Open, so that a process that never
// looks meetings up (the policy command) never pays for it.
func (f *keyFilter) load(db *sql.DB) {
	if f == nil {
		return
	}
	f.once.Do(func() {
		f.wg.Go(func() {
			if scanKeys(f.ctx, db, f.chunk, f.add) == nil {
				f.ready.Store(true)
			}
		})
	})
}

// close stops a scan in progress.
func (f *keyFilter) close() {
	if f == nil {
		return
	}
	f.cancel()
	f.wg.Wait()
}

// keyScanChunk is how many meetings one read transaction of the scan takes
// (keyFilter.chunk; tests take fewer).
const keyScanChunk = 10000

// scanKeys calls add with the key of every stored meeting (deleted ones'
// too: a false "maybe" is harmless), in short read transactions of
// chunk rows along the organizer index, which covers the query, so
// that the scan reads no meeting and never holds a snapshot (and the WAL)
// for long. A key created meanwhile may be missed by the scan, but the
// writer has added it.
func scanKeys(ctx context.Context, db *sql.DB, chunk int, add func(meetd.Key)) error {
	type position struct {
		key       meetd.Key
		createdBy string
		createdAt int64
		seq       int64
	}
	last := position{createdAt: math.MinInt64} // before every row
	for {
		rows, err := db.QueryContext(ctx, `SELECT tenant_id, organizer_id, created_by, created_at, external_id, seq
			FROM meetings INDEXED BY meetings_organizer
			WHERE (tenant_id, organizer_id, created_by, created_at, external_id, seq) > (?, ?, ?, ?, ?, ?)
			ORDER BY tenant_id, organizer_id, created_by, created_at, external_id, seq LIMIT ?`,
			last.key.TenantID, last.key.OrganizerID, last.createdBy, last.createdAt, last.key.ExternalID, last.seq, chunk)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(&last.key.TenantID, &last.key.OrganizerID, &last.createdBy, &last.createdAt, &last.key.ExternalID, &last.seq); err != nil {
				rows.Close()
				return err
			}
			add(last.key)
			n++
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n < chunk {
			return nil
		}
	}
}
