package main

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
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

// A drain that runs out of --shutdown-timeout with a request still in
// flight cuts it off and says so, in the log and in the exit status: the
// stop was not clean.
func TestShutdownTimeoutCutsOff(t *testing.T) {
	p := startServe(t, "--data", t.TempDir(), "--read-timeout", "60s", "--shutdown-timeout", "1s")
	c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A request whose body never comes keeps the drain waiting.
	fmt.Fprintf(c, "POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	time.Sleep(200 * time.Millisecond) // for the server to read the headers
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(p.stderr.String(), "were cut off") {
		t.Errorf("SIGTERM with a request in flight past --shutdown-timeout: got %v, want exit status 1 and a log saying it was cut off\n%s", err, p.stderr)
	}
}
