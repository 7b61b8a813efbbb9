package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

// TestMemoryWithAMillionMeetings stores 1,000,000 meetings, then serves
// look-ups of random stored keys and new creates from a fresh process
// state, and checks that the resident memory stays under 100 MB: the cache
// and filter are bounded and nothing loads all meetings. It takes minutes,
// so it runs only with MEETD_SQLITE_MILLION=1.
func TestMemoryWithAMillionMeetings(t *testing.T) {
	if path := os.Getenv("MEETD_SQLITE_FILL"); path != "" {
		fillMillion(t, path)
		return
	}
	if os.Getenv("MEETD_SQLITE_MILLION") == "" {
		t.Skip("set MEETD_SQLITE_MILLION=1 to store a million meetings and measure memory")
	}
	path := filepath.Join(t.TempDir(), "meetd.db")
	// Fill in another process, so that its memory is not counted here.
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryWithAMillionMeetings$", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), "MEETD_SQLITE_FILL="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fill: %v\n%s", err, out)
	}
	start := time.Now()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// The first look-up starts loading the key filter.
	if _, err := s.MeetingByKey(ctx, meetd.Key{TenantID: "tenant", OrganizerID: millionOrganizer(0), ExternalID: "ext-0"}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Minute); !s.keys.ready.Load(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the key filter did not load")
		}
	}
	t.Logf("opened and loaded the key filter in %v", time.Since(start).Round(time.Millisecond))
	const lookups, creates = 200000, 50000
	for range lookups {
		r := rand.IntN(1_000_000)
		k := meetd.Key{TenantID: "tenant", OrganizerID: millionOrganizer(r), ExternalID: "ext-" + strconv.Itoa(r)}
		if _, err := s.MeetingByKey(ctx, k); err != nil {
			t.Fatalf("MeetingByKey(%v): %v", k, err)
		}
	}
	for i := range creates {
		m := storetest.NewMeeting(t, "tenant", millionOrganizer(i), "new-"+strconv.Itoa(i))
		if _, err := s.MeetingByKey(ctx, m.Key()); meetd.ErrorCode(err) != meetd.ENOTFOUND {
			t.Fatalf("MeetingByKey of a new key: %v", err)
		}
		_, _, err := s.CreateOrGetMeeting(ctx, m)
		for meetd.ErrorCode(err) == meetd.ECONFLICT { // a random id was taken: draw again
			m = storetest.NewMeeting(t, "tenant", millionOrganizer(i), "new-"+strconv.Itoa(i))
			_, _, err = s.CreateOrGetMeeting(ctx, m)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	rss := residentBytes(t)
	entries, bytes := s.cache.len()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("after %d look-ups and %d creates: RSS %d MB, Go heap %d MB (sys %d MB), cache %d meetings (%d MB estimated)",
		lookups, creates, rss>>20, ms.HeapAlloc>>20, ms.Sys>>20, entries, bytes>>20)
	if rss > 100<<20 {
		t.Fatalf("resident memory: got %d MB, want under 100 MB", rss>>20)
	}
}

func millionOrganizer(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i%1000) }

// fillMillion writes a million meetings straight into a new database, in
// large transactions, as fast as SQLite takes them.
func fillMillion(t *testing.T, path string) {
	total := 1_000_000
	if n, err := strconv.Atoi(os.Getenv("MEETD_SQLITE_FILL_N")); err == nil {
		total = n
	}
	s, err := Open(path, Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=synchronous(OFF)&_pragma=cache_size(-200000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for i := 0; i < total; {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		stmt, err := tx.Prepare(`INSERT INTO meetings (id, tenant_id, organizer_id, external_id, thread_id, join_meeting_id, vtc_id, created_by, created_at, version, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			t.Fatal(err)
		}
		for end := min(i+20000, total); i < end; {
			m := storetest.NewMeeting(t, "tenant", millionOrganizer(i), "ext-"+strconv.Itoa(i))
			m.Attendees = m.Attendees[:1]
			data, err := encodeData(m)
			if err != nil {
				t.Fatal(err)
			}
			res, err := stmt.Exec(m.ID, m.TenantID, m.OrganizerID, m.ExternalID, m.ThreadID, m.JoinMeetingID,
				m.VideoTeleconferenceID, "app", micros(m.Created), m.Version, data)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				i++ // else a random id was taken: draw again, as the Service does
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

// residentBytes reads VmRSS from /proc (Linux only).
func residentBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmRSS")
	return 0
}
