package server_test

import (
	"net/http"
	"strings"
	"testing"
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
		{"subject not a string", `{"externalId":"X","subject":["a"]}`, "application/json", 400, "BadRequest", ""},
		{"end without start", `{"externalId":"X","endDateTime":"2030-01-01T00:00:00Z"}`, "application/json", 400, "BadRequest", ""},
		{"end before start", `{"externalId":"X","startDateTime":"2030-01-01T01:00:00Z","endDateTime":"2030-01-01T00:00:00Z"}`, "application/json", 400, "BadRequest", ""},
		{"offset without colon", `{"externalId":"X","startDateTime":"2030-01-01T01:00:00-0400"}`, "application/json", 400, "BadRequest", ""},
		{"not a date", `{"externalId":"X","startDateTime":"tomorrow"}`, "application/json", 400, "BadRequest", ""},
		{"date wrong type", `{"externalId":"X","startDateTime":1700000000}`, "application/json", 400, "BadRequest", ""},
		{"attendees not an array", `{"externalId":"X","participants":{"attendees":{"upn":"a"}}}`, "application/json", 400, "BadRequest", ""},
		{"bad role", `{"externalId":"X","participants":{"attendees":[{"upn":"a@b.c","role":"boss"}]}}`, "application/json", 400, "BadRequest", ""},
		{"bad channel thread", `{"externalId":"X","chatInfo":{"threadId":"general"}}`, "application/json", 400, "BadRequest", ""},
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

// A permission error wins over a bad body, as on Graph.
func TestPermissionBeforeBody(t *testing.T) {
	e := newEnv(t)
	e.createOrGet("/me", e.user(tenantA, alice, "User.Read"), `not json`).wantError(t, http.StatusForbidden, "Forbidden", "")
	e.createOrGet("/me", e.app(tenantA, appX), ``).wantError(t, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
}

// Unknown paths and methods get Graph errors, not Go's plain text.
func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	e.do("GET", "/v1.0/me/events", tok, "").wantError(t, http.StatusBadRequest, "BadRequest", "")
	e.do("PUT", "/v1.0/me/onlineMeetings/abc", tok, `{}`).wantError(t, http.StatusBadRequest, "BadRequest", "")
}

// Graph's path segments are case-insensitive; ids keep their case.
func TestPathSegmentsIgnoreCase(t *testing.T) {
	e := newEnv(t)
	tok := e.user(tenantA, alice)
	m := e.do("POST", "/V1.0/ME/onlinemeetings/CREATEORGET", tok, `{"externalId":"case"}`).want(t, http.StatusCreated)
	e.do("GET", "/v1.0/Me/OnlineMeetings/"+m.str("id"), tok, "").want(t, http.StatusOK)
	e.do("GET", "/BETA/users/"+alice+"/onlineMEETINGS/"+m.str("id"), tok, "").want(t, http.StatusOK)
}
