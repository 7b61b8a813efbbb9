package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd/internal/graph"
)

// Checklist 1, 2, 3: 201 on create, then 200 with the same meeting, and the
// stored meeting unchanged when the second body differs.
func TestCreateOrGetCreatesOnceThenReturnsStored(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	first := e.createOrGet("/me", tok, `{"externalId":"X","subject":"First","startDateTime":"2030-01-01T10:00:00Z"}`).want(t, http.StatusCreated)
	if got := first.str("externalId"); got != "X" {
		t.Errorf("externalId: got %q, want X", got)
	}
	second := e.createOrGet("/me", tok, `{"externalId":"X","subject":"Second","startDateTime":"2031-05-05T10:00:00Z","participants":{"attendees":[{"upn":"z@contoso.com"}]}}`).want(t, http.StatusOK)
	for _, k := range []string{"id", "joinWebUrl", "subject", "startDateTime", "endDateTime", "creationDateTime", "joinMeetingIdSettings.joinMeetingId"} {
		if a, b := first.get(k), second.get(k); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: got %v on the hit, want the stored %v", k, b, a)
		}
	}
	if n := len(second.get("participants.attendees").([]any)); n != 0 {
		t.Errorf("attendees on the hit: got %d, want the stored 0", n)
	}
}

// Checklist 4 and tenant isolation: the key is (tenant, organizer, externalId).
func TestCreateOrGetKeyIsTenantOrganizerExternalID(t *testing.T) {
	e := newEnv(t)
	a := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"same"}`).want(t, http.StatusCreated)
	b := e.createOrGet("/me", e.user(tenantA, bob), `{"externalId":"same"}`).want(t, http.StatusCreated)
	c := e.createOrGet("/me", e.user(tenantB, alice), `{"externalId":"same"}`).want(t, http.StatusCreated)
	d := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"SAME"}`).want(t, http.StatusCreated)
	ids := map[string]bool{a.str("id"): true, b.str("id"): true, c.str("id"): true, d.str("id"): true}
	if len(ids) != 4 {
		t.Errorf("got %d distinct ids, want 4 (other organizer, other tenant, other case)", len(ids))
	}
}

