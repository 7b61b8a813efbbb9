package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// meetdBin is the real binary, built once for the process tests.
var meetdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "meetd-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	meetdBin = filepath.Join(dir, "meetd")
	if out, err := exec.Command("go", "build", "-o", meetdBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build meetd: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	alice  = "1f35f2e6-9cab-44ad-8d5a-b74c14720001"
	appID  = "a1b2c3d4-0000-4000-8000-00000000000a"
)

// proc is a running `meetd serve`.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

// startServe runs `meetd serve` on a free port and waits for /healthz.
func startServe(t testing.TB, args ...string) *proc {
	t.Helper()
	return startServeEnv(t, nil, args...)
}

// startServeEnv is startServe with more environment variables.
func startServeEnv(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(meetdBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	return startServeCmd(t, cmd)
}

// startServeCmd starts cmd, a meetd serve however launched, and waits
// until it answers.
func startServeCmd(t testing.TB, cmd *exec.Cmd) *proc {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: &stderr}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "meetd listening on "); ok {
				line <- u
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p.url = <-line:
	case <-time.After(30 * time.Second):
		t.Fatalf("meetd serve did not start: %s", stderr.String())
	}
	res, err := http.Get(p.url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	return p
}

// cli runs a meetd command to completion and returns its stdout.
func cli(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(meetdBin, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("meetd %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

type answer struct {
	status int
	body   map[string]any
	raw    []byte
}

func post(t testing.TB, url, token, body string) answer {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, raw: raw}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// The README's quickstart, for real: serve, mint a token, createOrGet twice.
func TestServeTokenCreateOrGet(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data") // serve makes it
	p := startServe(t, "--data", data)
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--user", alice, "--upn", "alice@contoso.com")
	first := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"quick"}`)
	second := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"quick"}`)
	if first.status != 201 || second.status != 200 || first.body["id"] != second.body["id"] {
		t.Fatalf("got %d then %d (ids %v, %v), want 201 then 200 with one id", first.status, second.status, first.body["id"], second.body["id"])
	}
	if !strings.HasPrefix(first.body["joinWebUrl"].(string), p.url+"/l/meetup-join/") {
		t.Errorf("joinWebUrl %v: want it under the bound address %s", first.body["joinWebUrl"], p.url)
	}
	// The data folder and the key file are private.
	for name, want := range map[string]os.FileMode{data: 0o700, filepath.Join(data, "signing-key.pem"): 0o600} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: got mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}
	// A second server on the same folder is refused, and so is one that
	// names the same database from another folder.
	for _, args := range [][]string{{"--data", data}, {"--db", "sqlite:" + filepath.Join(data, "meetd.db"), "--data", t.TempDir()}} {
		cmd := exec.Command(meetdBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "in use") {
			t.Errorf("second serve %v: err %v, output %s; want a refusal", args, err, out)
		}
	}
	// SIGTERM drains and exits cleanly.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, p.stderr)
	}
}

