package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Issue 3, checklist 32–46: create, read, look up, change and delete a
// meeting with the SDK, as the organizer (Me()) and as an app acting for a
// user (Users().ByUserId()).
func TestLifecycle(t *testing.T) {
	s := sharedServer(t)
	t.Run("Me with a delegated token", func(t *testing.T) {
		tenant, alice := newID(), newID()
		client := connect(t, s, s.userToken(t, tenant, alice, "alice@contoso.com"))
		lifecycle(t, client.Me(), alice)
	})
	t.Run("Users.ByUserId with an application token", func(t *testing.T) {
		tenant, app, alice := newID(), newID(), newID()
		s.grant(t, tenant, app, alice)
		client := connect(t, s, s.appToken(t, tenant, app))
		lifecycle(t, client.Users().ByUserId(alice), alice)
	})
}

func lifecycle(t *testing.T, u *users.UserItemRequestBuilder, organizer string) {
	ctx := context.Background()
	meetings := u.OnlineMeetings()
	bob, carol := newID(), newID()

	start := time.Date(2030, 5, 6, 9, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	in := models.NewOnlineMeeting()
	in.SetSubject(ptr("Design review"))
	in.SetStartDateTime(&start)
	in.SetEndDateTime(&end)
	in.SetParticipants(participants(attendee(bob, "bob@contoso.com", models.ATTENDEE_ONLINEMEETINGROLE)))
	created, err := meetings.Post(ctx, in, nil)
	must(t, "create (POST onlineMeetings)", err)
	id, join := str(created.GetId()), str(created.GetJoinWebUrl())
	if id == "" || join == "" {
		t.Fatalf("create: got id %q joinWebUrl %q, want both set", id, join)
	}
	if got := str(created.GetSubject()); got != "Design review" {
		t.Errorf("create subject: got %q, want Design review", got)
	}
	wantTime(t, "create startDateTime", created.GetStartDateTime(), start)
	wantTime(t, "create endDateTime", created.GetEndDateTime(), end)
	if got := organizerID(created); got != organizer {
		t.Errorf("create organizer: got %q, want %s", got, organizer)
	}
	wantAttendees(t, "create", created, bob)
	if created.GetExternalId() != nil {
		t.Errorf("create externalId: got %q, want null", *created.GetExternalId())
	}

	item := meetings.ByOnlineMeetingId(id)
	got, err := item.Get(ctx, nil)
	must(t, "get by id", err)
	if str(got.GetId()) != id || str(got.GetJoinWebUrl()) != join || str(got.GetSubject()) != "Design review" {
		t.Errorf("get by id: got id %q joinWebUrl %q subject %q, want %q %q Design review", str(got.GetId()), str(got.GetJoinWebUrl()), str(got.GetSubject()), id, join)
	}

	// PATCH: subject, both times (given with an offset), attendees replaced.
	start2 := time.Date(2030, 5, 7, 15, 30, 0, 0, time.FixedZone("", 2*3600))
	end2 := start2.Add(45 * time.Minute)
	patch := models.NewOnlineMeeting()
	patch.SetSubject(ptr("Design review (moved)"))
	patch.SetStartDateTime(&start2)
	patch.SetEndDateTime(&end2)
	patch.SetParticipants(participants(attendee(carol, "carol@contoso.com", models.PRESENTER_ONLINEMEETINGROLE)))
	updated, err := item.Patch(ctx, patch, nil)
	must(t, "patch", err)
	wantUpdated := func(what string, m models.OnlineMeetingable) {
		t.Helper()
		if str(m.GetId()) != id {
			t.Errorf("%s id: got %q, want %q", what, str(m.GetId()), id)
		}
		if got := str(m.GetSubject()); got != "Design review (moved)" {
			t.Errorf("%s subject: got %q, want Design review (moved)", what, got)
		}
		wantTime(t, what+" startDateTime", m.GetStartDateTime(), start2)
		wantTime(t, what+" endDateTime", m.GetEndDateTime(), end2)
		wantAttendees(t, what, m, carol)
		if got := organizerID(m); got != organizer {
			t.Errorf("%s organizer: got %q, want %s", what, got, organizer)
		}
		if str(m.GetJoinWebUrl()) != join {
			t.Errorf("%s joinWebUrl: got %q, want unchanged %q", what, str(m.GetJoinWebUrl()), join)
		}
	}
	wantUpdated("PATCH response", updated)
	fresh, err := item.Get(ctx, nil)
	must(t, "get after patch", err)
	wantUpdated("GET after PATCH", fresh)

	// Look-ups with $filter return exactly this meeting.
	if created.GetJoinMeetingIdSettings() == nil || str(created.GetJoinMeetingIdSettings().GetJoinMeetingId()) == "" {
		t.Fatalf("create: no joinMeetingIdSettings.joinMeetingId to look up")
	}
	for _, f := range []string{
		"JoinWebUrl eq '" + join + "'",
		"joinMeetingIdSettings/joinMeetingId eq '" + str(created.GetJoinMeetingIdSettings().GetJoinMeetingId()) + "'",
	} {
		res, err := meetings.Get(ctx, &users.ItemOnlineMeetingsRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.ItemOnlineMeetingsRequestBuilderGetQueryParameters{Filter: &f},
		})
		must(t, "$filter="+f, err)
		if v := res.GetValue(); len(v) != 1 || str(v[0].GetId()) != id || str(v[0].GetSubject()) != "Design review (moved)" {
			ids := []string{}
			for _, m := range v {
				ids = append(ids, str(m.GetId()))
			}
			t.Errorf("$filter=%s: got ids %v, want exactly [%s] with the updated subject", f, ids, id)
		}
	}

	// $select returns only what was asked for.
	sel, err := item.Get(ctx, &users.ItemOnlineMeetingsOnlineMeetingItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemOnlineMeetingsOnlineMeetingItemRequestBuilderGetQueryParameters{Select: []string{"subject", "joinWebUrl"}},
	})
	must(t, "$select=subject,joinWebUrl", err)
	if str(sel.GetSubject()) != "Design review (moved)" || str(sel.GetJoinWebUrl()) != join {
		t.Errorf("$select: got subject %q joinWebUrl %q, want the meeting's", str(sel.GetSubject()), str(sel.GetJoinWebUrl()))
	}
	if sel.GetStartDateTime() != nil || sel.GetParticipants() != nil || sel.GetLobbyBypassSettings() != nil {
		t.Errorf("$select=subject,joinWebUrl: got startDateTime/participants/lobbyBypassSettings too, want only the selected properties")
	}

	must(t, "delete", item.Delete(ctx, nil))
	_, err = item.Get(ctx, nil)
	wantGraphError(t, err, http.StatusNotFound, "NotFound", "")
}