// Checklist 5 and 16: two apps acting for one user with one externalId share
// the meeting; the organizer is the path user.
func TestCreateOrGetAppTokensShareTheUsersMeeting(t *testing.T) {
	e := newEnv(t)
	e.grant(tenantA, "meetings", alice, appX, appY)
	x := e.createOrGet("/users/"+alice, e.app(tenantA, appX), `{"externalId":"course-42"}`).want(t, http.StatusCreated)
	y := e.createOrGet("/users/"+alice, e.app(tenantA, appY), `{"externalId":"course-42"}`).want(t, http.StatusOK)
	if x.str("id") != y.str("id") {
		t.Errorf("id: got %s for the second app, want %s", y.str("id"), x.str("id"))
	}
	if got := x.str("participants.organizer.identity.user.id"); got != alice {
		t.Errorf("organizer: got %q, want the path user %s", got, alice)
	}
	// The delegated organizer sees the same meeting.
	me := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"course-42"}`).want(t, http.StatusOK)
	if me.str("id") != x.str("id") {
		t.Errorf("delegated hit: got id %s, want %s", me.str("id"), x.str("id"))
	}
}

// Checklist 6, 7: the documented time defaults.
func TestCreateOrGetTimeDefaults(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	before := time.Now().UTC()
	r := e.createOrGet("/me", tok, `{"externalId":"no-times"}`).want(t, http.StatusCreated)
	after := time.Now().UTC()
	start, end := mustTime(t, r.str("startDateTime")), mustTime(t, r.str("endDateTime"))
	if start.Before(before.Add(-time.Second)) || start.After(after.Add(time.Second)) {
		t.Errorf("startDateTime: got %v, want about now (%v)", start, before)
	}
	if end.Sub(start) != time.Hour {
		t.Errorf("endDateTime - startDateTime: got %v, want 1h", end.Sub(start))
	}
	r = e.createOrGet("/me", tok, `{"externalId":"start-only","startDateTime":"2030-03-04T05:06:07.1234567Z"}`).want(t, http.StatusCreated)
	if got := r.str("endDateTime"); got != "2030-03-04T06:06:07.1234567Z" {
		t.Errorf("endDateTime: got %s, want start + 1h", got)
	}
	// Equal start and end is allowed: the docs forbid only "earlier".
	e.createOrGet("/me", tok, `{"externalId":"equal","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-01-01T00:00:00Z"}`).want(t, http.StatusCreated)
}

// Checklist 11, 12: any offset in, UTC with Z and up to 7 trimmed digits out.
func TestCreateOrGetDateTimeNormalisation(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	for i, c := range []struct{ in, want string }{
		{"2019-07-12T14:30:34.2444915-07:00", "2019-07-12T21:30:34.2444915Z"},
		{"2019-07-11T02:47:17.651138+00:00", "2019-07-11T02:47:17.651138Z"},
		{"2018-05-30T01:00:00.000Z", "2018-05-30T01:00:00Z"},
		{"2018-05-30T03:00:00+02:00", "2018-05-30T01:00:00Z"},
		{"2020-01-01T00:00:00.123456789Z", "2020-01-01T00:00:00.1234567Z"},
	} {
		r := e.createOrGet("/me", tok, fmt.Sprintf(`{"externalId":"dt-%d","startDateTime":%q}`, i, c.in)).want(t, http.StatusCreated)
		if got := r.str("startDateTime"); got != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}

// Checklist 13, 14, 15: ignored settings, unknown properties, chatInfo on
// both versions.
func TestCreateOrGetIgnoresWhatItDoesNotTake(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	r := e.createOrGet("/me", tok, `{"externalId":"ign","joinMeetingIdSettings":{"isPasscodeRequired":true},"lobbyBypassSettings":{"scope":"everyone"},"allowedPresenters":"organizer","madeUp":{"x":[1,2]}}`).want(t, http.StatusCreated)
	if r.get("joinMeetingIdSettings.isPasscodeRequired") != false {
		t.Errorf("isPasscodeRequired: got %v, want false", r.get("joinMeetingIdSettings.isPasscodeRequired"))
	}
	if got := r.str("lobbyBypassSettings.scope"); got != "organization" {
		t.Errorf("lobby scope: got %q, want the default organization", got)
	}
	if got := r.str("allowedPresenters"); got != "everyone" {
		t.Errorf("allowedPresenters: got %q, want the default everyone", got)
	}
	channel := `{"externalId":"chan-%s","chatInfo":{"threadId":"19:abc123@thread.tacv2"}}`
	for _, v := range []string{"v1.0", "beta"} {
		r := e.do("POST", "/"+v+"/me/onlineMeetings/createOrGet", tok, fmt.Sprintf(channel, v)).want(t, http.StatusCreated)
		if got := r.str("chatInfo.threadId"); got != "19:abc123@thread.tacv2" {
			t.Errorf("%s chatInfo.threadId: got %q, want the channel's", v, got)
		}
	}
}

// Checklist 50, 51 and the rest of the resource's defaults.
func TestCreateOrGetResponseShape(t *testing.T) {
	e := newEnv(t, envOptions{audio: graph.AudioSettings{TollNumber: "+1 425-555-0100", DialinURL: "https://dialin.example/x"}})
	r := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"shape","subject":"Shape","participants":{"attendees":[{"identity":{"user":{"id":"`+bob+`"}},"upn":"bob@contoso.com"}]}}`).want(t, http.StatusCreated)
	checks := map[string]any{
		"allowedPresenters":                             "everyone",
		"isEntryExitAnnounced":                          true,
		"isBroadcast":                                   false,
		"allowMeetingChat":                              "enabled",
		"participants.organizer.role":                   "presenter",
		"participants.organizer.upn":                    "0001@contoso.com",
		"participants.organizer.identity.user.tenantId": tenantA,
		"chatInfo.messageId":                            "0",
		"lobbyBypassSettings.scope":                     "organization",
		"lobbyBypassSettings.isDialInBypassEnabled":     false,
		"audioConferencing.tollNumber":                  "+1 425-555-0100",
		"audioConferencing.dialinUrl":                   "https://dialin.example/x",
		"subject":                                       "Shape",
	}
	for k, want := range checks {
		if got := r.get(k); got != want {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
	for _, k := range []string{"participants.producers", "participants.contributors"} {
		if _, ok := r.get(k).([]any); !ok {
			t.Errorf("%s: got %v, want an array", k, r.get(k))
		}
	}
	att := r.get("participants.attendees").([]any)
	if len(att) != 1 || att[0].(map[string]any)["upn"] != "bob@contoso.com" {
		t.Errorf("attendees: got %v, want bob echoed", att)
	}
	thread := r.str("chatInfo.threadId")
	wantURL := e.url + "/l/meetup-join/" + strings.ReplaceAll(strings.ReplaceAll(thread, ":", "%3a"), "@", "%40") +
		"/0?context=%7b%22Tid%22%3a%22" + tenantA + "%22%2c%22Oid%22%3a%22" + alice + "%22%7d"
	if got := r.str("joinWebUrl"); got != wantURL {
		t.Errorf("joinWebUrl:\n got %s\nwant %s", got, wantURL)
	}
	if got, want := r.str("@odata.context"), e.url+"/v1.0/$metadata#users('"+alice+"')/onlineMeetings/$entity"; got != want {
		t.Errorf("@odata.context: got %s, want %s", got, want)
	}
	if id := r.str("joinMeetingIdSettings.joinMeetingId"); len(id) < 10 || strings.Trim(id, "0123456789") != "" {
		t.Errorf("joinMeetingId: got %q, want a long number", id)
	}
	if r.str("videoTeleconferenceId") == "" || r.str("audioConferencing.conferenceId") == "" {
		t.Errorf("videoTeleconferenceId/conferenceId missing: %s", r.body)
	}
	// Without configured numbers, audioConferencing is null.
	e2 := newEnv(t)
	plain := e2.createOrGet("/me", e2.user(tenantA, alice), `{"externalId":"x"}`).want(t, http.StatusCreated)
	if _, present := plain.json["audioConferencing"]; !present || plain.json["audioConferencing"] != nil {
		t.Errorf("audioConferencing without numbers: got %v, want null", plain.json["audioConferencing"])
	}
}

// Checklist 30, 31: Graph's headers on success and on error.
func TestHeaders(t *testing.T) {
	e := newEnv(t)
	ok := e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", e.user(tenantA, alice), `{"externalId":"h"}`, "client-request-id", "my-client-id").want(t, http.StatusCreated)
	if got := ok.header.Get("Content-Type"); got != graph.ContentType {
		t.Errorf("Content-Type: got %q, want %q", got, graph.ContentType)
	}
	if got := ok.header.Get("OData-Version"); got != "4.0" {
		t.Errorf("OData-Version: got %q, want 4.0", got)
	}
	if got := ok.header.Get("client-request-id"); got != "my-client-id" {
		t.Errorf("client-request-id: got %q, want the echoed my-client-id", got)
	}
	bad := e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", "", `{}`)
	if got := bad.header.Get("Content-Type"); got != graph.ErrorContentType {
		t.Errorf("error Content-Type: got %q, want %q", got, graph.ErrorContentType)
	}
	rid := bad.header.Get("request-id")
	if rid == "" || bad.header.Get("client-request-id") != rid {
		t.Errorf("without a client-request-id: got request-id %q and client-request-id %q, want equal and set", rid, bad.header.Get("client-request-id"))
	}
	// Checklist 29: the envelope with innerError.
	inner, _ := bad.get("error.innerError").(map[string]any)
	if inner == nil || inner["request-id"] != rid || inner["client-request-id"] != rid {
		t.Fatalf("innerError: got %v, want request ids %s", inner, rid)
	}
	if _, err := time.Parse("2006-01-02T15:04:05", inner["date"].(string)); err != nil {
		t.Errorf("innerError.date %q: want yyyy-MM-ddTHH:mm:ss: %v", inner["date"], err)
	}
}

// Checklist 55 and the 64-way race: one key, exactly one 201, one id.
func TestCreateOrGetConcurrentCallsCreateOneMeeting(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	const n = 64
	var wg sync.WaitGroup
	statuses := make([]int, n)
	ids := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.createOrGet("/me", tok, `{"externalId":"race","subject":"r"}`)
			statuses[i], ids[i] = r.status, r.str("id")
		}()
	}
	wg.Wait()
	created := 0
	for i := range n {
		switch statuses[i] {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Fatalf("call %d: status %d", i, statuses[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("call %d: id %s, want %s", i, ids[i], ids[0])
		}
	}
	if created != 1 {
		t.Errorf("201s: got %d, want exactly 1", created)
	}
}

// The official SDKs gzip request bodies.
func TestCreateOrGetAcceptsGzipBodies(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", gz(t, `{"externalId":"zipped","subject":"gz"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+e.user(tenantA, alice))
	r := e.send(req).want(t, http.StatusCreated)
	if r.str("subject") != "gz" {
		t.Errorf("subject: got %q, want gz", r.str("subject"))
	}
}

// Checklist 52, 53: with the monthly limit on, the next create is throttled
// with Graph's 429, while hits still answer.
func TestMonthlyMeetingLimit(t *testing.T) {
	e := newEnv(t, envOptions{monthlyLimit: 2})
	tok := e.user(tenantA, alice)
	e.createOrGet("/me", tok, `{"externalId":"m1"}`).want(t, http.StatusCreated)
	e.createOrGet("/me", tok, `{"externalId":"m2"}`).want(t, http.StatusCreated)
	r := e.createOrGet("/me", tok, `{"externalId":"m3"}`)
	r.wantError(t, http.StatusTooManyRequests, "TooManyRequests", "")
	// Graph's sample value, not the days until the month ends: the SDKs'
	// retry handlers sleep for whatever Retry-After says.
	if got := r.header.Get("Retry-After"); got != "10" {
		t.Errorf("Retry-After: got %q, want 10", got)
	}
	e.createOrGet("/me", tok, `{"externalId":"m1"}`).want(t, http.StatusOK)
	e.createOrGet("/me", e.user(tenantA, bob), `{"externalId":"m3"}`).want(t, http.StatusCreated)
}

// The monthly limit counts the meetings one app creates for one organizer
// (checklist 53): at the limit for one app, another app still creates for
// the same user, and the first is still throttled.
func TestMonthlyMeetingLimitIsPerApp(t *testing.T) {
	e := newEnv(t, envOptions{monthlyLimit: 1})
	e.grant(tenantA, "both", alice, appX, appY)
	e.createOrGet("/users/"+alice, e.app(tenantA, appX), `{"externalId":"x1"}`).want(t, http.StatusCreated)
	e.createOrGet("/users/"+alice, e.app(tenantA, appX), `{"externalId":"x2"}`).wantError(t, http.StatusTooManyRequests, "TooManyRequests", "")
	e.createOrGet("/users/"+alice, e.app(tenantA, appY), `{"externalId":"y1"}`).want(t, http.StatusCreated)
	e.createOrGet("/users/"+alice, e.app(tenantA, appX), `{"externalId":"x3"}`).wantError(t, http.StatusTooManyRequests, "TooManyRequests", "")
}

// Creates at once cannot all pass one count: the limit holds exactly, and
// a key created in the race still answers 200 once the limit is reached.
func TestMonthlyMeetingLimitUnderRace(t *testing.T) {
	const limit, n = 3, 24
	e := newEnv(t, envOptions{monthlyLimit: limit})
	tok := e.user(tenantA, alice)
	statuses := make([]int, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-ready
			statuses[i] = e.createOrGet("/me", tok, fmt.Sprintf(`{"externalId":"race-%d"}`, i)).status
		})
	}
	close(ready)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != limit || count[http.StatusTooManyRequests] != n-limit {
		t.Fatalf("%d creates at once with a limit of %d: got statuses %v, want %d 201s and the rest 429", n, limit, count, limit)
	}
	for i, s := range statuses {
		if s == http.StatusCreated {
			e.createOrGet("/me", tok, fmt.Sprintf(`{"externalId":"race-%d"}`, i)).want(t, http.StatusOK)
		}
	}
}

// On a hit Graph returns the stored meeting and ignores the rest of the body;
// meetd checks only that the body is JSON and externalId a string.
func TestCreateOrGetHitReadsOnlyTheKey(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	e.createOrGet("/me", tok, `{"externalId":"k","subject":"kept"}`).want(t, http.StatusCreated)
	r := e.createOrGet("/me", tok, `{"externalId":"k","subject":["not","a","string"],"startDateTime":"garbage"}`).want(t, http.StatusOK)
	if r.str("subject") != "kept" {
		t.Errorf("subject: got %q, want the stored kept", r.str("subject"))
	}
	// On a miss the same body is refused, and malformed JSON always is.
	e.createOrGet("/me", tok, `{"externalId":"k2","subject":["x"]}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	e.createOrGet("/me", tok, `{"externalId":"k",`).wantError(t, http.StatusBadRequest, "BadRequest", "")
}
