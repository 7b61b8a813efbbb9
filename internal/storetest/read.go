package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

func testMeetingByID(t *testing.T, s suite) {
	st := s.store(t)
	tenant := NewObjectID()
	m := mustCreate(t, st, NewMeeting(t, tenant, NewObjectID(), "by-id"))
	got, err := st.Meeting(t.Context(), tenant, m.ID)
	wantCode(t, "Meeting", err, "")
	wantMeeting(t, "Meeting", got, m)
	tests := []struct{ name, tenant, id string }{
		{"another tenant", NewObjectID(), m.ID},
		{"unknown id", tenant, meetd.MeetingID(m.OrganizerID, NewThreadID())},
		{"empty id", tenant, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Meeting(t.Context(), tc.tenant, tc.id)
			wantCode(t, "Meeting", err, meetd.ENOTFOUND)
			if got != nil {
				t.Fatalf("Meeting: got %s, want nil", got.ID)
			}
		})
	}
}

func testMeetingByKey(t *testing.T, s suite) {
	st := s.store(t)
	m := mustCreate(t, st, NewMeeting(t, NewObjectID(), NewObjectID(), "by-key"))
	got, err := st.MeetingByKey(t.Context(), m.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "MeetingByKey", got, m)
	tests := []struct {
		name string
		key  meetd.Key
	}{
		{"unknown external id", meetd.Key{TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: "other"}},
		{"another organizer", meetd.Key{TenantID: m.TenantID, OrganizerID: NewObjectID(), ExternalID: m.ExternalID}},
		{"another tenant", meetd.Key{TenantID: NewObjectID(), OrganizerID: m.OrganizerID, ExternalID: m.ExternalID}},
		{"external id in another case", meetd.Key{TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: strings.ToUpper(m.ExternalID)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: a store that caches must not cache a wrong answer.
			for range 2 {
				got, err := st.MeetingByKey(t.Context(), tc.key)
				wantCode(t, "MeetingByKey", err, meetd.ENOTFOUND)
				if got != nil {
					t.Fatalf("MeetingByKey: got %s, want nil", got.ID)
				}
			}
		})
	}
}

func testFindMeetings(t *testing.T, s suite) {
	st := s.store(t)
	tenant, other := NewObjectID(), NewObjectID()
	orgA, orgB := NewObjectID(), NewObjectID()
	a1 := mustCreate(t, st, NewMeeting(t, tenant, orgA, "a1"))
	a2 := mustCreate(t, st, NewMeeting(t, tenant, orgA, ""))
	b1 := mustCreate(t, st, NewMeeting(t, tenant, orgB, "b1"))
	u1 := mustCreate(t, st, NewMeeting(t, other, orgA, "a1"))
	gone := mustCreate(t, st, NewMeeting(t, tenant, orgA, "gone"))
	wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tenant, gone.ID), "")

	tests := []struct {
		name   string
		tenant string
		filter meetd.Filter
		want   []*meetd.Meeting
	}{
		{"organizer and thread", tenant, meetd.Filter{OrganizerID: orgA, ThreadID: a1.ThreadID}, []*meetd.Meeting{a1}},
		{"organizer and another's thread", tenant, meetd.Filter{OrganizerID: orgB, ThreadID: a1.ThreadID}, nil},
		{"organizer and join id", tenant, meetd.Filter{OrganizerID: orgA, JoinMeetingID: a2.JoinMeetingID}, []*meetd.Meeting{a2}},
		{"organizer and another's join id", tenant, meetd.Filter{OrganizerID: orgA, JoinMeetingID: b1.JoinMeetingID}, nil},
		{"thread alone", tenant, meetd.Filter{ThreadID: b1.ThreadID}, []*meetd.Meeting{b1}},
		{"join id alone", tenant, meetd.Filter{JoinMeetingID: a1.JoinMeetingID}, []*meetd.Meeting{a1}},
		{"video teleconference id", tenant, meetd.Filter{VideoTeleconferenceID: a2.VideoTeleconferenceID}, []*meetd.Meeting{a2}},
		{"organizer alone", tenant, meetd.Filter{OrganizerID: orgA}, []*meetd.Meeting{a1, a2}},
		{"organizer in another tenant", other, meetd.Filter{OrganizerID: orgA}, []*meetd.Meeting{u1}},
		{"thread from another tenant", other, meetd.Filter{ThreadID: a1.ThreadID}, nil},
		{"join id from another tenant", other, meetd.Filter{JoinMeetingID: a1.JoinMeetingID}, nil},
		{"video teleconference id from another tenant", tenant, meetd.Filter{VideoTeleconferenceID: u1.VideoTeleconferenceID}, nil},
		{"unknown thread", tenant, meetd.Filter{ThreadID: NewThreadID()}, nil},
		{"deleted meeting's thread", tenant, meetd.Filter{ThreadID: gone.ThreadID}, nil},
		{"deleted meeting's join id", tenant, meetd.Filter{OrganizerID: orgA, JoinMeetingID: gone.JoinMeetingID}, nil},
		{"deleted meeting's video teleconference id", tenant, meetd.Filter{VideoTeleconferenceID: gone.VideoTeleconferenceID}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.FindMeetings(t.Context(), tc.tenant, tc.filter)
			wantCode(t, "FindMeetings", err, "")
			wantMeetings(t, "FindMeetings", got, tc.want)
		})
	}
	t.Run("empty filter", func(t *testing.T) {
		if _, err := st.FindMeetings(t.Context(), tenant, meetd.Filter{}); err == nil {
			t.Fatalf("FindMeetings with an empty filter: got no error, want one")
		}
	})
}