// Policies made with the CLI reach a running server without a restart, and
// flags may come before or after the policy name.
func TestPolicyCLIWhileServing(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data)
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--app", appID)
	url := p.url + "/v1.0/users/" + alice + "/onlineMeetings/createOrGet"
	if a := post(t, url, tok, `{"externalId":"pol"}`); a.status != 403 {
		t.Fatalf("before any policy: got %d, want 403", a.status)
	}
	cli(t, "policy", "create", "meetings", "--data", data, "--tenant", tenant, "--app", appID, "--description", "test")
	// A change the store refuses is told as what failed and why, without
	// the error's code: exit status 1, not a usage error.
	out, err := exec.Command(meetdBin, "policy", "create", "meetings", "--data", data, "--tenant", tenant, "--app", appID).CombinedOutput()
	want := "meetd: policy create: An application access policy named 'meetings' already exists."
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || lastLine(string(out)) != want {
		t.Errorf("policy create of an existing policy: got %v, last line %q; want exit status 1 and %q", err, lastLine(string(out)), want)
	}
	cli(t, "policy", "grant", "--data", data, "--tenant", tenant, "meetings", "--user", alice)
	if got := cli(t, "policy", "list", "--data", data); !strings.Contains(got, "meetings") || !strings.Contains(got, alice) {
		t.Errorf("policy list: got %q, want the policy granted to alice", got)
	}
	status := waitFor(t, func() bool { return post(t, url, tok, `{"externalId":"pol"}`).status == 201 })
	if !status {
		t.Fatal("grant never took effect on the running server")
	}
	cli(t, "policy", "revoke", "meetings", "--data", data, "--tenant", tenant, "--user", alice)
	if !waitFor(t, func() bool { return post(t, url, tok, `{"externalId":"pol"}`).status == 403 }) {
		t.Fatal("revoke never took effect on the running server")
	}
	cli(t, "policy", "delete", "meetings", "--data", data, "--tenant", tenant)
	if got := cli(t, "policy", "list", "--data", data); strings.Contains(got, "meetings") {
		t.Errorf("policy list after delete: %q", got)
	}
}

// Ids given in upper case are the ids lower-case tokens carry (they are
// GUIDs): a policy made, granted, listed, revoked and deleted with the
// tenant, app and user ids in upper case acts on the app's requests; an app
// id that is not a GUID is refused instead of stored as a policy no token
// can match.
func TestPolicyAppIDs(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data)
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--app", appID)
	upTenant, upUser := strings.ToUpper(tenant), strings.ToUpper(alice)
	cli(t, "policy", "create", "upper", "--data", data, "--tenant", upTenant, "--app", strings.ToUpper(appID))
	cli(t, "policy", "grant", "upper", "--data", data, "--tenant", upTenant, "--user", upUser)
	if got := cli(t, "policy", "list", "--data", data, "--tenant", upTenant); !strings.Contains(got, tenant+"  upper  "+appID+"  "+alice) {
		t.Errorf("policy list --tenant %s: got %q, want the policy with its ids lower-cased (%s, %s, %s)", upTenant, got, tenant, appID, alice)
	}
	url := p.url + "/v1.0/users/" + alice + "/onlineMeetings/createOrGet"
	if !waitFor(t, func() bool { return post(t, url, tok, `{"externalId":"upper"}`).status == 201 }) {
		t.Fatal("a policy made with the ids in upper case never admitted the app")
	}
	cli(t, "policy", "revoke", "upper", "--data", data, "--tenant", upTenant, "--user", upUser)
	if !waitFor(t, func() bool { return post(t, url, tok, `{"externalId":"upper"}`).status == 403 }) {
		t.Fatal("a revoke with the ids in upper case never took effect")
	}
	cli(t, "policy", "delete", "upper", "--data", data, "--tenant", upTenant)
	if got := cli(t, "policy", "list", "--data", data); strings.Contains(got, "upper") {
		t.Errorf("policy list after delete --tenant %s: got %q, want no policy", upTenant, got)
	}
	out, err := exec.Command(meetdBin, "policy", "create", "bad", "--data", data, "--tenant", tenant, "--app", "booking-system").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "GUID") {
		t.Errorf("policy create --app booking-system: got %v, want exit status 2 naming a GUID\n%s", err, out)
	}
	if got := cli(t, "policy", "list", "--data", data); strings.Contains(got, "bad") {
		t.Errorf("policy list: the refused policy was stored: %q", got)
	}
}

