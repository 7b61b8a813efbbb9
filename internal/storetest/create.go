package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// mustCreate stores m through CreateOrGetMeeting, or CreateMeeting when it
// has no external id.
func mustCreate(tb testing.TB, st meetd.Store, m *meetd.Meeting) *meetd.Meeting {
	tb.Helper()
	if m.ExternalID == "" {
		if err := st.CreateMeeting(tb.Context(), m); err != nil {
			tb.Fatalf("CreateMeeting: %v", err)
		}
		return m
	}
	got, created, err := st.CreateOrGetMeeting(tb.Context(), m)
	if err != nil {
		tb.Fatalf("CreateOrGetMeeting: %v", err)
	}
	if !created {
		tb.Fatalf("CreateOrGetMeeting(%q): got created false, want true", m.ExternalID)
	}
	return got
}

func testCreateThenHit(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	m := NewMeeting(t, tenant, org, "ext-1")
	got, created, err := st.CreateOrGetMeeting(t.Context(), m)
	wantCode(t, "create", err, "")
	if !created {
		t.Fatalf("create: got created false, want true")
	}
	wantMeeting(t, "create returns", got, m)

	// A second request with the same key but every other field different
	// gets the stored meeting back, unchanged.
	other := NewMeeting(t, tenant, org, "ext-1")
	other.Subject = "Something else"
	other.Start = other.Start.Add(time.Hour)
	other.Attendees = []meetd.Participant{}
	got, created, err = st.CreateOrGetMeeting(t.Context(), other)
	wantCode(t, "hit", err, "")
	if created {
		t.Fatalf("hit: got created true, want false")
	}
	wantMeeting(t, "hit returns", got, m)

	byKey, err := st.MeetingByKey(t.Context(), m.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "MeetingByKey", byKey, m)
	if _, err := st.Meeting(t.Context(), tenant, other.ID); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("the hit's own id: got %v, want ENOTFOUND (a hit stores nothing)", err)
	}
}

func testRoundTrip(t *testing.T, s suite) {
	tests := []struct {
		name   string
		change func(m *meetd.Meeting)
	}{
		{"every field set", func(m *meetd.Meeting) {}},
		{"zero values", func(m *meetd.Meeting) {
			m.Subject, m.Passcode, m.PasscodeRequired = "", "", false
			m.ChatInfo.ReplyChainMessageID = ""
			m.Organizer.UPN, m.Organizer.Role, m.Organizer.Identity.DisplayName = "", "", ""
			m.Attendees = []meetd.Participant{}
			m.Settings = meetd.Settings{AnonymizeIdentityForRoles: []meetd.Role{}}
		}},
		{"default settings", func(m *meetd.Meeting) {
			m.Settings = meetd.DefaultSettings()
			m.Attendees = []meetd.Participant{{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: NewObjectID()}}}
		}},
		{"odd strings", func(m *meetd.Meeting) {
			m.Subject = "\"quoted\" 'single' \\ back\\slash <b>&amp; ünïcödé 🎉\ttab\nline"
			m.ExternalID = "ext with spaces/and?query=1&x=%20 🎉"
			m.Attendees[0].Identity.DisplayName = `{"json": [1, 2]}`
		}},
		{"extreme times", func(m *meetd.Meeting) {
			m.Start = time.Date(1, 1, 1, 0, 0, 0, 100, time.UTC)
			m.End = time.Date(9999, 12, 31, 23, 59, 59, 999999900, time.UTC)
			m.Created = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(-100)
			m.Modified = time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC)
		}},
		{"many attendees", func(m *meetd.Meeting) {
			m.Attendees = make([]meetd.Participant, meetd.MaxAttendees)
			for i := range m.Attendees {
				m.Attendees[i] = meetd.Participant{
					Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: NewObjectID(), DisplayName: fmt.Sprintf("Attendee %d", i), TenantID: m.TenantID},
					UPN:      fmt.Sprintf("a%d@contoso.example", i),
					Role:     meetd.RoleAttendee,
				}
			}
		}},
	}
	st := s.store(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMeeting(t, NewObjectID(), NewObjectID(), "round-trip")
			tc.change(m)
			want := clone(m)
			got := mustCreate(t, st, m)
			wantMeeting(t, "CreateOrGetMeeting returns", got, want)
			byKey, err := st.MeetingByKey(t.Context(), want.Key())
			wantCode(t, "MeetingByKey", err, "")
			wantMeeting(t, "MeetingByKey", byKey, want)
			byID, err := st.Meeting(t.Context(), want.TenantID, want.ID)
			wantCode(t, "Meeting", err, "")
			wantMeeting(t, "Meeting", byID, want)
			found, err := st.FindMeetings(t.Context(), want.TenantID, meetd.Filter{VideoTeleconferenceID: want.VideoTeleconferenceID})
			wantCode(t, "FindMeetings", err, "")
			if len(found) != 1 {
				t.Fatalf("FindMeetings: got %d meetings, want 1", len(found))
			}
			wantMeeting(t, "FindMeetings", found[0], want)
			byThread, _, err := st.MeetingByThread(t.Context(), want.ThreadID)
			wantCode(t, "MeetingByThread", err, "")
			wantMeeting(t, "MeetingByThread", byThread, want)
		})
	}
}