// wantMeetings compares two lists of meetings in any order.
func wantMeetings(tb testing.TB, what string, got, want []*meetd.Meeting) {
	tb.Helper()
	if len(got) != len(want) {
		ids := make([]string, len(got))
		for i, m := range got {
			ids[i] = m.ID
		}
		tb.Fatalf("%s: got %d meetings %v, want %d", what, len(got), ids, len(want))
	}
	byID := func(a, b *meetd.Meeting) int { return strings.Compare(a.ID, b.ID) }
	got, want = slices.Clone(got), slices.Clone(want)
	slices.SortFunc(got, byID)
	slices.SortFunc(want, byID)
	for i := range got {
		wantMeeting(tb, what, got[i], want[i])
	}
}

func testMeetingByThread(t *testing.T, s suite) {
	st := s.store(t)
	m := mustCreate(t, st, NewMeeting(t, NewObjectID(), NewObjectID(), "by-thread"))
	got, deleted, err := st.MeetingByThread(t.Context(), m.ThreadID)
	wantCode(t, "MeetingByThread", err, "")
	wantMeeting(t, "MeetingByThread", got, m)
	if deleted {
		t.Fatalf("MeetingByThread: got deleted true, want false")
	}
	_, _, err = st.MeetingByThread(t.Context(), NewThreadID())
	wantCode(t, "MeetingByThread of an unknown thread", err, meetd.ENOTFOUND)

	wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), m.TenantID, m.ID), "")
	got, deleted, err = st.MeetingByThread(t.Context(), m.ThreadID)
	wantCode(t, "MeetingByThread after delete", err, "")
	wantMeeting(t, "MeetingByThread after delete", got, m)
	if !deleted {
		t.Fatalf("MeetingByThread after delete: got deleted false, want true")
	}
}

func testPing(t *testing.T, s suite) {
	st := s.store(t)
	wantCode(t, "Ping", st.Ping(t.Context()), "")
}

// testClose: calls after Close (requests still in flight while the server
// shuts down) are EUNAVAILABLE, a 503 the client retries elsewhere, not a
// 500.
func testClose(t *testing.T, s suite) {
	st := s.open(t)
	before := mustCreate(t, st, NewMeeting(t, NewObjectID(), NewObjectID(), "before-close"))
	if err := st.Close(); err != nil {
		t.Fatalf("Close: got %v, want nil", err)
	}
	wantCode(t, "Ping after Close", st.Ping(t.Context()), meetd.EUNAVAILABLE)
	_, _, err := st.CreateOrGetMeeting(t.Context(), NewMeeting(t, NewObjectID(), NewObjectID(), "after-close"))
	wantCode(t, "CreateOrGetMeeting after Close", err, meetd.EUNAVAILABLE)
	_, err = st.Meeting(t.Context(), before.TenantID, before.ID)
	wantCode(t, "Meeting after Close", err, meetd.EUNAVAILABLE)
	_, err = st.MeetingByKey(t.Context(), before.Key())
	wantCode(t, "MeetingByKey after Close", err, meetd.EUNAVAILABLE)
}