// waitFor polls cond for up to ten seconds. The documented propagation is
// one second; the margin keeps a loaded CI machine from failing the test.
func waitFor(t testing.TB, cond func() bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// A 201 means the meeting survives a crash: SIGKILL right after many
// acknowledged creates, restart, and find every one.
func TestCrashKeepsAcknowledgedMeetings(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data)
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--user", alice)
	const workers, each = 16, 40
	type ack struct{ key, id string }
	acks := make(chan ack, workers*each)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				key := fmt.Sprintf("crash-%d-%d", w, i)
				a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"`+key+`"}`)
				if a.status != 201 {
					t.Errorf("%s: status %d", key, a.status)
					return
				}
				acks <- ack{key, a.body["id"].(string)}
			}
		}()
	}
	for range workers {
		<-done
	}
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL: no drain, no close
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	close(acks)

	p2 := startServe(t, "--data", data)
	n := 0
	for a := range acks {
		got := post(t, p2.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"`+a.key+`"}`)
		if got.status != 200 || got.body["id"] != a.id {
			t.Errorf("%s after the crash: got %d id %v, want 200 id %s", a.key, got.status, got.body["id"], a.id)
		}
		n++
	}
	if n != workers*each {
		t.Errorf("acknowledged %d creates, want %d", n, workers*each)
	}
}

