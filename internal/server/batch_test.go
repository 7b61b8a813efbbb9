package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// batchAnswer is one answer of a $batch, decoded.
type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    map[string]any    `json:"body"`
}

// sendBatch posts a batch and returns its answers by id.
func (e *env) sendBatch(t *testing.T, token, body string) map[string]batchAnswer {
	t.Helper()
	r := e.do("POST", "/v1.0/$batch", token, body).want(t, http.StatusOK)
	var b struct{ Responses []batchAnswer }
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("batch answer: %v\n%s", err, r.body)
	}
	out := make(map[string]batchAnswer)
	for _, a := range b.Responses {
		out[a.ID] = a
	}
	return out
}

// A batch's requests are answered as if each had been sent alone with the
// batch's token: createOrGet's rule across them, errors in Graph's envelope,
// dependsOn's order, and 424 for a request whose dependency failed.
func TestBatch(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	got := e.sendBatch(t, tok, `{"requests":[
		{"id":"1","method":"POST","url":"/me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json"},"body":{"externalId":"course-1","subject":"Week 1"}},
		{"id":"2","method":"POST","url":"/me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json"},"body":{"externalId":"course-1"},"dependsOn":["1"]},
		{"id":"3","method":"POST","url":"me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json"},"body":{"externalId":"course-2"}},
		{"id":"4","method":"POST","url":"/me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json"},"body":{"subject":"no key"}},
		{"id":"5","method":"GET","url":"/me/onlineMeetings?$filter=JoinWebUrl eq 'x'","dependsOn":["4"]},
		{"id":"6","method":"GET","url":"/users/`+bob+`/onlineMeetings/abc"},
		{"id":"7","method":"POST","url":"https://graph.microsoft.com/v1.0/me/onlineMeetings/createOrGet","body":{"externalId":"course-3"}},
		{"id":"8","method":"GET","url":"https://graph.microsoft.com/beta/me/onlineMeetings/abc"}
	]}`)
	if len(got) != 8 {
		t.Fatalf("got %d answers, want 8: %v", len(got), got)
	}
	// 7: an absolute url under the batch's version, as the Go SDK sends
	// when its base URL was changed, is read as its path; 8: under another
	// version it is refused.
	for id, want := range map[string]int{"1": 201, "2": 200, "3": 201, "4": 400, "5": 424, "6": 403, "7": 201, "8": 400} {
		if got[id].Status != want {
			t.Errorf("request %s: got %d, want %d (%v)", id, got[id].Status, want, got[id].Body)
		}
	}
	if a, b := got["1"].Body["id"], got["2"].Body["id"]; a == nil || a != b {
		t.Errorf("createOrGet of one key in a batch: ids %v and %v, want one meeting", a, b)
	}
	if got["1"].Body["subject"] != "Week 1" || got["3"].Body["externalId"] != "course-2" {
		t.Errorf("created meetings: got %v and %v", got["1"].Body, got["3"].Body)
	}
	if ct := got["1"].Headers["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("a meeting's Content-Type in the batch: got %q", ct)
	}
	for _, id := range []string{"4", "5", "6", "8"} {
		e, _ := got[id].Body["error"].(map[string]any)
		inner, _ := e["innerError"].(map[string]any)
		if e["code"] == nil || e["message"] == "" || inner["request-id"] == nil {
			t.Errorf("request %s: got body %v, want Graph's error envelope", id, got[id].Body)
		}
	}
	if code := got["5"].Body["error"].(map[string]any)["code"]; code != "FailedDependency" {
		t.Errorf("request 5: got code %v, want FailedDependency", code)
	}
	// What the batch made is stored: the same createOrGet alone is a hit.
	e.createOrGet("/me", tok, `{"externalId":"course-2"}`).want(t, http.StatusOK)

	// The requests of a batch are checked as if alone: an application
	// token needs its access policy for each.
	app := e.app(tenantA, appX)
	denied := e.sendBatch(t, app, `{"requests":[{"id":"a","method":"POST","url":"/users/`+alice+`/onlineMeetings/createOrGet","body":{"externalId":"app"}}]}`)
	if denied["a"].Status != http.StatusForbidden {
		t.Errorf("app token without a policy in a batch: got %d, want 403", denied["a"].Status)
	}
}

