package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// TestCreatedEqualsRead checks that the meeting CreateOrGetMeeting returns
// for a create, which the store copies rather than reads, is the meeting a
// later read returns, also for input that storing changes.
func TestCreatedEqualsRead(t *testing.T) {
	s := openClosed(t, pgtest.NewDatabase(t), postgres.Options{})
	tests := []struct {
		name string
		edit func(m *meetd.Meeting)
	}{
		{"as made", func(m *meetd.Meeting) {}},
		{"no attendees, nil", func(m *meetd.Meeting) { m.Attendees = nil }},
		{"no attendees, empty", func(m *meetd.Meeting) { m.Attendees = []meetd.Participant{} }},
		{"no roles, nil", func(m *meetd.Meeting) { m.Settings.AnonymizeIdentityForRoles = nil }},
		{"no watermark", func(m *meetd.Meeting) { m.Settings.Watermark = nil }},
		{"times in another zone", func(m *meetd.Meeting) {
			zone := time.FixedZone("UTC+5", 5*3600)
			m.Start, m.End, m.Modified = m.Start.In(zone), m.End.In(zone), m.Modified.In(zone)
		}},
		{"invalid UTF-8 in the subject", func(m *meetd.Meeting) { m.Subject = "a\xffb" }},
		{"invalid UTF-8 in an attendee's name", func(m *meetd.Meeting) {
			m.Attendees[0].Identity.DisplayName = "\xc3"
		}},
		{"invalid UTF-8 in a role", func(m *meetd.Meeting) {
			m.Settings.AnonymizeIdentityForRoles = []meetd.Role{"\xfe"}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "copy")
			tc.edit(m)
			got, created, err := s.CreateOrGetMeeting(t.Context(), m)
			if err != nil || !created {
				t.Fatalf("CreateOrGetMeeting: got created %t, %v; want true, nil", created, err)
			}
			read, err := s.Meeting(t.Context(), m.TenantID, m.ID)
			if err != nil {
				t.Fatalf("Meeting: %v", err)
			}
			if !reflect.DeepEqual(got, read) {
				t.Errorf("created meeting differs from a read:\ngot  %+v\nwant %+v", got, read)
			}
			if len(m.Attendees) > 0 && &got.Attendees[0] == &m.Attendees[0] {
				t.Errorf("created meeting shares its attendees with the input; want a copy")
			}
		})
	}
}

