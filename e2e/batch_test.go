package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// The SDK's JSON batching: a course's sessions made in one $batch, each
// answered as createOrGet alone would be, read back with the SDK's own
// helpers, errors included.
func TestBatchThroughSDK(t *testing.T) {
	s := sharedServer(t)
	ctx := context.Background()
	tenant, alice := newID(), newID()
	client := connect(t, s, s.userToken(t, tenant, alice, "alice@contoso.com"))

	batch := msgraphcore.NewBatchRequest(client.GetAdapter())
	var ids []string
	for i := range 3 {
		info, err := client.Me().OnlineMeetings().CreateOrGet().ToPostRequestInformation(ctx,
			createOrGetBody(fmt.Sprint("course-7-week-", i), fmt.Sprint("Week ", i), time.Time{}, time.Time{}), nil)
		must(t, "build a createOrGet", err)
		item, err := batch.AddBatchRequestStep(*info)
		must(t, "add it to the batch", err)
		ids = append(ids, str(item.GetId()))
	}
	// Someone else's meeting: its answer in the batch is Graph's error.
	info, err := client.Users().ByUserId(newID()).OnlineMeetings().ByOnlineMeetingId("abc").ToGetRequestInformation(ctx, nil)
	must(t, "build a GET", err)
	denied, err := batch.AddBatchRequestStep(*info)
	must(t, "add it to the batch", err)

	// The SDK reads an answer's error only with a registered factory, as
	// its batching docs show.
	_ = msgraphcore.DeRegisterError(msgraphcore.BatchRequestErrorRegistryKey) // from an earlier -count
	must(t, "register the error factory", msgraphcore.RegisterError(msgraphcore.BatchRequestErrorRegistryKey, abstractions.ErrorMappings{
		"4XX": odataerrors.CreateODataErrorFromDiscriminatorValue, "5XX": odataerrors.CreateODataErrorFromDiscriminatorValue}))
	resp, err := batch.Send(ctx, client.GetAdapter())
	must(t, "send the batch", err)
	for i, id := range ids {
		m, err := msgraphcore.GetBatchResponseById[models.OnlineMeetingable](resp, id, models.CreateOnlineMeetingFromDiscriminatorValue)
		must(t, "read answer "+id, err)
		if got, want := str(m.GetSubject()), fmt.Sprint("Week ", i); got != want || str(m.GetJoinWebUrl()) == "" {
			t.Errorf("answer %d: subject %q, joinWebUrl %q; want %q and a link", i, got, str(m.GetJoinWebUrl()), want)
		}
		// Each is stored: createOrGet alone finds it.
		again, err := client.Me().OnlineMeetings().CreateOrGet().Post(ctx, createOrGetBody(fmt.Sprint("course-7-week-", i), "", time.Time{}, time.Time{}), nil)
		must(t, "createOrGet after the batch", err)
		if str(again.GetId()) != str(m.GetId()) {
			t.Errorf("week %d: the batch made %s, createOrGet finds %s", i, str(m.GetId()), str(again.GetId()))
		}
	}
	_, err = msgraphcore.GetBatchResponseById[models.OnlineMeetingable](resp, str(denied.GetId()), models.CreateOnlineMeetingFromDiscriminatorValue)
	// The SDK leaves an answer's status out of the error it makes (0): the
	// code and message are what it reads.
	var oe *odataerrors.ODataError
	if !errors.As(err, &oe) {
		t.Fatalf("someone else's meeting in a batch: got %s, want an ODataError", describe(err))
	}
	if code, msg := graphCode(oe); code != "Forbidden" || msg == "" {
		t.Errorf("someone else's meeting in a batch: got %q %q, want Forbidden with a message", code, msg)
	}
}
