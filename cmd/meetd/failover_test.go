package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd/internal/pgtest"
)

func failoverDo(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// After a failover that lost the last commits (a copy of the data folder
// from before a PATCH put back), a PATCH acknowledged since is what every
// replica answers: GET by id, createOrGet and the PATCH's own answer. The
// render cache, keyed by id and version, answered the lost version's bytes
// for the new version, and the store's read cache served the lost meeting.
func TestPostgresFailoverLostCommits(t *testing.T) {
	srv := pgtest.NewServer(t)
	dsn := srv.NewDatabase(t)
	ps := startServes(t, t.TempDir(), 2, "--db", dsn)
	a, b := ps[0], ps[1]
	tok := cli(t, "token", "--db", dsn, "--tenant", tenant, "--user", alice)
	r, err := createOrGet(a.url, tok, "", "failover")
	if err != nil || r.status != 201 {
		t.Fatal(r.status, err, string(r.raw))
	}
	id := r.id()
	get := func(p *proc) string {
		for range 100 {
			st, body := failoverDo(t, "GET", p.url+"/v1.0/me/onlineMeetings/"+id, tok, "")
			if st == 200 {
				var m struct{ Subject string }
				_ = jsonUnmarshal(body, &m)
				return m.Subject
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("GET never 200")
		return ""
	}
	patch := func(p *proc, subject string) {
		for range 100 {
			st, body := failoverDo(t, "PATCH", p.url+"/v1.0/me/onlineMeetings/"+id, tok, `{"subject":"`+subject+`"}`)
			if st == 200 {
				var m struct{ Subject string }
				_ = jsonUnmarshal(body, &m)
				if m.Subject != subject {
					t.Errorf("PATCH %q on %s answered subject %q", subject, p.url, m.Subject)
				}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("PATCH never 200")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var dataDir string
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	cancel()

	srv.Stop(t)
	if out, err := exec.Command("cp", "-a", dataDir, dataDir+".standby").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	srv.Start(t)
	patch(b, "lost")
	if got := get(a); got != "lost" {
		t.Fatalf("GET on a before the failover: %q, want lost", got)
	}
	srv.Stop(t)
	if out, err := exec.Command("sh", "-c", "rm -rf '"+dataDir+"' && mv '"+dataDir+".standby' '"+dataDir+"'").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	srv.Start(t)
	untilReady(t, a.url)
	untilReady(t, b.url)
	if got := get(b); got != "" {
		t.Fatalf("GET on b after the failover: %q, want the subject from before it", got)
	}
	patch(b, "after")
	if got := get(b); got != "after" {
		t.Errorf("GET by id on b: %q after its acknowledged PATCH to %q", got, "after")
	}
	if got := get(a); got != "after" {
		t.Errorf("GET by id on a: %q after an acknowledged PATCH to %q", got, "after")
	}
	r, _ = createOrGet(a.url, tok, "", "failover")
	var m struct{ Subject string }
	_ = jsonUnmarshal(string(r.raw), &m)
	if m.Subject != "after" {
		t.Errorf("createOrGet on a: %q after an acknowledged PATCH to %q", m.Subject, "after")
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
