package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// readEverywhere reads the meeting through every read path, as a caching
// store would fill its caches, and returns what each path says.
func readEverywhere(tb testing.TB, st meetd.Store, m *meetd.Meeting) map[string]*meetd.Meeting {
	tb.Helper()
	ctx := tb.Context()
	seen := map[string]*meetd.Meeting{}
	if got, err := st.Meeting(ctx, m.TenantID, m.ID); err == nil {
		seen["Meeting"] = got
	} else {
		wantCode(tb, "Meeting", err, meetd.ENOTFOUND)
	}
	if m.ExternalID != "" {
		if got, err := st.MeetingByKey(ctx, m.Key()); err == nil {
			seen["MeetingByKey"] = got
		} else {
			wantCode(tb, "MeetingByKey", err, meetd.ENOTFOUND)
		}
	}
	for name, f := range map[string]meetd.Filter{
		"FindMeetings by organizer and thread":  {OrganizerID: m.OrganizerID, ThreadID: m.ThreadID},
		"FindMeetings by organizer and join id": {OrganizerID: m.OrganizerID, JoinMeetingID: m.JoinMeetingID},
		"FindMeetings by thread":                {ThreadID: m.ThreadID},
		"FindMeetings by video teleconference":  {VideoTeleconferenceID: m.VideoTeleconferenceID},
	} {
		got, err := st.FindMeetings(ctx, m.TenantID, f)
		wantCode(tb, name, err, "")
		if len(got) > 1 {
			tb.Fatalf("%s: got %d meetings, want at most 1", name, len(got))
		}
		if len(got) == 1 {
			seen[name] = got[0]
		}
	}
	return seen
}

func testUpdateVisible(t *testing.T, s suite) {
	for _, external := range []string{"with external id", ""} {
		t.Run(fmt.Sprintf("external id %q", external), func(t *testing.T) {
			st := s.store(t)
			m := NewMeeting(t, NewObjectID(), NewObjectID(), external)
			m.Settings.Watermark = nil
			m = mustCreate(t, st, m)
			readEverywhere(t, st, m)

			next := clone(m)
			next.Version = 2
			next.Subject = "Moved"
			next.Start = next.Start.Add(24*time.Hour + 300)
			next.End = next.Start.Add(time.Hour)
			next.Modified = next.Modified.Add(time.Minute + 700)
			next.Attendees = []meetd.Participant{{Identity: meetd.Identity{Kind: meetd.IdentityUser, ID: NewObjectID()}, Role: meetd.RolePresenter}}
			next.Settings.AllowedPresenters = "organizer"
			next.Settings.AnonymizeIdentityForRoles = []meetd.Role{}
			next.Settings.Watermark = &meetd.Watermark{ForVideo: true}
			want := clone(next)
			wantCode(t, "UpdateMeeting", st.UpdateMeeting(t.Context(), next), "")
			seen := readEverywhere(t, st, want)
			wantPaths := 5
			if external != "" {
				wantPaths = 6
			}
			if len(seen) != wantPaths {
				t.Fatalf("after update: %d read paths found the meeting, want %d: %v", len(seen), wantPaths, seen)
			}
			for path, got := range seen {
				wantMeeting(t, path+" after update", got, want)
			}
			got, _, err := st.MeetingByThread(t.Context(), want.ThreadID)
			wantCode(t, "MeetingByThread", err, "")
			wantMeeting(t, "MeetingByThread after update", got, want)

			// The store keeps its own copy of the update too.
			next.Subject = "changed by the caller"
			next.Attendees[0].Role = meetd.RoleAttendee
			got, err = st.Meeting(t.Context(), want.TenantID, want.ID)
			wantCode(t, "Meeting", err, "")
			wantMeeting(t, "after the caller changed its update", got, want)
		})
	}
}

func testUpdateStale(t *testing.T, s suite) {
	st := s.store(t)
	m := mustCreate(t, st, NewMeeting(t, NewObjectID(), NewObjectID(), "stale"))
	first := clone(m)
	first.Version, first.Subject = 2, "first"
	wantCode(t, "first update", st.UpdateMeeting(t.Context(), first), "")
	tests := []struct {
		name    string
		version int64
	}{
		{"same version again", 2},
		{"version of the create", 1},
		{"version skipped", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			late := clone(m)
			late.Version, late.Subject = tc.version, "late"
			wantCode(t, "stale update", st.UpdateMeeting(t.Context(), late), meetd.ECONFLICT)
			for path, got := range readEverywhere(t, st, m) {
				wantMeeting(t, path+" after a stale update", got, first)
			}
		})
	}
}

