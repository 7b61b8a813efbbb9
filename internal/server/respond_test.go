package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptrace"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/meetd/meetd/internal/graph"
)

// guidV4 is a random GUID in Graph's request-id form.
var guidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Checklist 30, 31: a created meeting's answer and the same meeting's
// answer from the rendered-bytes cache carry every header Graph sends, a
// Content-Length that is the body's, and the same bytes.
func TestAnswerHeadersCreatedAndCached(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	created := e.createOrGet("/me", tok, `{"externalId":"hdr","subject":"s"}`).want(t, http.StatusCreated)
	hits := []*response{
		e.createOrGet("/me", tok, `{"externalId":"hdr"}`).want(t, http.StatusOK), // rendered, then cached
		e.createOrGet("/me", tok, `{"externalId":"hdr"}`).want(t, http.StatusOK), // from the cache
	}
	for i, r := range append([]*response{created}, hits...) {
		for name, want := range map[string]string{
			"Content-Type":   graph.ContentType,
			"OData-Version":  "4.0",
			"Content-Length": strconv.Itoa(len(r.body)),
		} {
			if got := r.header.Get(name); got != want {
				t.Errorf("answer %d: %s: got %q, want %q", i, name, got, want)
			}
		}
		if _, err := http.ParseTime(r.header.Get("Date")); err != nil {
			t.Errorf("answer %d: Date %q: %v", i, r.header.Get("Date"), err)
		}
		if id := r.header.Get("request-id"); !guidV4.MatchString(id) || r.header.Get("client-request-id") != id {
			t.Errorf("answer %d: request-id %q, client-request-id %q: want one GUID in both", i, id, r.header.Get("client-request-id"))
		}
	}
	if !bytes.Equal(hits[0].body, hits[1].body) {
		t.Errorf("cached answer differs from the rendered one:\ngot  %s\nwant %s", hits[1].body, hits[0].body)
	}
	if created.str("id") != hits[1].str("id") {
		t.Errorf("hit id: got %s, want %s", hits[1].str("id"), created.str("id"))
	}
}

// Every answer gets its own request-id, a version 4 GUID as on Graph.
func TestRequestIDsAreDistinctGUIDs(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	seen := map[string]bool{}
	for i := range 200 {
		r := e.createOrGet("/me", tok, `{"externalId":"k`+strconv.Itoa(i%3)+`"}`)
		id := r.header.Get("request-id")
		if !guidV4.MatchString(id) {
			t.Fatalf("request %d: request-id %q, want a version 4 GUID", i, id)
		}
		if seen[id] {
			t.Fatalf("request %d: request-id %s was given before", i, id)
		}
		seen[id] = true
	}
}

// A client-request-id is echoed unless it is empty or longer than 128
// characters, when the request-id stands in for it.
func TestClientRequestID(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	for _, c := range []struct {
		name, sent string
		echoed     bool
	}{
		{"GUID", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"any text", "my-client-id", true},
		{"128 characters", strings.Repeat("c", 128), true},
		{"129 characters", strings.Repeat("c", 129), false},
		{"empty", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"c"}`, "client-request-id", c.sent)
			want := c.sent
			if !c.echoed {
				want = r.header.Get("request-id")
			}
			if got := r.header.Get("client-request-id"); got != want {
				t.Errorf("client-request-id: got %q, want %q", got, want)
			}
		})
	}
}

// Bodies without a Content-Length (chunked) are read to their end and
// bounded like the others; answered bodies leave the connection reusable.
func TestBodiesWithoutLengthAndKeepAlive(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"chunked", `{"externalId":"chunked","subject":"c"}`, http.StatusCreated},
		{"chunked again", `{"externalId":"chunked"}`, http.StatusOK},
		{"chunked too large", `{"externalId":"big","subject":"` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"with length", `{"externalId":"chunked"}`, http.StatusOK},
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for i, c := range cases {
		body := io.Reader(strings.NewReader(c.body))
		if strings.HasPrefix(c.name, "chunked") {
			body = io.MultiReader(body) // hides the length: sent chunked
		}
		req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		reused := false
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused },
		}))
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s: got %d, want %d", c.name, res.StatusCode, c.status)
		}
		// The too-large body is cut short, and its connection with it.
		if i > 0 && cases[i-1].status != http.StatusRequestEntityTooLarge && !reused {
			t.Errorf("%s: got a new connection, want the previous answer's kept alive", c.name)
		}
	}
}