// --db sqlite:PATH puts the database where it says, with the key beside it,
// or in --data when that is given too.
func TestSQLitePath(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "elsewhere.db")
	p := startServe(t, "--db", "sqlite:"+db)
	tok := cli(t, "token", "--db", "sqlite:"+db, "--tenant", tenant, "--user", alice)
	if a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"path"}`); a.status != 201 {
		t.Fatalf("createOrGet: got %d, want 201: %s", a.status, a.raw)
	}
	for _, f := range []string{db, filepath.Join(dir, "signing-key.pem")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}

	dir, data := t.TempDir(), t.TempDir()
	startServe(t, "--db", "sqlite:"+filepath.Join(dir, "meetd.db"), "--data", data)
	if _, err := os.Stat(filepath.Join(data, "signing-key.pem")); err != nil {
		t.Errorf("--db sqlite:PATH --data DIR: the key is not in DIR: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "signing-key.pem")); !os.IsNotExist(err) {
		t.Errorf("--db sqlite:PATH --data DIR: got a key beside PATH (stat: %v), want it only in DIR", err)
	}
}

// Flags come from MEETD_* variables too: serve keeps its store where
// MEETD_DATA says, and a token minted with the same MEETD_DATA is signed by
// that store's key, which the server's answer proves.
func TestEnvironmentVariables(t *testing.T) {
	data := t.TempDir()
	p := startServeEnv(t, []string{"MEETD_DATA=" + data})
	for _, f := range []string{"meetd.db", "signing-key.pem"} {
		if _, err := os.Stat(filepath.Join(data, f)); err != nil {
			t.Errorf("serve with MEETD_DATA: %s: %v", f, err)
		}
	}
	cmd := exec.Command(meetdBin, "token", "--tenant", tenant, "--user", alice)
	cmd.Env = append(os.Environ(), "MEETD_DATA="+data)
	tok, err := cmd.Output()
	if err != nil {
		t.Fatalf("token with MEETD_DATA: %v", err)
	}
	if a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", strings.TrimSpace(string(tok)), `{"externalId":"env"}`); a.status != 201 {
		t.Fatalf("createOrGet with the token: got %d, want 201: %s", a.status, a.raw)
	}
}

// Usage errors exit with status 2 and say what is wrong.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  string
		says string
	}{
		{args: []string{}, says: "no command"},
		{args: []string{"bogus"}, says: `unknown command "bogus"`},
		{args: []string{"token"}, says: "token needs --tenant and --user"},
		{args: []string{"token", "--user", alice}, says: "token needs --tenant and --user"},
		{args: []string{"policy", "grant", "x", "--tenant", tenant}, says: "exactly one of --user OID or --global"},
		{args: []string{"serve", "--log-level", "loud"}, says: "--log-level"},
		{args: []string{"serve", "--max-body-bytes", "-1"}, says: "--max-body-bytes must not be negative"},
		{args: []string{"serve", "--base-url", "not-a-url"}, says: "--base-url must be an absolute"},
		{args: []string{"serve", "--db", "sqlite:"}, says: "needs a PATH"},
		{args: []string{"serve"}, env: "MEETD_MONTHLY_MEETING_LIMIT=1abc", says: `MEETD_MONTHLY_MEETING_LIMIT must be a whole number, not "1abc"`}, // as --monthly-meeting-limit 1abc is
		{args: []string{"token", "--tenant", tenant, "--user", alice, "--token-version", "3.0"}, says: "--token-version must be"},
		{args: []string{"token", "--tenant", "contoso", "--user", alice}, says: `--tenant must be a GUID, not "contoso"`},
		{args: []string{"token", "--tenant", tenant, "--app", "booking-system"}, says: `--app must be a GUID`},
		{args: []string{"token", "--tenant", tenant, "--user", "alice@contoso.com"}, says: `--user must be a GUID`},
		{args: []string{"token", "--tenant", tenant, "--user", alice, "alice@contoso.com"}, says: `unexpected argument "alice@contoso.com"`}, // --upn forgotten
		{args: []string{"policy", "create", "p", "--tenant", "contoso", "--app", appID}, says: "--tenant must be a GUID"},
		{args: []string{"policy", "list", "--tenant", "contoso"}, says: "--tenant must be a GUID"},
		{args: []string{"serve", "--read-timeout", "0"}, says: "--read-timeout and --write-timeout must be positive"},
		{args: []string{"serve", "--write-timeout", "0s"}, says: "--read-timeout and --write-timeout must be positive"},
		{args: []string{"serve", "--base-url", "ftp://meet.example.com"}, says: "--base-url must be an absolute"},
		{args: []string{"serve", "--base-url", "https://"}, says: "--base-url must be an absolute"}, // no host
		{args: []string{"serve"}, env: "MEETD_SHUTDOWN_TIMEOUT=30", says: "MEETD_SHUTDOWN_TIMEOUT"}, // no unit: not 30 ns
		{args: []string{"serve", "--sync", "fast"}, says: `--sync must be full or normal, not "fast"`},
		{args: []string{"serve", "--db", "mysql://localhost/meetd"}, says: "--db must be postgres://"},
		{args: []string{"policy", "frobnicate"}, says: `unknown policy subcommand "frobnicate"`},
		{args: []string{"policy", "create", "--tenant", tenant, "--app", appID}, says: "policy create needs a NAME"},
		{args: []string{"policy", "delete", "p"}, says: "policy delete needs --tenant"},
		{args: []string{"policy", "delete", "p", "q", "--tenant", tenant}, says: `unexpected argument "q"`},
		{args: []string{"policy", "create", "p", "--tenant", tenant}, says: "at least one --app"},
		{args: []string{"policy", "grant", "p", "--tenant", tenant, "--user", "bob"}, says: `--user must be a GUID, not "bob"`},
		// A DSN pgx cannot parse is how meetd was called, not an outage.
		{args: []string{"token", "--tenant", tenant, "--user", alice, "--db", "postgres://u:secret@127.0.0.1:99999/x"}, says: "--db: The PostgreSQL DSN is not valid: invalid port"},
	} {
		// A serve that took a bad setting would run until killed: the
		// deadline makes that a failure of this case, not a hung test.
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, meetdBin, c.args...)
		cmd.Dir = t.TempDir() // nothing a refused command writes lands in the package
		cmd.Env = append(os.Environ(), "MEETD_DATA="+t.TempDir(), "MEETD_ADDR=127.0.0.1:0")
		if c.env != "" {
			cmd.Env = append(cmd.Env, c.env)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("meetd %v (%s): got %v, want exit status 2\n%s", c.args, c.env, err, &stderr)
		}
		if last := lastLine(stderr.String()); !strings.HasPrefix(last, "meetd: usage: ") || !strings.Contains(last, c.says) {
			t.Errorf("meetd %v (%s): last line of stderr %q, want \"meetd: usage: …\" saying %q", c.args, c.env, last, c.says)
		}
	}
}

// lastLine is s's last non-empty line.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// token and policy act on the store a server uses: given a folder with
// none (a typo), they fail and make nothing, rather than mint with a new
// key or store a policy that no server will see.
func TestCLIRefusesAMissingStore(t *testing.T) {
	for _, args := range [][]string{
		{"token", "--tenant", tenant, "--user", alice},
		{"policy", "list"},
		{"policy", "create", "p", "--tenant", tenant, "--app", appID},
	} {
		data := filepath.Join(t.TempDir(), "typo")
		out, err := exec.Command(meetdBin, append(args, "--data", data)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "no meetd store") {
			t.Errorf("meetd %v --data (missing): got %v\n%s; want a refusal naming the missing store", args, err, out)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("meetd %v: made the folder %s (stat: %v)", args, data, err)
		}
	}
}

// Bad bench settings are refused as usage errors before the tool opens (and
// so creates) a data folder, mints a token or grants a policy.
func TestBenchRefusesBadSettingsFirst(t *testing.T) {
	for _, args := range [][]string{
		{"--concurrency", "0"},
		{"--duration", "0"},
		{"--workload", "delete"},
		{"--workload", "mixed", "--get-ratio", "2"},
		{"--workload", "get", "--keys", "0"},
		{"--rate", "-5"},
		{"--app", appID, "--url", "ftp://example.com"},
	} {
		data := filepath.Join(t.TempDir(), "data")
		cmd := exec.Command(meetdBin, append([]string{"bench", "--data", data, "--quiet"}, args...)...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("meetd bench %v: got %v, want exit status 2\n%s", args, err, out)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("meetd bench %v: the data folder was made before the settings were checked (stat: %v)", args, err)
		}
	}
}

// Once the SQLite store has stopped for good (its WAL file removed under
// it: every answer says "restart the server"), /healthz says so too, so
// that a liveness probe restarts meetd; before, only /readyz turned 503.
func TestHealthzFailsAfterFailStop(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data)
	tok := cli(t, "token", "--data", data, "--tenant", tenant, "--user", alice)
	if a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"before"}`); a.status != 201 {
		t.Fatalf("createOrGet: got %d, want 201", a.status)
	}
	if err := os.Remove(filepath.Join(data, "meetd.db-wal")); err != nil {
		t.Fatal(err)
	}
	if a := post(t, p.url+"/v1.0/me/onlineMeetings/createOrGet", tok, `{"externalId":"after"}`); a.status != 503 {
		t.Fatalf("createOrGet after the WAL file was removed: got %d %s, want 503", a.status, a.raw)
	}
	res, err := http.Get(p.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 503 {
		t.Errorf("/healthz after fail-stop: got %d, want 503", res.StatusCode)
	}
	// The operator is told once, at ERROR, when it happens.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	if log := p.stderr.String(); !strings.Contains(log, "level=ERROR msg=\"the SQLite store stopped") {
		t.Errorf("serve's log after fail-stop has no ERROR line saying the store stopped:\n%s", log)
	}
}

// A wildcard --addr without --base-url would put 0.0.0.0 or [::] in every
// joinWebUrl: serve says so at start, and only then.
func TestWildcardAddrWarns(t *testing.T) {
	for _, c := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--addr", "0.0.0.0:0"}, true},
		{[]string{"--addr", "0.0.0.0:0", "--base-url", "http://meet.example.com"}, false},
		{[]string{"--addr", "127.0.0.1:0"}, false},
	} {
		cmd := exec.Command(meetdBin, append([]string{"serve", "--data", t.TempDir()}, c.args...)...)
		p := startServeCmd(t, cmd)
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		_ = p.cmd.Wait()
		log := p.stderr.String()
		if got := strings.Contains(log, "level=WARN") && strings.Contains(log, "set --base-url"); got != c.warn {
			t.Errorf("serve %v: got a warning to set --base-url: %v, want %v; log:\n%s", c.args, got, c.warn, log)
		}
	}
}
