package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Checklist 8, 9, 10, 21, 29, 37, 39, 40: meetd's errors reach the app as the
// SDK's *odataerrors.ODataError with Graph's code and message, and
// err.Error() is safe to call.
func TestErrorsAreSDKFriendly(t *testing.T) {
	s := sharedServer(t)
	ctx := context.Background()
	tenant, alice, carol := newID(), newID(), newID()
	client := connect(t, s, s.userToken(t, tenant, alice, "alice@contoso.com"))
	m, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody("errors", "", time.Time{}, time.Time{}), nil)
	must(t, "createOrGet", err)
	id := str(m.GetId())
	expired := connect(t, s, s.userToken(t, tenant, alice, "alice@contoso.com", "--ttl", "-1h"))
	other := connect(t, s, s.userToken(t, tenant, carol, "carol@contoso.com"))
	start := time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)

	cases := []struct {
		name          string
		call          func(*msgraphsdk.GraphServiceClient) error
		client        *msgraphsdk.GraphServiceClient
		status        int
		code, message string
	}{
		{"malformed meeting id", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().ByOnlineMeetingId("garbage").Get(ctx, nil)
			return err
		}, client, http.StatusBadRequest, "BadRequest", "Meeting Id is corrupted."},
		{"Teams client meeting id", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().ByOnlineMeetingId("MCMxOTptZWV0aW5nX05qa3lNelkxTnpFdFpXRmxPUzAwWWpZMkxXRm1PR0V0TWpNeE5tUTRaV1kxT0RjeUB0aHJlYWQudjIjMA==").Get(ctx, nil)
			return err
		}, client, http.StatusBadRequest, "BadRequest", "Meeting Id is corrupted."},
		{"expired token", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody("errors", "", time.Time{}, time.Time{}), nil)
			return err
		}, expired, http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."},
		{"another organizer's meeting", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().ByOnlineMeetingId(id).Get(ctx, nil)
			return err
		}, other, http.StatusNotFound, "NotFound", "Organizer Id mismatch User Id: " + carol + "."},
		{"unsupported $filter", func(c *msgraphsdk.GraphServiceClient) error {
			f := "Subject eq 'x'"
			_, err := c.Me().OnlineMeetings().Get(ctx, &users.ItemOnlineMeetingsRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemOnlineMeetingsRequestBuilderGetQueryParameters{Filter: &f},
			})
			return err
		}, client, http.StatusBadRequest, "InvalidArgument", "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'."},
		{"createOrGet without externalId", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().CreateOrGet().Post(ctx, users.NewItemOnlineMeetingsCreateOrGetPostRequestBody(), nil)
			return err
		}, client, http.StatusBadRequest, "BadRequest", ""},
		{"endDateTime before startDateTime", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody("backwards", "", start, start.Add(-time.Minute)), nil)
			return err
		}, client, http.StatusBadRequest, "BadRequest", ""},
		{"endDateTime without startDateTime", func(c *msgraphsdk.GraphServiceClient) error {
			_, err := c.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody("no-start", "", time.Time{}, start), nil)
			return err
		}, client, http.StatusBadRequest, "BadRequest", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oe := wantGraphError(t, tc.call(tc.client), tc.status, tc.code, tc.message)
			if _, msg := graphCode(oe); msg == "" {
				t.Errorf("message: got empty, want Graph's text (apps log err.Error())")
			}
			// Apps quote the request id to support; the SDK reads it from innerError.
			if e := oe.GetErrorEscaped(); e == nil || e.GetInnerError() == nil || str(e.GetInnerError().GetRequestId()) == "" || e.GetInnerError().GetDate() == nil {
				t.Errorf("innerError: got no request-id or date, want both")
			}
		})
	}
}
