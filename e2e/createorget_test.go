package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// createOrGetBody is the request an app sends: the SDK's own body type.
func createOrGetBody(externalID, subject string, start, end time.Time, attendees ...models.MeetingParticipantInfoable) *users.ItemOnlineMeetingsCreateOrGetPostRequestBody {
	b := users.NewItemOnlineMeetingsCreateOrGetPostRequestBody()
	b.SetExternalId(&externalID)
	if subject != "" {
		b.SetSubject(&subject)
	}
	if !start.IsZero() {
		b.SetStartDateTime(&start)
	}
	if !end.IsZero() {
		b.SetEndDateTime(&end)
	}
	if len(attendees) > 0 {
		b.SetParticipants(participants(attendees...))
	}
	return b
}

// Checklist 1–3, 11: createOrGet through Me() creates once, then returns the
// stored meeting unchanged.
func TestCreateOrGetDelegated(t *testing.T) {
	s := sharedServer(t)
	ctx := context.Background()
	tenant, alice, bob := newID(), newID(), newID()
	client := connect(t, s, s.userToken(t, tenant, alice, "alice@contoso.com"))

	// A local offset, as a caller in California sends it. Whole seconds: the
	// SDK's JSON writer formats times with time.RFC3339 and drops fractions.
	start := time.Date(2030, 3, 4, 14, 30, 34, 0, time.FixedZone("PDT", -7*3600))
	end := start.Add(90 * time.Minute)
	first, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx,
		createOrGetBody("crm-42", "Quarterly review", start, end, attendee(bob, "bob@contoso.com", models.ATTENDEE_ONLINEMEETINGROLE)), nil)
	must(t, "first createOrGet", err)
	if str(first.GetId()) == "" || str(first.GetJoinWebUrl()) == "" {
		t.Fatalf("first createOrGet: got id %q joinWebUrl %q, want both set", str(first.GetId()), str(first.GetJoinWebUrl()))
	}
	if got := str(first.GetExternalId()); got != "crm-42" {
		t.Errorf("externalId: got %q, want crm-42", got)
	}
	if got := str(first.GetSubject()); got != "Quarterly review" {
		t.Errorf("subject: got %q, want Quarterly review", got)
	}
	wantTime(t, "startDateTime", first.GetStartDateTime(), start)
	wantTime(t, "endDateTime", first.GetEndDateTime(), end)
	if got := organizerID(first); got != alice {
		t.Errorf("organizer: got %q, want the caller %s", got, alice)
	}
	if got := str(first.GetParticipants().GetOrganizer().GetUpn()); got != "alice@contoso.com" {
		t.Errorf("organizer upn: got %q, want alice@contoso.com", got)
	}
	wantAttendees(t, "first createOrGet", first, bob)
	if a := first.GetParticipants().GetAttendees(); len(a) == 1 && str(a[0].GetUpn()) != "bob@contoso.com" {
		t.Errorf("attendee upn: got %q, want bob@contoso.com", str(a[0].GetUpn()))
	}

	// The same externalId with different inputs returns the stored meeting.
	second, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx,
		createOrGetBody("crm-42", "Something else", start.Add(24*time.Hour), time.Time{}), nil)
	must(t, "second createOrGet", err)
	if str(second.GetId()) != str(first.GetId()) || str(second.GetJoinWebUrl()) != str(first.GetJoinWebUrl()) {
		t.Errorf("second createOrGet: got id %q joinWebUrl %q, want %q %q",
			str(second.GetId()), str(second.GetJoinWebUrl()), str(first.GetId()), str(first.GetJoinWebUrl()))
	}
	if got := str(second.GetSubject()); got != "Quarterly review" {
		t.Errorf("second createOrGet subject: got %q, want the stored Quarterly review", got)
	}
	wantTime(t, "second createOrGet startDateTime", second.GetStartDateTime(), start)
	wantAttendees(t, "second createOrGet", second, bob)

	// The same externalId for another user of the tenant is another meeting.
	carol := newID()
	other, err := connect(t, s, s.userToken(t, tenant, carol, "carol@contoso.com")).Me().OnlineMeetings().CreateOrGet().Post(ctx,
		createOrGetBody("crm-42", "", time.Time{}, time.Time{}), nil)
	must(t, "createOrGet by another user", err)
	if str(other.GetId()) == str(first.GetId()) {
		t.Errorf("another organizer's createOrGet: got the same id %q, want a new meeting", str(other.GetId()))
	}
}