// TestMeetingByKeySeesOtherWriters checks that a meeting MeetingByKey has
// read before (and so cached) is read again when another replica, or SQL
// outside meetd, changed or deleted it.
func TestMeetingByKeySeesOtherWriters(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a := openClosed(t, dsn, postgres.Options{})
	b := openClosed(t, dsn, postgres.Options{})
	tests := []struct {
		name    string
		change  func(t *testing.T, m *meetd.Meeting) // m as stored
		subject string                               // the subject a read must then see; "" for ENOTFOUND
	}{
		{"unchanged", func(t *testing.T, m *meetd.Meeting) {}, "original"},
		{"updated by another replica", func(t *testing.T, m *meetd.Meeting) {
			u := *m
			u.Subject, u.Version = "updated", m.Version+1
			if err := b.UpdateMeeting(t.Context(), &u); err != nil {
				t.Fatalf("UpdateMeeting: %v", err)
			}
		}, "updated"},
		{"data changed by SQL, version kept", func(t *testing.T, m *meetd.Meeting) {
			execSQL(t, dsn, `UPDATE meetings SET data = jsonb_set(data, '{subject}', '"by SQL"') WHERE id = $1`, m.ID)
		}, "by SQL"},
		{"data changed by SQL in a session with another search_path", func(t *testing.T, m *meetd.Meeting) {
			// The trigger that counts the change must still find its table.
			execSQL(t, dsn+"&search_path=pg_catalog",
				`UPDATE public.meetings SET data = jsonb_set(data, '{subject}', '"elsewhere"') WHERE id = $1`, m.ID)
		}, "elsewhere"},
		{"deleted by SQL", func(t *testing.T, m *meetd.Meeting) {
			execSQL(t, dsn, `DELETE FROM meeting_ids WHERE meeting_id = $1`, m.ID)
			execSQL(t, dsn, `DELETE FROM meetings WHERE id = $1`, m.ID)
		}, ""},
		{"table truncated", func(t *testing.T, m *meetd.Meeting) {
			execSQL(t, dsn, `TRUNCATE meetings, meeting_ids`)
		}, ""},
		{"another meeting of its slot changed", func(t *testing.T, m *meetd.Meeting) {
			// The counter moves; the meeting, read again, is unchanged.
			execSQL(t, dsn, `UPDATE meeting_changes SET n = n + 1 WHERE slot = meeting_slot($1)`, m.ID)
		}, "original"},
		{"deleted by another replica", func(t *testing.T, m *meetd.Meeting) {
			if err := b.DeleteMeeting(t.Context(), m.TenantID, m.ID); err != nil {
				t.Fatalf("DeleteMeeting: %v", err)
			}
		}, ""},
		{"deleted, and the key created again", func(t *testing.T, m *meetd.Meeting) {
			if err := b.DeleteMeeting(t.Context(), m.TenantID, m.ID); err != nil {
				t.Fatalf("DeleteMeeting: %v", err)
			}
			again := storetest.NewMeeting(t, m.TenantID, m.OrganizerID, m.ExternalID)
			again.Subject = "created again"
			if _, _, err := b.CreateOrGetMeeting(t.Context(), again); err != nil {
				t.Fatalf("CreateOrGetMeeting: %v", err)
			}
		}, "created again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "cached")
			m.Subject = "original"
			if _, _, err := a.CreateOrGetMeeting(t.Context(), m); err != nil {
				t.Fatalf("CreateOrGetMeeting: %v", err)
			}
			for range 2 { // the second read is the one the cache can answer
				if _, err := a.MeetingByKey(t.Context(), m.Key()); err != nil {
					t.Fatalf("MeetingByKey: %v", err)
				}
			}
			tc.change(t, m)
			want, wantErr := b.MeetingByKey(t.Context(), m.Key()) // b never read it before the change
			got, err := a.MeetingByKey(t.Context(), m.Key())
			if tc.subject == "" {
				if meetd.ErrorCode(err) != meetd.ENOTFOUND || meetd.ErrorCode(wantErr) != meetd.ENOTFOUND {
					t.Fatalf("MeetingByKey: got %v (other replica: %v), want ENOTFOUND", err, wantErr)
				}
				return
			}
			if err != nil || wantErr != nil {
				t.Fatalf("MeetingByKey: got %v (other replica: %v), want the meeting", err, wantErr)
			}
			if got.Subject != tc.subject || !reflect.DeepEqual(got, want) {
				t.Errorf("MeetingByKey: got subject %q, version %d; want %q as the other replica reads it (%+v)",
					got.Subject, got.Version, tc.subject, want)
			}
		})
	}
}

// TestMeetingByKeyCache checks that an unchanged meeting read twice is
// served from the read cache, and that with the cache off it is read anew.
func TestMeetingByKeyCache(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	tests := []struct {
		name  string
		dsn   string
		bytes int
		same  bool
	}{
		{"default", dsn, 0, true},
		{"off", dsn, -1, false},
		{"too small for one meeting", dsn, 1000, false},
		{"simple protocol (PgBouncer)", dsn + "&default_query_exec_mode=simple_protocol", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openClosed(t, tc.dsn, postgres.Options{ReadCacheBytes: tc.bytes})
			m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "twice")
			if _, _, err := s.CreateOrGetMeeting(t.Context(), m); err != nil {
				t.Fatalf("CreateOrGetMeeting: %v", err)
			}
			first, err := s.MeetingByKey(t.Context(), m.Key())
			if err != nil {
				t.Fatalf("MeetingByKey: %v", err)
			}
			second, err := s.MeetingByKey(t.Context(), m.Key())
			if err != nil {
				t.Fatalf("MeetingByKey: %v", err)
			}
			if got := first == second; got != tc.same {
				t.Errorf("second read is the cached meeting: got %t, want %t", got, tc.same)
			}
			if !reflect.DeepEqual(first, second) {
				t.Errorf("second read differs:\ngot  %+v\nwant %+v", second, first)
			}
		})
	}
}

func execSQL(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