func testUpdateRace(t *testing.T, s suite) {
	st := s.store(t)
	m := mustCreate(t, st, NewMeeting(t, NewObjectID(), NewObjectID(), "update-race"))
	const n = 16
	errs := make([]error, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			next := clone(m)
			next.Version, next.Subject = 2, fmt.Sprintf("writer %d", i)
			<-ready
			errs[i] = st.UpdateMeeting(t.Context(), next)
		})
	}
	close(ready)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch meetd.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Fatalf("writers %d and %d both updated version 1", winner, i)
			}
			winner = i
		case meetd.ECONFLICT:
		default:
			t.Fatalf("writer %d: got %v, want nil or ECONFLICT", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("got no successful writer, want one")
	}
	got, err := st.MeetingByKey(t.Context(), m.Key())
	wantCode(t, "MeetingByKey", err, "")
	if want := fmt.Sprintf("writer %d", winner); got.Subject != want || got.Version != 2 {
		t.Fatalf("after the race: got subject %q version %d, want %q version 2", got.Subject, got.Version, want)
	}
}

func testUpdateGone(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	deleted := mustCreate(t, st, NewMeeting(t, tenant, org, "deleted"))
	wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tenant, deleted.ID), "")
	live := mustCreate(t, st, NewMeeting(t, tenant, org, "live"))
	tests := []struct {
		name string
		m    *meetd.Meeting
	}{
		{"deleted", deleted},
		{"never stored", NewMeeting(t, tenant, org, "never")},
		{"in another tenant", func() *meetd.Meeting { m := clone(live); m.TenantID = NewObjectID(); return m }()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := clone(tc.m)
			next.Version, next.Subject = tc.m.Version+1, "updated"
			wantCode(t, "UpdateMeeting", st.UpdateMeeting(t.Context(), next), meetd.ENOTFOUND)
		})
	}
	got, err := st.Meeting(t.Context(), tenant, live.ID)
	wantCode(t, "Meeting", err, "")
	wantMeeting(t, "the live meeting", got, live)
}

func testDeleteGone(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	m := mustCreate(t, st, NewMeeting(t, tenant, org, "delete-me"))
	plain := mustCreate(t, st, NewMeeting(t, tenant, org, ""))
	readEverywhere(t, st, m)
	readEverywhere(t, st, plain)
	for _, d := range []*meetd.Meeting{m, plain} {
		wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tenant, d.ID), "")
		if seen := readEverywhere(t, st, d); len(seen) > 0 {
			t.Fatalf("after delete: still found by %v", seen)
		}
		got, deleted, err := st.MeetingByThread(t.Context(), d.ThreadID)
		wantCode(t, "MeetingByThread", err, "")
		wantMeeting(t, "MeetingByThread after delete", got, d)
		if !deleted {
			t.Fatalf("MeetingByThread after delete: got deleted false, want true")
		}
	}
	found, err := st.FindMeetings(t.Context(), tenant, meetd.Filter{OrganizerID: org})
	wantCode(t, "FindMeetings by organizer", err, "")
	wantMeetings(t, "FindMeetings by organizer after delete", found, nil)

	// The external id is free again: the same key creates a new meeting.
	again := NewMeeting(t, tenant, org, "delete-me")
	got, created, err := st.CreateOrGetMeeting(t.Context(), again)
	wantCode(t, "CreateOrGetMeeting after delete", err, "")
	if !created {
		t.Fatalf("CreateOrGetMeeting after delete: got created false (meeting %s), want true", got.ID)
	}
	wantMeeting(t, "the new meeting", got, again)
	byKey, err := st.MeetingByKey(t.Context(), again.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "MeetingByKey after re-create", byKey, again)
	old, deleted, err := st.MeetingByThread(t.Context(), m.ThreadID)
	wantCode(t, "MeetingByThread of the old meeting", err, "")
	if !deleted || old.ID != m.ID {
		t.Fatalf("MeetingByThread of the old meeting: got %s deleted %t, want %s deleted true", old.ID, deleted, m.ID)
	}
	// And deleting the new one frees it once more.
	wantCode(t, "DeleteMeeting of the new meeting", st.DeleteMeeting(t.Context(), tenant, again.ID), "")
	third := mustCreate(t, st, NewMeeting(t, tenant, org, "delete-me"))
	byKey, err = st.MeetingByKey(t.Context(), third.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "MeetingByKey after the second re-create", byKey, third)
}

func testDeleteNotFound(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	m := mustCreate(t, st, NewMeeting(t, tenant, org, "keep"))
	gone := mustCreate(t, st, NewMeeting(t, tenant, org, "gone"))
	wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tenant, gone.ID), "")
	tests := []struct{ name, tenant, id string }{
		{"twice", tenant, gone.ID},
		{"in another tenant", NewObjectID(), m.ID},
		{"unknown id", tenant, meetd.MeetingID(org, NewThreadID())},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tc.tenant, tc.id), meetd.ENOTFOUND)
		})
	}
	got, err := st.MeetingByKey(t.Context(), m.Key())
	wantCode(t, "MeetingByKey", err, "")
	wantMeeting(t, "the meeting another tenant tried to delete", got, m)
}