// Checklist 1, 2: 201 on create, 200 on a hit, as seen on the wire under the
// SDK; Me() reaches meetd as /me.
func TestCreateOrGetStatusCodes(t *testing.T) {
	s := sharedServer(t)
	ctx := context.Background()
	tenant, alice := newID(), newID()
	client, rec := connectObserved(t, s, s.userToken(t, tenant, alice, "alice@contoso.com"))
	for i, want := range []int{http.StatusCreated, http.StatusOK} {
		_, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody("status", "", time.Time{}, time.Time{}), nil)
		must(t, "createOrGet", err)
		x := rec.last(t)
		if x.Status != want {
			t.Errorf("call %d status: got %d, want %d (%s)", i+1, x.Status, want, x)
		}
		if x.URL != "/v1.0/me/onlineMeetings/createOrGet" || !x.Authorized {
			t.Errorf("call %d request: got %s authorized=%v, want POST /v1.0/me/onlineMeetings/createOrGet with a token", i+1, x.URL, x.Authorized)
		}
		t.Logf("call %d: request Content-Encoding %q, status %d", i+1, x.ContentEncoding, x.Status)
	}
}

// Checklist 15: chatInfo, which the v1.0 SDK serialises, is accepted on v1.0.
func TestCreateOrGetChatInfoOnV1(t *testing.T) {
	s := sharedServer(t)
	tenant, alice := newID(), newID()
	client := connect(t, s, s.userToken(t, tenant, alice, "alice@contoso.com"))
	body := createOrGetBody("with-chat", "Channel meeting", time.Time{}, time.Time{})
	chat := models.NewChatInfo()
	chat.SetThreadId(ptr("19:abc123@thread.tacv2"))
	body.SetChatInfo(chat)
	m, err := client.Me().OnlineMeetings().CreateOrGet().Post(context.Background(), body, nil)
	must(t, "createOrGet with chatInfo", err)
	if m.GetChatInfo() == nil || str(m.GetChatInfo().GetThreadId()) != "19:abc123@thread.tacv2" {
		t.Errorf("chatInfo.threadId: got %v, want 19:abc123@thread.tacv2", m.GetChatInfo())
	}
}

// Checklist 16, 17, 19: application tokens act through Users().ByUserId()
// when an access policy allows it, and get Graph's errors otherwise.
func TestCreateOrGetApplication(t *testing.T) {
	s := sharedServer(t)
	ctx := context.Background()
	tenant, app, carol, dave := newID(), newID(), newID(), newID()
	s.grant(t, tenant, app, carol)
	token := s.appToken(t, tenant, app)
	client := connect(t, s, token)

	first, err := client.Users().ByUserId(carol).OnlineMeetings().CreateOrGet().Post(ctx,
		createOrGetBody("app-1", "Booked by the app", time.Time{}, time.Time{}), nil)
	must(t, "app createOrGet", err)
	if got := organizerID(first); got != carol {
		t.Errorf("organizer: got %q, want the path user %s", got, carol)
	}
	if got := str(first.GetExternalId()); got != "app-1" {
		t.Errorf("externalId: got %q, want app-1", got)
	}
	observed, rec := connectObserved(t, s, token)
	second, err := observed.Users().ByUserId(carol).OnlineMeetings().CreateOrGet().Post(ctx,
		createOrGetBody("app-1", "", time.Time{}, time.Time{}), nil)
	must(t, "second app createOrGet", err)
	if str(second.GetId()) != str(first.GetId()) {
		t.Errorf("second app createOrGet: got id %q, want %q", str(second.GetId()), str(first.GetId()))
	}
	if x := rec.last(t); x.Status != http.StatusOK {
		t.Errorf("second app createOrGet status: got %d, want 200 (%s)", x.Status, x)
	}

	t.Run("no access policy for the user", func(t *testing.T) {
		_, err := client.Users().ByUserId(dave).OnlineMeetings().CreateOrGet().Post(ctx,
			createOrGetBody("app-2", "", time.Time{}, time.Time{}), nil)
		wantGraphError(t, err, http.StatusForbidden, "Forbidden", "No application access policy found for this app.")
	})
	t.Run("app token on Me()", func(t *testing.T) {
		_, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx,
			createOrGetBody("app-3", "", time.Time{}, time.Time{}), nil)
		wantGraphError(t, err, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
	})
}

// Checklist 11, 12: a time stored with 7 fractional digits (sent by a caller
// that keeps them, here raw HTTP) comes back to the SDK to the 100 ns.
func TestFractionalSecondsReachTheSDK(t *testing.T) {
	s := sharedServer(t)
	tenant, alice := newID(), newID()
	token := s.userToken(t, tenant, alice, "alice@contoso.com")
	status, body := rawJSON(t, http.MethodPost, s.URL+"/v1.0/me/onlineMeetings/createOrGet", token,
		`{"externalId":"fractions","startDateTime":"2019-07-12T14:30:34.2444915-07:00"}`)
	if status != http.StatusCreated {
		t.Fatalf("raw createOrGet: got %d %s, want 201", status, body)
	}
	m, err := connect(t, s, token).Me().OnlineMeetings().CreateOrGet().Post(context.Background(),
		createOrGetBody("fractions", "", time.Time{}, time.Time{}), nil)
	must(t, "createOrGet through the SDK", err)
	start := time.Date(2019, 7, 12, 21, 30, 34, 244491500, time.UTC)
	wantTime(t, "startDateTime", m.GetStartDateTime(), start)
	wantTime(t, "endDateTime", m.GetEndDateTime(), start.Add(time.Hour))
}