// A batch that Graph would refuse as a whole is refused as a whole, before
// any of its requests runs.
func TestBatchRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	var many []string
	for i := range 21 {
		many = append(many, fmt.Sprintf(`{"id":"%d","method":"POST","url":"/me/onlineMeetings/createOrGet","body":{"externalId":"many-%d"}}`, i, i))
	}
	for _, c := range []struct{ name, body, says string }{
		{"21 requests", `{"requests":[` + strings.Join(many, ",") + `]}`, "the limit is 20"},
		{"no requests", `{"requests":[]}`, "no requests"},
		{"not a batch", `{"requests":{}}`, "'requests' has the wrong type"},
		{"no id", `{"requests":[{"method":"GET","url":"/me/onlineMeetings/x"}]}`, "needs an id"},
		{"duplicate ids", `{"requests":[{"id":"1","method":"GET","url":"/me/onlineMeetings/x"},{"id":"1","method":"GET","url":"/me/onlineMeetings/y"}]}`, "more than one request"},
		{"no url", `{"requests":[{"id":"1","method":"GET"}]}`, "needs a method and a url"},
		{"no method", `{"requests":[{"id":"1","url":"/me/onlineMeetings/x"}]}`, "needs a method and a url"},
		{"one header twice", `{"requests":[{"id":"1","method":"POST","url":"/me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json","content-type":"text/plain"},"body":{"externalId":"x"}}]}`, "names the header 'Content-Type' twice"},
		{"unknown dependsOn", `{"requests":[{"id":"1","method":"GET","url":"/me/onlineMeetings/x","dependsOn":["9"]}]}`, "not in the batch"},
		{"cycle", `{"requests":[{"id":"1","method":"GET","url":"/me/onlineMeetings/x","dependsOn":["2"]},{"id":"2","method":"GET","url":"/me/onlineMeetings/y","dependsOn":["1"]}]}`, "depends on itself"},
	} {
		r := e.do("POST", "/v1.0/$batch", tok, c.body)
		r.wantError(t, http.StatusBadRequest, "BadRequest", "")
		if msg := r.str("error.message"); !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q, want it to say %q", c.name, msg, c.says)
		}
	}
	// A batch body is bounded like any other.
	e.do("POST", "/v1.0/$batch", tok, `{"requests":[{"id":"1","method":"POST","url":"/me/onlineMeetings/createOrGet","body":{"externalId":"many-0","subject":"`+strings.Repeat("x", 2<<20)+`"}}]}`).
		wantError(t, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "")
	// Nothing of the refused batches was made.
	e.createOrGet("/me", tok, `{"externalId":"many-0"}`).want(t, http.StatusCreated)

	e.do("POST", "/v1.0/$batch", "", `{"requests":[{"id":"1","method":"GET","url":"/me/onlineMeetings/x"}]}`).
		wantError(t, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
	e.do("GET", "/beta/$BATCH", tok, "").wantError(t, http.StatusBadRequest, "BadRequest", "")
	nested := e.sendBatch(t, tok, `{"requests":[{"id":"1","method":"POST","url":"/$batch","body":{"requests":[]}}]}`)
	if nested["1"].Status != http.StatusBadRequest {
		t.Errorf("a batch in a batch: got %d, want 400", nested["1"].Status)
	}
}

// A batch in a batch is refused however its url spells $batch: escaped, or
// with a fragment; else one request could run 20 × 20 × … requests at once.
func TestBatchNestedSpellings(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	for _, u := range []string{"/%24batch", "%24batch", "$batch#x", "https://graph.microsoft.com/v1.0/%24batch"} {
		got := e.sendBatch(t, tok, `{"requests":[{"id":"1","method":"POST","url":"`+u+`","headers":{"Content-Type":"application/json"},"body":{"requests":[{"id":"a","method":"GET","url":"/me/onlineMeetings/x"}]}}]}`)
		if got["1"].Status != http.StatusBadRequest {
			t.Errorf("url %q: a batch in a batch got %d, want 400 (%v)", u, got["1"].Status, got["1"].Body)
		}
	}
}

