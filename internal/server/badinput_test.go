package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// Every bad createOrGet body gets a Graph error with the right status and
// code, never a 500.
func TestCreateOrGetBadInput(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	cases := []struct {
		name, body, ctype string
		status            int
		code, msg         string
	}{
		{"empty body", "", "application/json", 400, "BadRequest", "Request payload cannot be null."},
		{"whitespace body", "  \n", "application/json", 400, "BadRequest", "Request payload cannot be null."},
		{"not JSON", "externalId=X", "application/json", 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
		{"truncated JSON", `{"externalId":"X"`, "application/json", 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
		{"array body", `["X"]`, "application/json", 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
		{"string body", `"X"`, "application/json", 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
		{"form content type", `{"externalId":"X"}`, "application/x-www-form-urlencoded", 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."},
		{"missing externalId", `{"subject":"s"}`, "application/json", 400, "BadRequest", ""},
		{"empty externalId", `{"externalId":""}`, "application/json", 400, "BadRequest", ""},
		{"null externalId", `{"externalId":null}`, "application/json", 400, "BadRequest", ""},
		{"numeric externalId", `{"externalId":42}`, "application/json", 400, "BadRequest", ""},
		{"externalId too long", `{"externalId":"` + strings.Repeat("x", 1025) + `"}`, "application/json", 400, "BadRequest", ""},
		{"subject not a string", `{"externalId":"X","subject":["a"]}`, "application/json", 400, "BadRequest", "Property 'subject' in payload has a value that does not match schema."},
		{"end without start", `{"externalId":"X","endDateTime":"2030-01-01T00:00:00Z"}`, "application/json", 400, "BadRequest", ""},
		{"end before start", `{"externalId":"X","startDateTime":"2030-01-01T01:00:00Z","endDateTime":"2030-01-01T00:00:00Z"}`, "application/json", 400, "BadRequest", ""},
		{"offset without colon", `{"externalId":"X","startDateTime":"2030-01-01T01:00:00-0400"}`, "application/json", 400, "BadRequest", ""},
		{"not a date", `{"externalId":"X","startDateTime":"tomorrow"}`, "application/json", 400, "BadRequest", ""},
		{"date wrong type", `{"externalId":"X","startDateTime":1700000000}`, "application/json", 400, "BadRequest", ""},
		{"attendees not an array", `{"externalId":"X","participants":{"attendees":{"upn":"a"}}}`, "application/json", 400, "BadRequest", ""},
		{"bad role", `{"externalId":"X","participants":{"attendees":[{"upn":"a@b.c","role":"boss"}]}}`, "application/json", 400, "BadRequest", "participants.attendees[0].role 'boss' is not an onlineMeetingRole."},
		{"bad channel thread", `{"externalId":"X","chatInfo":{"threadId":"general"}}`, "application/json", 400, "BadRequest", ""},
		{"externalId invalid UTF-8", "{\"externalId\":\"X\xff\"}", "application/json", 400, "BadRequest", "Property 'externalId' in payload is not valid UTF-8 text: it has an invalid byte or an unpaired surrogate escape."},
		{"externalId lone surrogate", `{"externalId":"X\ud800"}`, "application/json", 400, "BadRequest", "Property 'externalId' in payload is not valid UTF-8 text: it has an invalid byte or an unpaired surrogate escape."},
		{"start past 9999 in UTC", `{"externalId":"X","startDateTime":"9999-12-31T23:00:00-05:00","endDateTime":"9999-12-31T23:30:00-05:00"}`, "application/json", 400, "BadRequest", ""},
		{"start at 10000 in UTC", `{"externalId":"X","startDateTime":"9999-12-31T19:00:00-05:00","endDateTime":"9999-12-31T19:00:00-05:00"}`, "application/json", 400, "BadRequest",
			"startDateTime must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.9999999Z."},
		{"start before 0001 in UTC", `{"externalId":"X","startDateTime":"0001-01-01T00:00:00+01:00"}`, "application/json", 400, "BadRequest", ""},
		{"default end past 9999", `{"externalId":"X","startDateTime":"9999-12-31T23:30:00Z"}`, "application/json", 400, "BadRequest",
			"endDateTime is needed: its default, an hour after startDateTime, would fall after 9999-12-31T23:59:59.9999999Z."},
		{"oversized body", `{"externalId":"X","subject":"` + strings.Repeat("x", 2<<20) + `"}`, "application/json", 413, "RequestEntityTooLarge", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.url+"/v1.0/me/onlineMeetings/createOrGet", strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			req.Header.Set("Authorization", "Bearer "+tok)
			e.send(req).wantError(t, c.status, c.code, c.msg)
		})
	}
	// None of them stored anything.
	r := e.createOrGet("/me", tok, `{"externalId":"X"}`).want(t, http.StatusCreated)
	_ = r
}

// Two externalIds that differ only in bytes that are not text are refused,
// not mended into one key: each would otherwise get the other's meeting.
func TestExternalIDMustBeText(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	for _, body := range []string{"{\"externalId\":\"u\xff1\"}", "{\"externalId\":\"u\xfe1\"}", `{"externalId":"\ud800"}`, `{"externalId":"\udc00"}`} {
		e.createOrGet("/me", tok, body).wantError(t, http.StatusBadRequest, "BadRequest", "")
	}
	// U+FFFD itself is text, and its two spellings are one key.
	m := e.createOrGet("/me", tok, `{"externalId":"u\ufffd1"}`).want(t, http.StatusCreated)
	if got := e.createOrGet("/me", tok, "{\"externalId\":\"u\xef\xbf\xbd1\"}").want(t, http.StatusOK).str("id"); got != m.str("id") {
		t.Errorf("raw U+FFFD: got meeting %s, want %s", got, m.str("id"))
	}
}

// Times past what .NET's DateTimeOffset holds get a 400, on PATCH and a
// plain create too, never a 500.
func TestTimesOutOfRange(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	late := `"startDateTime":"9999-12-31T23:00:00-05:00","endDateTime":"9999-12-31T23:30:00-05:00"`
	e.do("POST", "/v1.0/me/onlineMeetings", tok, `{`+late+`}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	m := e.createOrGet("/me", tok, `{"externalId":"t"}`).want(t, http.StatusCreated)
	e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, `{`+late+`}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
	// The last instants that fit are fine, and come back as sent.
	r := e.do("PATCH", "/v1.0/me/onlineMeetings/"+m.str("id"), tok,
		`{"startDateTime":"9999-12-31T22:00:00Z","endDateTime":"9999-12-31T23:59:59.9999999Z"}`).want(t, http.StatusOK)
	if r.str("endDateTime") != "9999-12-31T23:59:59.9999999Z" {
		t.Errorf("endDateTime: got %s", r.str("endDateTime"))
	}
}

// A body larger than the buffer made up front (64 KiB) is read as it
// arrives, whole; one shorter than its Content-Length is refused.
func TestLargeBody(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	body := `{"externalId":"large","padding":"` + strings.Repeat("x", 300<<10) + `","subject":"kept"}`
	r := e.createOrGet("/me", tok, body).want(t, http.StatusCreated)
	if r.str("subject") != "kept" {
		t.Errorf("subject after 300 KB of padding: got %q", r.str("subject"))
	}
	// 100 KB announced, 70 KB sent, then the client's side closed.
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n%s", tok, body[:70000])
	c.(*net.TCPConn).CloseWrite()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a body cut short: got %d, want 400", res.StatusCode)
	}
}

// A permission error wins over a bad body, as on Graph: on createOrGet
// whether the key or the rest of the body is bad, on a plain create, on
// PATCH, on a $filter look-up whose join URL is not one, and on a bad
// $select.
func TestPermissionBeforeBody(t *testing.T) {
	e := newEnv(t)
	e.createOrGet("/me", e.user(tenantA, alice, "User.Read"), `not json`).wantError(t, http.StatusForbidden, "Forbidden", "")
	e.createOrGet("/me", e.app(tenantA, appX), ``).wantError(t, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")

	m := e.createOrGet("/me", e.user(tenantA, alice), `{"externalId":"perm"}`).want(t, http.StatusCreated)
	noScope := e.user(tenantA, alice, "User.Read")
	for _, c := range []struct{ name, method, path, body string }{
		{"createOrGet, bad subject", "POST", "/v1.0/me/onlineMeetings/createOrGet", `{"externalId":"perm-new","subject":["a"]}`},
		{"create, bad subject", "POST", "/v1.0/me/onlineMeetings", `{"subject":["a"]}`},
		{"update, bad subject", "PATCH", "/v1.0/me/onlineMeetings/" + m.str("id"), `{"subject":["a"]}`},
		{"filter, not a join URL", "GET", "/v1.0/me/onlineMeetings?$filter=" + url.QueryEscape("JoinWebUrl eq 'x'"), ""},
		{"get, bad $select", "GET", "/v1.0/me/onlineMeetings/" + m.str("id") + "?$select=nope", ""},
		{"createOrGet, bad $select", "POST", "/v1.0/me/onlineMeetings/createOrGet?$select=nope", `{"externalId":"perm"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.do(c.method, c.path, noScope, c.body).wantError(t, http.StatusForbidden, "Forbidden", "")
		})
	}
	// A token that may read, on a read, gets the error of what it sent.
	reader := e.user(tenantA, alice, meetd.ScopeRead)
	e.do("GET", "/v1.0/me/onlineMeetings?$filter="+url.QueryEscape("JoinWebUrl eq 'x'"), reader, "").
		wantError(t, http.StatusBadRequest, "BadRequest", "JoinWebUrl 'x' is not an online meeting join URL.")
	e.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id")+"?$select=nope", reader, "").wantError(t, http.StatusBadRequest, "BadRequest", "")
}

// Unknown paths and methods get Graph errors, not Go's plain text.
func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	e.do("GET", "/v1.0/me/events", tok, "").wantError(t, http.StatusBadRequest, "BadRequest", "")
	// A method meetd does not serve on a meeting or on createOrGet is
	// refused, not redirected to the path with a slash.
	for _, method := range []string{"PUT", "POST", "OPTIONS"} {
		for _, p := range []string{"/v1.0/me/onlineMeetings/abc", "/beta/users/" + alice + "/onlineMeetings/abc"} {
			e.do(method, p, tok, `{}`).wantError(t, http.StatusBadRequest, "BadRequest", "The "+method+" method is not supported on "+p+".")
		}
	}
	e.do("PUT", "/v1.0/me/onlineMeetings/createOrGet", tok, `{}`).wantError(t, http.StatusBadRequest, "BadRequest", "The PUT method is not supported on /v1.0/me/onlineMeetings/createOrGet.")
	// The first segment meetd does not route is named, with or without a
	// token, as for any other unknown path.
	for path, seg := range map[string]string{
		"/v1.0/me/events": "events",
		"/v1.0/me/onlineMeetings/abc/attendanceReports":    "attendanceReports",
		"/beta/users/" + alice + "/onlineMeetings/abc/x/y": "x",
		"/v1.0/me/onlineMeetings/createOrGet/now":          "now",
		"/v1.0/nothing": "nothing",
		// Nothing past what meetd routes: the path's last segment.
		"/v1.0/me":                   "me",
		"/beta/communications":       "communications",
		"/v1.0/communications/calls": "calls",
	} {
		for _, token := range []string{tok, ""} {
			e.do("GET", path, token, "").wantError(t, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+seg+"'.")
		}
	}
	// Paths ServeMux would redirect get Graph's error too, not a 301 with
	// an HTML body, and nothing is created.
	for _, p := range []string{"/v1.0", "/beta", "/v1.0//me/onlineMeetings/createOrGet", "/v1.0/me/./onlineMeetings/createOrGet", "/v1.0/x/../me/onlineMeetings/createOrGet"} {
		r := e.do("POST", p, tok, `{"externalId":"redirect"}`)
		r.wantError(t, http.StatusBadRequest, "BadRequest", "")
	}
	e.createOrGet("/me", tok, `{"externalId":"redirect"}`).want(t, http.StatusCreated)
	// Outside the API a path that is nothing is a plain 404.
	for _, p := range []string{"/", "/v2.0/me/onlineMeetings", "/me/onlineMeetings"} {
		e.do("GET", p, tok, "").want(t, http.StatusNotFound)
	}
}

// Graph's path segments are case-insensitive; ids keep their case.
func TestPathSegmentsIgnoreCase(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.do("POST", "/V1.0/ME/onlinemeetings/CREATEORGET", tok, `{"externalId":"case"}`).want(t, http.StatusCreated)
	e.do("GET", "/v1.0/Me/OnlineMeetings/"+m.str("id"), tok, "").want(t, http.StatusOK)
	e.do("GET", "/BETA/users/"+alice+"/onlineMEETINGS/"+m.str("id"), tok, "").want(t, http.StatusOK)
}
