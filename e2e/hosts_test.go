package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
)

// Checklist 20, and the README's warning: a client built without listing
// 127.0.0.1 as an allowed host never asks its credential for a token and
// sends none, and meetd's 401 says so in Graph's words.
func TestClientWithoutAllowedHostSendsNoToken(t *testing.T) {
	s := sharedServer(t)
	cred := &countingToken{staticToken: staticToken(s.userToken(t, newID(), newID(), "alice@contoso.com"))}
	client, err := msgraphsdk.NewGraphServiceClientWithCredentials(cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	client.GetAdapter().SetBaseUrl(s.URL + "/v1.0")
	_, err = client.Me().OnlineMeetings().CreateOrGet().Post(context.Background(), createOrGetBody("no-host", "", time.Time{}, time.Time{}), nil)
	wantGraphError(t, err, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
	if n := cred.calls.Load(); n != 0 {
		t.Errorf("credential calls: got %d, want 0 (the SDK skips hosts not on its list)", n)
	}
}
