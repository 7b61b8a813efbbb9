package main

import (
	"fmt"
	"strings"
	"testing"
)

// serve's meeting settings reach the meetings it makes: joinWebUrl under
// --base-url (its trailing slash not doubled), and the audio conferencing
// numbers and dial-in page.
func TestServeSettingsReachTheMeeting(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data, "--base-url", "https://meet.example.com/",
		"--toll-number", "+1 555 0100", "--toll-free-number", "+1 800 555 0100", "--dialin-url", "https://dialin.example.com/numbers")
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--user", alice)
	a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"settings"}`)
	if a.status != 201 {
		t.Fatalf("createOrGet: got %d %s, want 201", a.status, a.raw)
	}
	if got, _ := a.body["joinWebUrl"].(string); !strings.HasPrefix(got, "https://meet.example.com/l/meetup-join/") {
		t.Errorf("joinWebUrl: got %q, want it under https://meet.example.com/l/meetup-join/", got)
	}
	audio, _ := a.body["audioConferencing"].(map[string]any)
	for field, want := range map[string]string{
		"tollNumber":     "+1 555 0100",
		"tollFreeNumber": "+1 800 555 0100",
		"dialinUrl":      "https://dialin.example.com/numbers",
	} {
		if got := fmt.Sprint(audio[field]); got != want {
			t.Errorf("audioConferencing.%s: got %q, want %q (%s)", field, got, want, a.raw)
		}
	}
}

// --max-body-bytes caps request bodies; 0 is the default, 1 MiB, not a
// cap of nothing.
func TestServeMaxBodyBytes(t *testing.T) {
	for _, c := range []struct {
		limit string
		pad   int // bytes of subject
		want  int
	}{
		{"100", 200, 413},
		{"0", 1000, 201}, // subject's own limit is 1024
	} {
		data := t.TempDir()
		p := startServe(t, "--data", data, "--max-body-bytes", c.limit)
		tok := cli(t, "token", "--data", data, "--tenant", tenant, "--user", alice)
		body := `{"externalId":"big","subject":"` + strings.Repeat("s", c.pad) + `"}`
		if a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, body); a.status != c.want {
			t.Errorf("--max-body-bytes %s, a body of %d bytes: got %d %s, want %d", c.limit, len(body), a.status, a.raw, c.want)
		}
	}
}

// A negative --policy-ttl reads the policy on every request: a grant
// applies to the very next one, although the refusal before it was just
// answered (and would be cached for a second by default).
func TestServeNegativePolicyTTL(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data, "--policy-ttl", "-1s")
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--app", appID)
	url := p.url + "/v1.0/users/" + alice + "/onlineMeetings/createOrGet"
	if a := post(t, url, tok, `{"externalId":"ttl"}`); a.status != 403 {
		t.Fatalf("before any policy: got %d, want 403", a.status)
	}
	cli(t, "policy", "create", "meetings", "--data", data, "--tenant", tenant, "--app", appID)
	cli(t, "policy", "grant", "meetings", "--data", data, "--tenant", tenant, "--user", alice)
	if a := post(t, url, tok, `{"externalId":"ttl"}`); a.status != 201 {
		t.Errorf("the request right after the grant: got %d %s, want 201", a.status, a.raw)
	}
}
