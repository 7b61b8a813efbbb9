package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Checklist 49: evolvable enum members reach the SDK as unknownFutureValue
// unless the app sends Prefer: include-unknown-enum-members.
func TestUnknownEnumMembers(t *testing.T) {
	s := sharedServer(t)
	ctx := context.Background()
	tenant, alice, carol := newID(), newID(), newID()
	token := s.userToken(t, tenant, alice, "alice@contoso.com")
	client := connect(t, s, token)
	m, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody("enums", "", time.Time{}, time.Time{}), nil)
	must(t, "createOrGet", err)
	id := str(m.GetId())

	// Set-up by raw HTTP, so this test depends on reading enums only.
	status, body := rawJSON(t, http.MethodPatch, s.URL+"/v1.0/me/onlineMeetings/"+id, token,
		`{"lobbyBypassSettings":{"scope":"invited"},"participants":{"attendees":[{"identity":{"user":{"id":"`+carol+`"}},"upn":"carol@contoso.com","role":"coorganizer"}]}}`)
	if status != http.StatusOK {
		t.Fatalf("PATCH lobby scope invited: got %d %s, want 200", status, body)
	}

	item := client.Me().OnlineMeetings().ByOnlineMeetingId(id)
	plain, err := item.Get(ctx, nil)
	must(t, "get without Prefer", err)
	wantEnums(t, "without Prefer", plain, models.UNKNOWNFUTUREVALUE_LOBBYBYPASSSCOPE, models.UNKNOWNFUTUREVALUE_ONLINEMEETINGROLE)

	headers := abstractions.NewRequestHeaders()
	headers.Add("Prefer", "include-unknown-enum-members")
	inspect := khttp.NewHeadersInspectionOptions()
	inspect.InspectResponseHeaders = true
	full, err := item.Get(ctx, &users.ItemOnlineMeetingsOnlineMeetingItemRequestBuilderGetRequestConfiguration{
		Headers: headers, Options: []abstractions.RequestOption{inspect},
	})
	must(t, "get with Prefer", err)
	wantEnums(t, "with Prefer", full, models.INVITED_LOBBYBYPASSSCOPE, models.COORGANIZER_ONLINEMEETINGROLE)
	if got := inspect.GetResponseHeaders().Get("Preference-Applied"); len(got) != 1 || got[0] != "include-unknown-enum-members" {
		t.Errorf("Preference-Applied: got %q, want include-unknown-enum-members", got)
	}
}

func wantEnums(tb testing.TB, what string, m models.OnlineMeetingable, scope models.LobbyBypassScope, role models.OnlineMeetingRole) {
	tb.Helper()
	if l := m.GetLobbyBypassSettings(); l == nil || l.GetScope() == nil || *l.GetScope() != scope {
		var got any
		if l != nil && l.GetScope() != nil {
			got = l.GetScope().String()
		}
		tb.Errorf("%s lobbyBypassSettings.scope: got %v, want %s", what, got, scope)
	}
	var got any
	if p := m.GetParticipants(); p != nil && len(p.GetAttendees()) == 1 && p.GetAttendees()[0].GetRole() != nil {
		got = p.GetAttendees()[0].GetRole().String()
	}
	if got != role.String() {
		tb.Errorf("%s attendee role: got %v, want %s", what, got, role)
	}
}

// rawJSON sends a JSON request without the SDK and returns status and body.
func rawJSON(tb testing.TB, method, url, token, body string) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, string(b)
}