func testKeepsOwnCopy(t *testing.T, s suite) {
	st := s.store(t)
	m := NewMeeting(t, NewObjectID(), NewObjectID(), "copy")
	want := clone(m)
	mustCreate(t, st, m)
	// The caller is free to reuse what it passed in.
	m.Subject = "changed"
	m.Attendees[0].UPN = "changed@contoso.example"
	m.Settings.AnonymizeIdentityForRoles[0] = meetd.RoleProducer
	m.Settings.Watermark.ForVideo = false
	got, err := st.MeetingByKey(t.Context(), want.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "after the caller changed its meeting", got, want)

	plain := NewMeeting(t, NewObjectID(), NewObjectID(), "")
	wantPlain := clone(plain)
	mustCreate(t, st, plain)
	plain.Subject = "changed"
	plain.Attendees[0].Role = meetd.RoleProducer
	got, err = st.Meeting(t.Context(), wantPlain.TenantID, wantPlain.ID)
	wantCode(t, "Meeting", err, "")
	wantMeeting(t, "after the caller changed its meeting", got, wantPlain)
}

func testCreateOrGetRace(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	const n = 64
	ms := make([]*meetd.Meeting, n)
	for i := range ms {
		ms[i] = NewMeeting(t, tenant, org, "race")
	}
	type result struct {
		m       *meetd.Meeting
		created bool
		err     error
	}
	results := make([]result, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ms {
		wg.Go(func() {
			<-ready
			m, created, err := st.CreateOrGetMeeting(t.Context(), ms[i])
			results[i] = result{m, created, err}
		})
	}
	close(ready)
	wg.Wait()

	var winner *meetd.Meeting
	for i, r := range results {
		wantCode(t, fmt.Sprintf("request %d", i), r.err, "")
		if r.created {
			if winner != nil {
				t.Fatalf("request %d: created a second meeting %s after %s", i, r.m.ID, winner.ID)
			}
			winner = r.m
			wantMeeting(t, "the created meeting", r.m, ms[i])
		}
	}
	if winner == nil {
		t.Fatalf("got no request with created true, want exactly one")
	}
	for i, r := range results {
		if r.m.ID != winner.ID {
			t.Errorf("request %d: got meeting %s, want the created one %s", i, r.m.ID, winner.ID)
		}
	}
	got, err := st.MeetingByKey(t.Context(), winner.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "MeetingByKey", got, winner)
}

func testManyKeysAtOnce(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	const workers, each = 32, 8
	ms := make([]*meetd.Meeting, workers*each)
	for i := range ms {
		ms[i] = NewMeeting(t, tenant, org, fmt.Sprintf("key-%d", i))
		if i%5 == 0 {
			ms[i].ExternalID = "" // mix plain creates in
		}
	}
	errs := make([]error, len(ms))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w * each; i < (w+1)*each; i++ {
				if ms[i].ExternalID == "" {
					errs[i] = st.CreateMeeting(t.Context(), ms[i])
					continue
				}
				_, created, err := st.CreateOrGetMeeting(t.Context(), ms[i])
				if err == nil && !created {
					err = fmt.Errorf("created false, want true")
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		wantCode(t, fmt.Sprintf("create %d", i), err, "")
	}
	for _, m := range ms {
		got, err := st.Meeting(t.Context(), tenant, m.ID)
		wantCode(t, "Meeting", err, "")
		wantMeeting(t, "Meeting", got, m)
	}
	found, err := st.FindMeetings(t.Context(), tenant, meetd.Filter{OrganizerID: org})
	wantCode(t, "FindMeetings", err, "")
	if len(found) != len(ms) {
		t.Fatalf("FindMeetings by organizer: got %d meetings, want %d", len(found), len(ms))
	}
	// Each meeting counts for its own app: ms[0]'s has one.
	probe := NewMeeting(t, tenant, org, "probe")
	probe.CreatedBy = ms[0].CreatedBy
	_, _, err = st.CreateMeetingWithin(t.Context(), probe, meetd.Quota{Since: created.Add(-time.Hour), Max: 1})
	wantCode(t, "CreateMeetingWithin for one app, quota 1", err, meetd.ETHROTTLED)
	_, _, err = st.CreateMeetingWithin(t.Context(), probe, meetd.Quota{Since: created.Add(-time.Hour), Max: 2})
	wantCode(t, "CreateMeetingWithin for one app, quota 2", err, "")
}

func testKeyScope(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	first := mustCreate(t, st, NewMeeting(t, tenant, org, "Ext-1"))
	tests := []struct {
		name                  string
		tenant, org, external string
	}{
		{"another organizer", tenant, NewObjectID(), "Ext-1"},
		{"another tenant", NewObjectID(), org, "Ext-1"},
		{"external id in another case", tenant, org, "ext-1"},
		{"external id with a trailing space", tenant, org, "Ext-1 "},
		{"external id that is a prefix", tenant, org, "Ext-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMeeting(t, tc.tenant, tc.org, tc.external)
			got := mustCreate(t, st, m)
			wantMeeting(t, "created", got, m)
			byKey, err := st.MeetingByKey(t.Context(), m.Key())
			wantCode(t, "MeetingByKey", err, "")
			wantMeeting(t, "MeetingByKey", byKey, m)
		})
	}
	byKey, err := st.MeetingByKey(t.Context(), first.Key())
	wantCode(t, "MeetingByKey of the first", err, "")
	wantMeeting(t, "MeetingByKey of the first", byKey, first)
}

// collisions lists the ways a new meeting can take an id of a stored one.
var collisions = []struct {
	name string
	take func(m, stored *meetd.Meeting)
}{
	// An id is meetd.MeetingID(organizer, thread): the same id means the
	// same organizer and thread.
	{"id", func(m, stored *meetd.Meeting) {
		m.OrganizerID, m.ThreadID, m.ID = stored.OrganizerID, stored.ThreadID, stored.ID
		m.Organizer.Identity.ID = stored.OrganizerID
	}},
	{"thread id", func(m, stored *meetd.Meeting) {
		m.ThreadID, m.ID = stored.ThreadID, meetd.MeetingID(m.OrganizerID, stored.ThreadID)
	}},
	{"join meeting id", func(m, stored *meetd.Meeting) { m.JoinMeetingID = stored.JoinMeetingID }},
	{"video teleconference id", func(m, stored *meetd.Meeting) { m.VideoTeleconferenceID = stored.VideoTeleconferenceID }},
}

func testCreateOrGetConflict(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	stored := mustCreate(t, st, NewMeeting(t, tenant, org, "stored"))
	for _, tc := range collisions {
		for _, where := range []string{"same organizer", "another tenant"} {
			t.Run(tc.name+" in "+where, func(t *testing.T) {
				m := NewMeeting(t, tenant, org, "new")
				if where == "another tenant" {
					m = NewMeeting(t, NewObjectID(), NewObjectID(), "new")
				}
				tc.take(m, stored)
				_, _, err := st.CreateOrGetMeeting(t.Context(), m)
				wantCode(t, "CreateOrGetMeeting", err, meetd.ECONFLICT)
				_, err = st.MeetingByKey(t.Context(), m.Key())
				wantCode(t, "MeetingByKey after the conflict", err, meetd.ENOTFOUND)
				got, err := st.Meeting(t.Context(), tenant, stored.ID)
				wantCode(t, "Meeting", err, "")
				wantMeeting(t, "the stored meeting", got, stored)
			})
		}
	}
}

func testDeletedKeepsIDs(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	for _, tc := range collisions {
		t.Run(tc.name, func(t *testing.T) {
			gone := mustCreate(t, st, NewMeeting(t, tenant, org, "gone-"+tc.name))
			wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tenant, gone.ID), "")
			m := NewMeeting(t, tenant, org, "new-"+tc.name)
			tc.take(m, gone)
			_, _, err := st.CreateOrGetMeeting(t.Context(), m)
			wantCode(t, "CreateOrGetMeeting with a deleted meeting's "+tc.name, err, meetd.ECONFLICT)
		})
	}
}

