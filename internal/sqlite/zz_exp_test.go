package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/meetd/meetd/internal/storetest"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestExpFrames(t *testing.T) {
	schema, _ := migrationFiles.ReadFile("migrations/001_init.sql")
	s0 := string(schema)
	s1 := strings.Replace(s0, "id              TEXT    NOT NULL UNIQUE,", "id TEXT NOT NULL,", 1)
	s2 := strings.Replace(s1, "CREATE INDEX meetings_organizer ON meetings (tenant_id, organizer_id, created_by, created_at);", "", 1)
	s3 := `CREATE TABLE meetings (seq INTEGER PRIMARY KEY, id TEXT, tenant_id TEXT, organizer_id TEXT, external_id TEXT, thread_id TEXT, join_meeting_id TEXT, vtc_id TEXT, created_by TEXT, created_at INTEGER, deleted_at INTEGER, version INTEGER, data TEXT)`
	const n = 30000
	type row struct{ args []any }
	rows := make([]row, n)
	for i := range rows {
		m := storetest.NewMeeting(t, "tenant", "org", "ext-"+storetest.NewObjectID())
		m.Attendees = m.Attendees[:1]
		data, _ := encodeData(m)
		rows[i] = row{[]any{m.ID, m.TenantID, m.OrganizerID, m.ExternalID, m.ThreadID, m.JoinMeetingID, m.VideoTeleconferenceID, m.CreatedBy, micros(time.Now()), 1, data}}
	}
	t.Logf("data %d bytes", len(rows[0].args[10].(string)))
	_, _, _ = s1, s2, s3
	for i, sch := range []string{s0, s0, s0, s0} {
		ps := []int{1024, 2048, 4096, 8192}[i]
		for _, batch := range []int{32} {
			path := filepath.Join(t.TempDir(), "x.db")
			db, _ := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)&_pragma=cache_size(-64000)")
			db.SetMaxOpenConns(1)
			ctx := context.Background()
			db.Exec(fmt.Sprintf("PRAGMA page_size=%d; VACUUM", ps))
			if _, err := db.Exec(sch); err != nil {
				t.Fatal(err)
			}
			conn, _ := db.Conn(ctx)
			stmt, err := conn.PrepareContext(ctx, `INSERT INTO meetings (id, tenant_id, organizer_id, external_id, thread_id, join_meeting_id, vtc_id, created_by, created_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
			if err != nil {
				t.Fatal(err)
			}
			var frames int64
			start, c0 := time.Now(), cpu()
			for i := 0; i < n; i += batch {
				conn.ExecContext(ctx, "BEGIN IMMEDIATE")
				for j := i; j < i+batch && j < n; j++ {
					if _, err := stmt.ExecContext(ctx, rows[j].args...); err != nil {
						t.Fatal(err)
					}
				}
				conn.ExecContext(ctx, "COMMIT")
				if (i/batch)%100 == 99 {
					var a, b, c int64
					conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&a, &b, &c)
					frames += b
					conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&a, &b, &c)
				}
			}
			el, c1 := time.Since(start), cpu()
			var a, b, c int64
			if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&a, &b, &c); err != nil {
				t.Fatal(err)
			}
			el2, c2 := time.Since(start)-el, cpu()
			t.Logf("schema %d batch %d: %.0f inserts/s wall, %.1f µs cpu/insert; %.1f frames/insert; checkpoint %v wall %.1f µs cpu/insert", i, batch, n/el.Seconds(), float64((c1-c0).Microseconds())/n, float64(frames)/n, el2.Round(time.Millisecond), float64((c2-c1).Microseconds())/n)
			var pgs int
			conn.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pgs)
			t.Logf("page size %d", pgs)
			conn.Close()
			db.Close()
		}
	}
	_ = fmt.Sprint
}
