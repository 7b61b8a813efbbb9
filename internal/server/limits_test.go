package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The limits docs/support.md states, at their edges: externalId and subject
// in bytes, not characters, and the number of attendees.
func TestInputLimits(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	e.createOrGet("/me", tok, `{"externalId":"`+strings.Repeat("x", 1024)+`"}`).want(t, http.StatusCreated)
	e.createOrGet("/me", tok, `{"externalId":"`+strings.Repeat("é", 513)+`"}`).wantError(t, http.StatusBadRequest, "BadRequest", "externalId must be at most 1024 bytes long.")
	e.createOrGet("/me", tok, `{"externalId":"s1","subject":"`+strings.Repeat("x", 1024)+`"}`).want(t, http.StatusCreated)
	e.createOrGet("/me", tok, `{"externalId":"s2","subject":"`+strings.Repeat("ü", 513)+`"}`).wantError(t, http.StatusBadRequest, "BadRequest", "subject must be at most 1024 bytes long.")
	attendees := func(n int) string {
		return `{"participants":{"attendees":[` + strings.TrimSuffix(strings.Repeat(`{"upn":"a@b.c"},`, n), ",") + `]}}`
	}
	e.createOrGet("/me", tok, `{"externalId":"a1",`+strings.TrimPrefix(attendees(1000), "{")).want(t, http.StatusCreated)
	e.createOrGet("/me", tok, `{"externalId":"a2",`+strings.TrimPrefix(attendees(1001), "{")).wantError(t, http.StatusBadRequest, "BadRequest", "A meeting can have at most 1000 attendees.")
	m := e.createOrGet("/me", tok, `{"externalId":"p"}`).want(t, http.StatusCreated)
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, attendees(1000)).want(t, http.StatusOK)
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, attendees(1001)).wantError(t, http.StatusBadRequest, "BadRequest", "A meeting can have at most 1000 attendees.")
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, `{"subject":"`+strings.Repeat("x", 1024)+`"}`).want(t, http.StatusOK)
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, `{"subject":"`+strings.Repeat("x", 1025)+`"}`).wantError(t, http.StatusBadRequest, "BadRequest", "subject must be at most 1024 bytes long.")

	// Every other string an attendee or chatInfo brings: 1024 bytes.
	named := func(field string, n int) string {
		return `{"participants":{"attendees":[{"upn":"a@b.c","identity":{"user":{"id":"x","` + field + `":"` + strings.Repeat("n", n) + `"}}}]}}`
	}
	e.createOrGet("/me", tok, `{"externalId":"n1",`+strings.TrimPrefix(named("displayName", 1024), "{")).want(t, http.StatusCreated)
	e.createOrGet("/me", tok, `{"externalId":"n2",`+strings.TrimPrefix(named("displayName", 1025), "{")).wantError(t, http.StatusBadRequest, "BadRequest",
		"participants.attendees[0]: the identity's displayName must be at most 1024 bytes long.")
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, named("tenantId", 1025)).wantError(t, http.StatusBadRequest, "BadRequest",
		"participants.attendees[0]: the identity's tenantId must be at most 1024 bytes long.")
	e.createOrGet("/me", tok, `{"externalId":"n3","participants":{"attendees":[{"upn":"`+strings.Repeat("u", 1025)+`"}]}}`).wantError(t, http.StatusBadRequest, "BadRequest",
		"participants.attendees[0]: the upn must be at most 1024 bytes long.")
	e.createOrGet("/me", tok, `{"externalId":"n4","chatInfo":{"threadId":"19:`+strings.Repeat("t", 1024)+`@thread.v2"}}`).wantError(t, http.StatusBadRequest, "BadRequest",
		"chatInfo's ids must be at most 1024 bytes long.")
	for _, id := range []string{"messageId", "replyChainMessageId"} {
		e.createOrGet("/me", tok, `{"externalId":"n5-`+id+`","chatInfo":{"threadId":"19:t@thread.tacv2","`+id+`":"`+strings.Repeat("9", 1025)+`"}}`).wantError(t, http.StatusBadRequest, "BadRequest",
			"chatInfo's ids must be at most 1024 bytes long.")
	}
}