func testCreateMeeting(t *testing.T, s suite) {
	st := s.store(t)
	m := NewMeeting(t, NewObjectID(), NewObjectID(), "")
	want := clone(m)
	wantCode(t, "CreateMeeting", st.CreateMeeting(t.Context(), m), "")
	got, err := st.Meeting(t.Context(), want.TenantID, want.ID)
	wantCode(t, "Meeting", err, "")
	wantMeeting(t, "Meeting", got, want)
	// A meeting without an external id has no createOrGet key.
	_, err = st.MeetingByKey(t.Context(), want.Key())
	wantCode(t, "MeetingByKey with an empty external id", err, meetd.ENOTFOUND)
}

func testTwoWithoutExternalID(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	a, b := NewMeeting(t, tenant, org, ""), NewMeeting(t, tenant, org, "")
	wantCode(t, "first CreateMeeting", st.CreateMeeting(t.Context(), a), "")
	wantCode(t, "second CreateMeeting", st.CreateMeeting(t.Context(), b), "")
	for _, m := range []*meetd.Meeting{a, b} {
		got, err := st.Meeting(t.Context(), tenant, m.ID)
		wantCode(t, "Meeting", err, "")
		wantMeeting(t, "Meeting", got, m)
	}
}

func testCreateMeetingConflict(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	stored := mustCreate(t, st, NewMeeting(t, tenant, org, "stored"))
	for _, tc := range collisions {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMeeting(t, tenant, org, "")
			tc.take(m, stored)
			wantCode(t, "CreateMeeting", st.CreateMeeting(t.Context(), m), meetd.ECONFLICT)
			got, err := st.Meeting(t.Context(), tenant, stored.ID)
			wantCode(t, "Meeting", err, "")
			wantMeeting(t, "the stored meeting", got, stored)
		})
	}
}
