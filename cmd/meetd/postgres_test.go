package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd/internal/pgtest"
)

// bob is a second organizer for the replica test.
const bob = "1f35f2e6-9cab-44ad-8d5a-b74c14720002"

// answerBound is the longest any request may take, database down or frozen
// included: the store bounds each database call by 5 s, and a request ends
// at the first call that fails. A liveness bound, not a speed target.
const answerBound = 10 * time.Second

// client sends the tests' concurrent requests, with a connection per worker.
var client = &http.Client{Timeout: answerBound, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}

// startServes starts n `meetd serve` processes together, without waiting for
// one before starting the next (so they race to migrate and to create the
// signing key), all in the working folder dir, and waits until each listens.
func startServes(t testing.TB, dir string, n int, args ...string) []*proc {
	t.Helper()
	ps := make([]*proc, n)
	lines := make([]chan string, n)
	for i := range n {
		cmd := exec.Command(meetdBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		cmd.Dir = dir
		cmd.Env = os.Environ()
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		ps[i] = &proc{cmd: cmd, stderr: &bytes.Buffer{}}
		cmd.Stderr = ps[i].stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
		lines[i] = make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if u, ok := strings.CutPrefix(sc.Text(), "meetd listening on "); ok {
					lines[i] <- u
				}
			}
			_, _ = io.Copy(io.Discard, stdout)
		}()
	}
	for i, p := range ps {
		select {
		case p.url = <-lines[i]:
		case <-time.After(30 * time.Second):
			t.Fatalf("meetd serve %d did not start: %s", i, p.stderr)
		}
	}
	return ps
}

// reply is an answer to call.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// id returns the meeting id in a reply, "" if none.
func (r reply) id() string { s, _ := r.body["id"].(string); return s }