// A body with no Content-Type is read as JSON; one that gzip-decodes past
// the limit is a 413 however small it was on the wire; encodings other than
// gzip and identity are refused.
func TestBodyEncodings(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", strings.NewReader(`{"externalId":"noct"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	e.send(req).want(t, http.StatusCreated)

	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"externalId":"bomb","subject":"`))
	zw.Write(bytes.Repeat([]byte("x"), 8<<20))
	zw.Write([]byte(`"}`))
	zw.Close()
	if bomb.Len() > 64<<10 {
		t.Fatalf("the bomb is %d bytes on the wire; the test wants it small", bomb.Len())
	}
	req, _ = http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", &bomb)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	e.send(req).wantError(t, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "")
	e.createOrGet("/me", tok, `{"externalId":"bomb"}`).want(t, http.StatusCreated) // nothing was stored

	// JSON is JSON under any parameters and as any +json media type.
	for i, ct := range []string{"application/json; charset=utf-8", "application/json;odata.metadata=minimal", "application/merge-patch+json"} {
		e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"ct-`+strconv.Itoa(i)+`"}`, "Content-Type", ct).want(t, http.StatusCreated)
	}

	// The limit holds on the wire too: a gzip stream padded with empty
	// blocks decodes to a small body but would be read without end.
	var padded bytes.Buffer
	zw = gzip.NewWriter(&padded)
	zw.Write([]byte(`{"externalId":"padded"}`))
	for padded.Len() <= 1<<20 {
		zw.Flush() // an empty stored block: 5 bytes, nothing decoded
	}
	zw.Close()
	req, _ = http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", &padded)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	e.send(req).wantError(t, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "")

	// Content-Encoding: identity is no encoding; gzip must be gzip; any
	// other is refused by name rather than read as JSON.
	for _, c := range []struct {
		name, encoding, body string
		status               int
		msg                  string
	}{
		{"identity", "identity", `{"externalId":"identity"}`, http.StatusCreated, ""},
		{"gzip that is not", "gzip", `{"externalId":"notgzip"}`, http.StatusBadRequest, "The request body is not valid gzip."},
		{"brotli", "br", `{"externalId":"br"}`, http.StatusBadRequest, "Content-Encoding 'br' is not supported; use gzip or none."},
	} {
		r := e.do("POST", "/v1.0/me/onlineMeetings/createOrGet", tok, c.body, "Content-Encoding", c.encoding)
		if c.msg == "" {
			r.want(t, c.status)
		} else {
			r.wantError(t, c.status, "BadRequest", c.msg)
		}
	}
}

// A plain create without a start starts now; PATCH refuses roleIsPresenter
// without the attendees and taking the attendee role out of the anonymized
// ones.
func TestCreateAndPatchRules(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	before := time.Now().UTC().Add(-time.Second)
	r := e.do("POST", "/v1.0/me/onlineMeetings", tok, `{"endDateTime":"2099-01-01T00:00:00Z"}`).want(t, http.StatusCreated)
	if start := mustTime(t, r.str("startDateTime")); start.Before(before) || start.After(time.Now().Add(time.Second)) {
		t.Errorf("startDateTime of a create without one: got %v, want about now", start)
	}
	path := "/v1.0/me/onlineMeetings/" + r.str("id")
	e.do("PATCH", path, tok, `{"allowedPresenters":"roleIsPresenter"}`).wantError(t, http.StatusBadRequest, "BadRequest",
		"Setting allowedPresenters to roleIsPresenter requires the full list of attendees with their roles.")
	e.do("PATCH", path, tok, `{"anonymizeIdentityForRoles":["attendee"]}`).want(t, http.StatusOK)
	e.do("PATCH", path, tok, `{"anonymizeIdentityForRoles":["presenter"]}`).wantError(t, http.StatusBadRequest, "BadRequest",
		"The attendee role can't be removed from anonymizeIdentityForRoles once added.")
}

// Every operation is served on /beta as on /v1.0.
func TestBetaRoutes(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.do("POST", "/beta/me/onlineMeetings", tok, `{"endDateTime":"2099-01-01T00:00:00Z","subject":"beta"}`).want(t, http.StatusCreated)
	if !strings.Contains(m.str("@odata.context"), "/beta/$metadata") {
		t.Errorf("@odata.context: got %s, want beta's", m.str("@odata.context"))
	}
	path := "/beta/me/onlineMeetings/" + m.str("id")
	// One meeting read on each version, the second time from the render
	// cache: each answer is its own version's.
	for range 2 {
		for _, v := range []string{"v1.0", "beta"} {
			r := e.do("GET", "/"+v+"/me/onlineMeetings/"+m.str("id"), tok, "").want(t, http.StatusOK)
			if !strings.Contains(r.str("@odata.context"), "/"+v+"/$metadata") {
				t.Errorf("GET on %s: @odata.context %s, want %s's", v, r.str("@odata.context"), v)
			}
		}
	}
	e.do("GET", "/beta/me/onlineMeetings?$filter=JoinWebUrl%20eq%20'"+m.str("joinWebUrl")+"'", tok, "").want(t, http.StatusOK)
	e.do("PATCH", path, tok, `{"subject":"beta 2"}`).want(t, http.StatusOK)
	e.do("DELETE", path, tok, "").want(t, http.StatusNoContent)
	e.do("GET", path, tok, "").wantError(t, http.StatusNotFound, "NotFound", "")
}

// --max-body-bytes (1 MiB by default) is the largest body taken: one of
// exactly that size is read, one byte more is a 413, whether the body comes
// with a Content-Length or chunked.
func TestBodyLimitEdge(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	sized := func(key string, n int) string {
		head := `{"externalId":"` + key + `","padding":"`
		return head + strings.Repeat("x", n-len(head)-2) + `"}`
	}
	for _, c := range []struct {
		name    string
		size    int
		chunked bool
		status  int
	}{
		{"at the limit", 1 << 20, false, http.StatusCreated},
		{"past the limit", 1<<20 + 1, false, http.StatusRequestEntityTooLarge},
		{"chunked at the limit", 1 << 20, true, http.StatusCreated},
		{"chunked past the limit", 1<<20 + 1, true, http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := io.Reader(strings.NewReader(sized(strings.ReplaceAll(c.name, " ", "-"), c.size)))
			if c.chunked {
				body = io.MultiReader(body) // hides the length: sent chunked
			}
			req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			e.send(req).want(t, c.status)
		})
	}
}
