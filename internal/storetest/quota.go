package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// testQuotaCounts pins down what CreateMeetingWithin counts: the app's
// meetings for the organizer in the tenant created at or after Since,
// deleted ones included.
func testQuotaCounts(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org, app := NewObjectID(), NewObjectID(), NewObjectID()
	since := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(tenant, org, app string, at time.Time, external string) *meetd.Meeting {
		m := NewMeeting(t, tenant, org, external)
		m.CreatedBy, m.Created, m.Modified = app, at, at
		return mustCreate(t, st, m)
	}
	add(tenant, org, app, since.Add(-100), "before")              // not counted
	add(tenant, org, app, since, "at")                            // counted: since is inclusive
	add(tenant, org, app, since.Add(time.Hour), "")               // counted
	gone := add(tenant, org, app, since.Add(2*time.Hour), "gone") // counted though deleted
	wantCode(t, "DeleteMeeting", st.DeleteMeeting(t.Context(), tenant, gone.ID), "")
	add(tenant, org, NewObjectID(), since.Add(time.Hour), "other app")
	add(tenant, NewObjectID(), app, since.Add(time.Hour), "other organizer")
	add(NewObjectID(), org, app, since.Add(time.Hour), "other tenant")

	tests := []struct {
		name             string
		tenant, org, app string
		since            time.Time
		count            int
	}{
		{"this month", tenant, org, app, since, 3},
		{"from long ago", tenant, org, app, since.AddDate(-1, 0, 0), 4},
		{"from later", tenant, org, app, since.Add(90 * time.Minute), 1},
		{"in the future", tenant, org, app, since.AddDate(1, 0, 0), 0},
		{"unknown app", tenant, org, NewObjectID(), since, 0},
		{"unknown tenant", NewObjectID(), org, app, since, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The probe is created before every case's Since, so that
			// storing it changes no later case's count.
			probe := NewMeeting(t, tc.tenant, tc.org, "probe "+tc.name)
			probe.CreatedBy = tc.app
			probe.Created, probe.Modified = since.AddDate(-2, 0, 0), since.AddDate(-2, 0, 0)
			_, _, err := st.CreateMeetingWithin(t.Context(), probe, meetd.Quota{Since: tc.since, Max: tc.count})
			wantCode(t, fmt.Sprintf("CreateMeetingWithin, quota %d", tc.count), err, meetd.ETHROTTLED)
			if _, err := st.MeetingByKey(t.Context(), probe.Key()); meetd.ErrorCode(err) != meetd.ENOTFOUND {
				t.Fatalf("MeetingByKey after the refusal: got %v, want ENOTFOUND", err)
			}
			got, created, err := st.CreateMeetingWithin(t.Context(), probe, meetd.Quota{Since: tc.since, Max: tc.count + 1})
			wantCode(t, fmt.Sprintf("CreateMeetingWithin, quota %d", tc.count+1), err, "")
			if !created {
				t.Fatalf("CreateMeetingWithin, quota %d: got created false", tc.count+1)
			}
			wantMeeting(t, "the created meeting", got, probe)
		})
	}
}

// testQuotaKeysAndIDs: a key that is taken returns its meeting however full
// the quota; a meeting without an external id is a plain create; taken ids
// are ECONFLICT, as for the other creates.
func testQuotaKeysAndIDs(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org := NewObjectID(), NewObjectID()
	quota := meetd.Quota{Since: created.Add(-time.Hour), Max: 2} // NewMeeting's are created at created
	first := NewMeeting(t, tenant, org, "first")
	got, created, err := st.CreateMeetingWithin(t.Context(), first, quota)
	wantCode(t, "CreateMeetingWithin", err, "")
	if !created {
		t.Fatal("first: got created false")
	}
	wantMeeting(t, "first", got, first)

	plain := NewMeeting(t, tenant, org, "")
	plain.CreatedBy = first.CreatedBy
	got, created, err = st.CreateMeetingWithin(t.Context(), plain, quota)
	wantCode(t, "CreateMeetingWithin without an external id", err, "")
	if !created {
		t.Fatal("plain: got created false")
	}
	wantMeeting(t, "plain", got, plain)
	stored, err := st.Meeting(t.Context(), tenant, plain.ID)
	wantCode(t, "Meeting", err, "")
	wantMeeting(t, "plain, read back", stored, plain)

	// The quota is full now; the taken key still answers.
	again := NewMeeting(t, tenant, org, "first")
	again.CreatedBy = first.CreatedBy
	got, created, err = st.CreateMeetingWithin(t.Context(), again, quota)
	wantCode(t, "CreateMeetingWithin of a taken key, quota full", err, "")
	if created {
		t.Fatal("a taken key: got created true")
	}
	wantMeeting(t, "the key's meeting", got, first)
	third := NewMeeting(t, tenant, org, "third")
	third.CreatedBy = first.CreatedBy
	_, _, err = st.CreateMeetingWithin(t.Context(), third, quota)
	wantCode(t, "CreateMeetingWithin past the quota", err, meetd.ETHROTTLED)

	// Another app of the same organizer has its own quota; an id that is
	// taken is a conflict.
	other := NewMeeting(t, tenant, org, "other")
	other.ThreadID, other.ID = first.ThreadID, first.ID
	_, _, err = st.CreateMeetingWithin(t.Context(), other, quota)
	wantCode(t, "CreateMeetingWithin with a taken thread id", err, meetd.ECONFLICT)
}

// testQuotaRace: creates at once, for new keys and none, never store more
// than the quota, and each one stored is answered as created.
func testQuotaRace(t *testing.T, s suite) {
	st := s.store(t)
	tenant, org, app := NewObjectID(), NewObjectID(), NewObjectID()
	const n, max = 24, 5
	quota := meetd.Quota{Since: created.Add(-time.Hour), Max: max}
	ms := make([]*meetd.Meeting, n)
	for i := range ms {
		external := fmt.Sprint("race-", i)
		if i%3 == 0 {
			external = ""
		}
		ms[i] = NewMeeting(t, tenant, org, external)
		ms[i].CreatedBy = app
	}
	errs := make([]error, n)
	createdBy := make([]bool, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ms {
		wg.Go(func() {
			<-ready
			_, createdBy[i], errs[i] = st.CreateMeetingWithin(t.Context(), ms[i], quota)
		})
	}
	close(ready)
	wg.Wait()
	created := 0
	for i, err := range errs {
		switch meetd.ErrorCode(err) {
		case "":
			if !createdBy[i] {
				t.Errorf("create %d: no error and created false", i)
			}
			created++
			if _, err := st.Meeting(t.Context(), tenant, ms[i].ID); err != nil {
				t.Errorf("create %d was answered as created but is not stored: %v", i, err)
			}
		case meetd.ETHROTTLED:
			if _, err := st.Meeting(t.Context(), tenant, ms[i].ID); meetd.ErrorCode(err) != meetd.ENOTFOUND {
				t.Errorf("create %d was throttled but is stored (%v)", i, err)
			}
		default:
			t.Errorf("create %d: %v", i, err)
		}
	}
	if created != max {
		t.Fatalf("%d creates at once with a quota of %d: %d created, want exactly %d", n, max, created, max)
	}
}