// call sends a POST with a JSON body, or a GET when body is "". It does not
// fail the test, so that workers off the test's goroutine can use it.
func call(url, token, body string) (reply, error) {
	method := "POST"
	if body == "" {
		method = "GET"
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	r := reply{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r, err
}

// createOrGet calls createOrGet for the token's user (path "" is /me) with
// the external id.
func createOrGet(base, token, user, key string) (reply, error) {
	path := "/v1.0/me/onlineMeetings/createOrGet"
	if user != "" {
		path = "/v1.0/users/" + user + "/onlineMeetings/createOrGet"
	}
	return call(base+path, token, `{"externalId":"`+key+`"}`)
}

// storedMeetings returns the ids of the live meetings in the database by
// organizer and external id.
func storedMeetings(t testing.TB, dsn string) map[[2]string][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT organizer_id, external_id, id FROM meetings
		WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string][]string{}
	var org, key, id string
	_, err = pgx.ForEachRow(rows, []any{&org, &key, &id}, func() error {
		got[[2]string{org, key}] = append(got[[2]string{org, key}], id)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Three replicas on one database: every hot key, raced from 16 workers over
// all three, ends with one meeting, one 201 and one id; a token minted by
// the CLI is accepted by all of them; and policy changes reach all of them
// without a restart.
func TestPostgresReplicas(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	work := t.TempDir()
	reps := startServes(t, work, 3, "--db", dsn) // no --data: keys and policies are in the database
	toks := map[string]string{}
	for _, u := range []string{alice, bob} {
		toks[u] = cli(t, "token", "--db", dsn, "--tenant", tenant, "--user", u)
	}
	// The CLI's token works on every replica, and each sees the others' meetings.
	var probe string
	for i, r := range reps {
		a, err := createOrGet(r.url, toks[alice], "", "probe")
		want := 200
		if i == 0 {
			want, probe = 201, a.id()
		}
		if err != nil || a.status != want || a.id() != probe {
			t.Fatalf("replica %d with the CLI's token: got %d %v %s, want %d with id %s", i, a.status, err, a.raw, want, probe)
		}
	}

	type pair struct{ user, key string }
	var pairs []pair
	for _, u := range []string{alice, bob} {
		for k := range 4 {
			pairs = append(pairs, pair{u, fmt.Sprintf("hot-%d", k)})
		}
	}
	type result struct {
		pair
		status int
		id     string
	}
	const workers, each = 16, 24
	var (
		mu      sync.Mutex
		results []result
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := range each {
				// Every worker takes the same key at the same step, through
				// the replicas in turn: 16 creates of one key race over three.
				p, rep := pairs[i%len(pairs)], (w+i)%len(reps)
				a, err := createOrGet(reps[rep].url, toks[p.user], "", p.key)
				if err != nil {
					t.Errorf("worker %d, %s via replica %d: %v", w, p.key, rep, err)
					return
				}
				mu.Lock()
				results = append(results, result{p, a.status, a.id()})
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(results) != workers*each {
		t.Fatalf("got %d answers, want %d", len(results), workers*each)
	}
	stored := storedMeetings(t, dsn)
	for _, p := range pairs {
		var ids []string
		statuses := map[int]int{}
		for _, r := range results {
			if r.pair == p {
				statuses[r.status]++
				ids = append(ids, r.id)
			}
		}
		slices.Sort(ids)
		if ids = slices.Compact(ids); statuses[201] != 1 || statuses[200] != len(results)/len(pairs)-1 || len(ids) != 1 {
			t.Errorf("%s of %s: got statuses %v and ids %v, want one 201, the rest 200, one id", p.key, p.user, statuses, ids)
			continue
		}
		if got := stored[[2]string{p.user, p.key}]; !slices.Equal(got, ids) {
			t.Errorf("%s of %s in the database: got meetings %v, want only %s", p.key, p.user, got, ids[0])
		}
	}
	if len(stored) != len(pairs)+1 { // and the probe
		t.Errorf("meetings in the database: got %d keys, want %d", len(stored), len(pairs)+1)
	}

	// Application access: a policy made with the CLI reaches every replica.
	appTok := cli(t, "token", "--db", dsn, "--tenant", tenant, "--app", appID)
	status := func(r *proc) int {
		a, err := createOrGet(r.url, appTok, alice, "by-app")
		if err != nil {
			return 0
		}
		return a.status
	}
	for i, r := range reps {
		if got := status(r); got != 403 {
			t.Fatalf("replica %d before any policy: got %d, want 403", i, got)
		}
	}
	cli(t, "policy", "create", "meetings", "--db", dsn, "--tenant", tenant, "--app", appID)
	cli(t, "policy", "grant", "meetings", "--db", dsn, "--tenant", tenant, "--user", alice)
	took := propagation(t, reps, "grant", func(r *proc) bool { s := status(r); return s == 201 || s == 200 })
	t.Logf("grant reached all replicas within %v (per replica %v)", slices.Max(took), took)
	cli(t, "policy", "revoke", "meetings", "--db", dsn, "--tenant", tenant, "--user", alice)
	took = propagation(t, reps, "revoke", func(r *proc) bool { return status(r) == 403 })
	t.Logf("revoke reached all replicas within %v (per replica %v)", slices.Max(took), took)

	if ents, _ := os.ReadDir(work); len(ents) > 0 {
		t.Errorf("working folder of the replicas: got %v, want nothing written there", ents[0].Name())
	}
}

// The monthly limit holds across replicas: creates at once for one
// organizer, spread over two servers sharing PostgreSQL, store exactly the
// limit, and the rest get Graph's 429.
func TestPostgresMonthlyLimitAcrossReplicas(t *testing.T) {
	const limit, n = 4, 30
	dsn := pgtest.NewDatabase(t)
	reps := startServes(t, t.TempDir(), 2, "--db", dsn, "--monthly-meeting-limit", fmt.Sprint(limit))
	tok := cli(t, "token", "--db", dsn, "--tenant", tenant, "--user", alice)
	statuses := make([]int, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-ready
			a, err := createOrGet(reps[i%len(reps)].url, tok, "", fmt.Sprint("limit-", i))
			if err != nil {
				t.Errorf("create %d: %v", i, err)
				return
			}
			statuses[i] = a.status
		})
	}
	close(ready)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != limit || count[429] != n-limit {
		t.Fatalf("%d creates at once over two replicas, limit %d: got statuses %v, want %d 201s and the rest 429", n, limit, count, limit)
	}
	if got := len(storedMeetings(t, dsn)); got != limit {
		t.Errorf("stored meetings: got %d, want %d", got, limit)
	}
}

// propagation polls every replica until cond holds for it, and returns how
// long each took from now. It fails the test after ten seconds.
func propagation(t testing.TB, reps []*proc, what string, cond func(*proc) bool) []time.Duration {
	t.Helper()
	from := time.Now()
	took := make([]time.Duration, len(reps))
	var wg sync.WaitGroup
	for i, r := range reps {
		wg.Go(func() {
			for time.Since(from) < 10*time.Second {
				if cond(r) {
					took[i] = time.Since(from).Round(time.Millisecond)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Errorf("%s never reached replica %d", what, i)
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return took
}

// createLoad creates meetings with new keys from several workers until stopped,
// as clients would: a key that got a 503 is sent again after a pause, and
// every meeting acknowledged with 201 (or with 200 on a retry, when the
// first try was stored but its answer was lost) is recorded.
type createLoad struct {
	t     testing.TB
	base  string
	token string

	mu          sync.Mutex
	acks        map[string]string // key → meeting id
	created     int               // 201s
	unavailable int               // 503s
	slowest     time.Duration     // the longest answer
	stop        chan struct{}
	wg          sync.WaitGroup
}

// startLoad starts n workers on the server at base.
func startLoad(t testing.TB, base, token string, n int) *createLoad {
	l := &createLoad{t: t, base: base, token: token, acks: map[string]string{}, stop: make(chan struct{})}
	for w := range n {
		l.wg.Go(func() { l.work(w) })
	}
	t.Cleanup(l.halt)
	return l
}

func (l *createLoad) work(w int) {
	for i := 0; ; i++ {
		key := fmt.Sprintf("load-%d-%d", w, i)
		for try := 0; ; try++ {
			select {
			case <-l.stop:
				return
			case <-time.After(20 * time.Millisecond): // a steady load, not a flood
			}
			sent := time.Now()
			a, err := createOrGet(l.base, l.token, "", key)
			l.mu.Lock()
			l.slowest = max(l.slowest, time.Since(sent))
			l.mu.Unlock()
			if err != nil {
				err = fmt.Errorf("%v; want an answer within %v", err, answerBound)
			} else {
				err = l.record(key, try, a)
			}
			if err != nil {
				l.t.Errorf("%s: %v", key, err)
				return // one report per worker is enough
			}
			if a.status != 503 {
				break
			}
		}
	}
}

// record counts an answer to the create of key sent for the try-th time.
func (l *createLoad) record(key string, try int, a reply) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case a.status == 201 || a.status == 200 && try > 0:
		l.acks[key] = a.id()
		if a.status == 201 {
			l.created++
		}
		return nil
	case a.status == 503:
		l.unavailable++
		return unavailableReply(a)
	}
	return fmt.Errorf("got %d %s, want 201, or 503 while the database is away", a.status, a.raw)
}

// counts returns the 201s and the 503s so far.
func (l *createLoad) counts() (created, unavailable int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.created, l.unavailable
}

// halt stops the workers and waits for them; it may be called again.
func (l *createLoad) halt() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}

// until waits, at most 30 seconds, for cond on the load's counts.
func (l *createLoad) until(t testing.TB, what string, cond func(created, unavailable int) bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond(l.counts()) {
			return
		}
	}
	c, u := l.counts()
	t.Fatalf("waiting for %s: got %d created and %d unavailable after 30s", what, c, u)
}

// verify halts the load and checks that every acknowledged meeting is still
// there with its id: createOrGet answers 200 with the same id.
func (l *createLoad) verify(t testing.TB) {
	t.Helper()
	l.halt()
	if len(l.acks) == 0 {
		t.Fatal("no meeting was acknowledged")
	}
	for key, id := range l.acks {
		a, err := createOrGet(l.base, l.token, "", key)
		if err != nil || a.status != 200 || a.id() != id {
			t.Errorf("%s after the outage: got %d id %q %v, want 200 id %q", key, a.status, a.id(), err, id)
		}
	}
	t.Logf("%d acknowledged meetings all found; %d answers were 503; the slowest answer took %v",
		len(l.acks), l.unavailable, l.slowest.Round(time.Millisecond))
}

// unavailableReply checks a 503: Graph's error envelope with the code
// ServiceUnavailable, the store's own message and none of the driver's, and
// Retry-After: 2.
func unavailableReply(a reply) error {
	e, _ := a.body["error"].(map[string]any)
	switch {
	case a.status != 503:
		return fmt.Errorf("got status %d, want 503", a.status)
	case e["code"] != "ServiceUnavailable" || e["message"] != "The meeting store is unavailable; try again shortly.":
		return fmt.Errorf("got body %s, want a ServiceUnavailable envelope with the store's message", a.raw)
	case a.header.Get("Retry-After") != "2":
		return fmt.Errorf("got Retry-After %q, want 2", a.header.Get("Retry-After"))
	}
	for _, driver := range []string{"pgx", "pgconn", "postgres", "SQLSTATE", "dial", "refused", "EOF", "FATAL", "deadline", "127.0.0.1"} {
		if bytes.Contains(bytes.ToLower(a.raw), bytes.ToLower([]byte(driver))) {
			return fmt.Errorf("body %s shows the driver's %q", a.raw, driver)
		}
	}
	return nil
}

// readyz returns the status of GET /readyz, checking a 503 like any other.
func readyz(t testing.TB, base string) int {
	t.Helper()
	a, err := call(base+"/readyz", "", "")
	if err != nil {
		t.Fatalf("/readyz: %v; want an answer within %v", err, answerBound)
	}
	if a.status == 503 {
		if err := unavailableReply(a); err != nil {
			t.Errorf("/readyz: %v", err)
		}
	}
	return a.status
}

// untilReady waits, at most 30 seconds, for /readyz to answer 200.
func untilReady(t testing.TB, base string) {
	t.Helper()
	from := time.Now()
	for deadline := from.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if readyz(t, base) == 200 {
			t.Logf("ready %v after the database came back", time.Since(from).Round(time.Millisecond))
			return
		}
	}
	t.Fatal("/readyz: still not ready 30s after the database came back")
}

// PostgreSQL stopped and started under load: 503s with Retry-After while
// it is down, never a hang or a 500; meetd recovers by itself; no
// acknowledged meeting is lost.
func TestPostgresOutage(t *testing.T) {
	srv := pgtest.NewServer(t)
	dsn := srv.NewDatabase(t)
	p := startServes(t, t.TempDir(), 1, "--db", dsn)[0]
	tok := cli(t, "token", "--db", dsn, "--tenant", tenant, "--user", alice)
	l := startLoad(t, p.url, tok, 6)
	l.until(t, "creates before the outage", func(c, _ int) bool { return c >= 30 })

	srv.Stop(t)
	_, u0 := l.counts()
	l.until(t, "503s while PostgreSQL is down", func(_, u int) bool { return u >= u0+12 })
	if got := readyz(t, p.url); got != 503 {
		t.Errorf("/readyz while PostgreSQL is down: got %d, want 503", got)
	}
	if a, err := call(p.url+"/healthz", "", ""); err != nil || a.status != 200 {
		t.Errorf("/healthz while PostgreSQL is down: got %d %v, want 200: the process is alive", a.status, err)
	}

	srv.Start(t)
	untilReady(t, p.url)
	c0, _ := l.counts()
	l.until(t, "creates after the restart", func(c, _ int) bool { return c >= c0+30 })
	l.verify(t)
}

// A frozen database (a hung host, a dropped network) gives 503s within the
// store's timeout, not requests that hang; meetd recovers when it thaws.
func TestPostgresFrozen(t *testing.T) {
	srv := pgtest.NewServer(t)
	dsn := srv.NewDatabase(t)
	p := startServes(t, t.TempDir(), 1, "--db", dsn)[0]
	tok := cli(t, "token", "--db", dsn, "--tenant", tenant, "--user", alice)
	l := startLoad(t, p.url, tok, 4)
	l.until(t, "creates before the freeze", func(c, _ int) bool { return c >= 20 })

	srv.Freeze(t)
	_, u0 := l.counts()
	l.until(t, "503s while PostgreSQL is frozen", func(_, u int) bool { return u >= u0+4 })
	if got := readyz(t, p.url); got != 503 {
		t.Errorf("/readyz while PostgreSQL is frozen: got %d, want 503", got)
	}

	srv.Thaw(t)
	untilReady(t, p.url)
	c0, _ := l.counts()
	l.until(t, "creates after the thaw", func(c, _ int) bool { return c >= c0+20 })
	l.verify(t)
}

// runMeetd runs a meetd command with extra environment variables and
// returns its stdout, stderr and exit error.
func runMeetd(env []string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(meetdBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return strings.TrimSpace(out.String()), errOut.String(), err
}

// Keyword DSNs as libpq takes them: spaces around =, and the rest in PG*
// variables. They were refused as usage errors unless one key was written
// exactly as host=, dbname=, user= or port=. A postgresql:// URL is taken
// as a postgres:// one is.
func TestPostgresKeywordDSNs(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	startServes(t, t.TempDir(), 1, "--db", dsn) // migrates the database
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	host, port := u.Hostname(), u.Port()
	db := strings.TrimPrefix(u.Path, "/")
	user := u.User.Username()
	for _, c := range []struct {
		dsn string
		env []string
	}{
		{dsn: fmt.Sprintf("host = %s port = %s dbname = %s user = %s sslmode = disable", host, port, db, user)},
		{dsn: "sslmode=disable", env: []string{"PGHOST=" + host, "PGPORT=" + port, "PGDATABASE=" + db, "PGUSER=" + user}},
		{dsn: "postgresql://" + user + "@" + u.Host + u.Path}, // libpq's other URL scheme, with no = in it
	} {
		out, stderr, err := runMeetd(c.env, "policy", "list", "--db", c.dsn)
		if err != nil || !strings.HasPrefix(out, "TENANT") {
			t.Errorf("policy list --db %q: got %q, %v\n%s", c.dsn, out, err, stderr)
		}
	}
}

// The CLI works on the database while a server runs on it, with --db or
// MEETD_DB, and says why when a change cannot be made.
func TestPostgresPolicyCLI(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	env := []string{"MEETD_DB=" + dsn}
	p := startServes(t, t.TempDir(), 1, "--db", dsn)[0]
	tok, stderr, err := runMeetd(env, "token", "--tenant", tenant, "--app", appID)
	if err != nil || strings.Count(tok, ".") != 2 {
		t.Fatalf("token with MEETD_DB: got %q, %v\n%s; want a JWT", tok, err, stderr)
	}
	status := func() int {
		a, err := createOrGet(p.url, tok, alice, "cli")
		if err != nil {
			t.Fatal(err)
		}
		return a.status
	}
	if got := status(); got != 403 {
		t.Fatalf("before any policy: got %d, want 403", got)
	}

	steps := []struct {
		args    []string
		wantErr string // "" for success
	}{
		{[]string{"policy", "create", "meetings", "--tenant", tenant, "--app", appID, "--description", "test"}, ""},
		{[]string{"policy", "create", "meetings", "--tenant", tenant, "--app", appID}, "already exists"},
		{[]string{"policy", "grant", "nosuch", "--tenant", tenant, "--user", alice}, "was not found"},
		{[]string{"policy", "grant", "meetings", "--tenant", tenant, "--user", alice}, ""},
		{[]string{"policy", "grant", "meetings", "--tenant", tenant, "--global"}, ""},
	}
	for _, s := range steps {
		_, stderr, err := runMeetd(env, s.args...)
		if s.wantErr == "" && err != nil || s.wantErr != "" && (err == nil || !strings.Contains(stderr, s.wantErr)) {
			t.Errorf("meetd %s: got %v\n%s; want error %q", strings.Join(s.args, " "), err, stderr, s.wantErr)
		}
	}
	list := cli(t, "policy", "list", "--db", dsn, "--tenant", tenant)
	if !strings.Contains(list, "meetings") || !strings.Contains(list, alice) || !strings.Contains(list, "(global)") {
		t.Errorf("policy list: got %q, want meetings granted to alice and the tenant", list)
	}
	if !waitFor(t, func() bool { return status() == 201 }) {
		t.Fatal("grant never took effect on the running server")
	}

	cli(t, "policy", "revoke", "meetings", "--db", dsn, "--tenant", tenant, "--user", alice)
	if _, stderr, err := runMeetd(env, "policy", "revoke", "meetings", "--tenant", tenant, "--user", alice); err == nil || !strings.Contains(stderr, "not granted") {
		t.Errorf("second revoke: got %v\n%s; want an error saying it is not granted", err, stderr)
	}
	cli(t, "policy", "delete", "meetings", "--db", dsn, "--tenant", tenant) // the global grant goes with it
	if list := cli(t, "policy", "list", "--db", dsn); strings.Contains(list, "meetings") {
		t.Errorf("policy list after delete: got %q, want no meetings policy", list)
	}
	if !waitFor(t, func() bool { return status() == 403 }) {
		t.Fatal("delete never took effect on the running server")
	}
}