// Graph's ids are not case-sensitive: "a" and "A" are one id, used twice
// (400), and dependsOn may name a request in another case.
func TestBatchIDsCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	e.do("POST", "/v1.0/$batch", tok, `{"requests":[{"id":"a","method":"GET","url":"/me/onlineMeetings/x"},{"id":"A","method":"GET","url":"/me/onlineMeetings/y"}]}`).
		wantError(t, http.StatusBadRequest, "BadRequest", "")
	got := e.sendBatch(t, tok, `{"requests":[{"id":"a","method":"GET","url":"/me/onlineMeetings/x"},{"id":"b","method":"GET","url":"/me/onlineMeetings/y","dependsOn":["A"]}]}`)
	if got["b"].Status != http.StatusFailedDependency {
		t.Errorf("dependsOn in another case: got %d, want 424", got["b"].Status)
	}
	// The same with the ids in upper case and dependsOn in lower case.
	got = e.sendBatch(t, tok, `{"requests":[{"id":"A","method":"GET","url":"/me/onlineMeetings/x"},{"id":"B","method":"GET","url":"/me/onlineMeetings/y","dependsOn":["a"]}]}`)
	if got["B"].Status != http.StatusFailedDependency {
		t.Errorf("upper-case ids, dependsOn in lower case: got %d, want 424 (%v)", got["B"].Status, got["B"].Body)
	}
}

// A relative url whose query holds a url, as Graph's lookup by join link
// ($filter=JoinWebUrl eq 'https://…', written as Graph's examples write
// queries in a batch, unencoded) is relative, not refused as absolute.
func TestBatchURLInQuery(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	join := e.createOrGet("/me", tok, `{"externalId":"q"}`).want(t, http.StatusCreated).str("joinWebUrl")
	got := e.sendBatch(t, tok, `{"requests":[{"id":"1","method":"GET","url":"/me/onlineMeetings?$filter=JoinWebUrl eq '`+join+`'"}]}`)
	if got["1"].Status != http.StatusOK {
		t.Errorf("lookup by joinWebUrl in a batch: got %d, want 200 (%v)", got["1"].Status, got["1"].Body)
	}
}

// A HEAD in a batch is answered without a body, as it is alone.
func TestBatchHead(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	id := e.createOrGet("/me", tok, `{"externalId":"head"}`).want(t, http.StatusCreated).str("id")
	got := e.sendBatch(t, tok, `{"requests":[{"id":"1","method":"HEAD","url":"/me/onlineMeetings/`+id+`"}]}`)
	if got["1"].Status != http.StatusOK || got["1"].Body != nil {
		t.Errorf("HEAD in a batch: got %d with body %v, want 200 and none", got["1"].Status, got["1"].Body)
	}
}

// A batch's answers are held until all are done: together they may keep
// at most a bound, so that twenty reads of one large meeting (its names
// escaped six-fold in JSON) cannot make a few-kilobyte request hold twenty
// times that answer. The requests past the bound get a 413.
func TestBatchAnswersBounded(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	// 200 attendees with 1,000-byte names: ~1.2 MB once each < is escaped
	// as \u003c.
	attendee := `{"identity":{"user":{"displayName":"` + strings.Repeat("<", 1000) + `"}}}`
	attendees := strings.TrimSuffix(strings.Repeat(attendee+",", 200), ",")
	id := e.do("POST", "/v1.0/me/onlineMeetings", tok, `{"subject":"big","startDateTime":"2030-01-01T10:00:00Z","endDateTime":"2030-01-01T11:00:00Z","participants":{"attendees":[`+attendees+`]}}`).want(t, http.StatusCreated).str("id")
	var reqs []string
	for i := range 19 {
		reqs = append(reqs, fmt.Sprintf(`{"id":"%d","method":"GET","url":"/me/onlineMeetings/%s"}`, i, id))
	}
	// A write's answer is never dropped (TestBatchRecorderKeepsWrites).
	reqs = append(reqs, `{"id":"write","method":"POST","url":"/me/onlineMeetings/createOrGet","body":{"externalId":"kept"}}`)
	r := e.do("POST", "/v1.0/$batch", tok, `{"requests":[`+strings.Join(reqs, ",")+`]}`).want(t, http.StatusOK)
	if len(r.body) > 3*(8<<20)/2 {
		t.Errorf("a batch of 20 reads of a large meeting answered %d bytes, want its answers bounded", len(r.body))
	}
	var b struct{ Responses []batchAnswer }
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatal(err)
	}
	ok, large := 0, 0
	for _, a := range b.Responses {
		if a.ID == "write" {
			if a.Status != http.StatusCreated {
				t.Errorf("the batch's create: got %d, want 201 whatever the reads' answers took", a.Status)
			}
			continue
		}
		switch a.Status {
		case http.StatusOK:
			ok++
		case http.StatusRequestEntityTooLarge:
			large++
		default:
			t.Errorf("request %s: got %d", a.ID, a.Status)
		}
	}
	if ok == 0 || large == 0 || ok+large != 19 {
		t.Errorf("got %d answered and %d too large, want some of each", ok, large)
	}
}

// A batch on beta, spelled in any case, runs its requests on beta; a
// request's method may be in lower case, and an absolute url keeps its
// query. Each answer carries its own headers but no Content-Length: its
// body is inside the batch's.
func TestBatchOnBeta(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.createOrGet("/me", tok, `{"externalId":"beta-batch"}`).want(t, http.StatusCreated)
	f := url.QueryEscape("joinMeetingIdSettings/joinMeetingId eq '" + m.str("joinMeetingIdSettings.joinMeetingId") + "'")
	r := e.do("POST", "/BETA/$Batch", tok, `{"requests":[
		{"id":"1","method":"get","url":"/me/onlineMeetings/`+m.str("id")+`"},
		{"id":"2","method":"GET","url":"https://graph.microsoft.com/beta/me/onlineMeetings?$filter=`+f+`"}
	]}`).want(t, http.StatusOK)
	var b struct{ Responses []batchAnswer }
	if err := json.Unmarshal(r.body, &b); err != nil || len(b.Responses) != 2 {
		t.Fatalf("batch answer: %v\n%s", err, r.body)
	}
	for _, a := range b.Responses {
		if a.Status != http.StatusOK {
			t.Fatalf("request %s: got %d, want 200 (%v)", a.ID, a.Status, a.Body)
		}
		if ctx, _ := a.Body["@odata.context"].(string); !strings.Contains(ctx, "/beta/$metadata") {
			t.Errorf("request %s: @odata.context %q, want beta's", a.ID, ctx)
		}
		for k := range a.Headers {
			if strings.EqualFold(k, "Content-Length") {
				t.Errorf("request %s: answer headers %v, want no Content-Length", a.ID, a.Headers)
			}
		}
		if v, ok := a.Body["value"].([]any); a.ID == "2" && (!ok || len(v) != 1) {
			t.Errorf("request 2: got %v, want the meeting its filter names", a.Body)
		}
	}
}

// A request of a batch is its JSON: headers that would describe another
// body (Content-Encoding) or another caller (Origin) are not passed on, and
// a url without a scheme (//host/…) is not taken for an absolute one.
func TestBatchRequestHeadersAndURLs(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	got := e.sendBatch(t, tok, `{"requests":[
		{"id":"1","method":"POST","url":"/me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},"body":{"externalId":"enc"}},
		{"id":"2","method":"POST","url":"/me/onlineMeetings/createOrGet","headers":{"Content-Type":"application/json","Origin":"`+spaOrigin+`"},"body":{"externalId":"origin"}},
		{"id":"3","method":"GET","url":"//graph.microsoft.com/v1.0/me/onlineMeetings/x"}
	]}`)
	for id, want := range map[string]int{"1": http.StatusCreated, "2": http.StatusCreated, "3": http.StatusBadRequest} {
		if got[id].Status != want {
			t.Errorf("request %s: got %d, want %d (%v)", id, got[id].Status, want, got[id].Body)
		}
	}
	for k := range got["2"].Headers {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("request 2: answer header %s, want no CORS headers inside a batch", k)
		}
	}
	e3, _ := got["3"].Body["error"].(map[string]any)
	if msg, _ := e3["message"].(string); !strings.Contains(msg, "must be relative to the service root") {
		t.Errorf("request 3: message %q, want it to say the url must be relative", msg)
	}
}
