package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// meetd bench against a real meetd serve: it mints its own token from the
// data folder unless given one, grants an app the access policy it needs,
// and writes what it measured as JSON.
func TestBenchAgainstServe(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, "--data", data)
	const appB, bob = "a1b2c3d4-0000-4000-8000-00000000000b", "1f35f2e6-9cab-44ad-8d5a-b74c14720002"
	appBToken := cli(t, "token", "--data", data, "--tenant", tenant, "--app", appB)
	for _, c := range []struct {
		name       string
		args       []string
		wantStatus map[string]float64
		wantStderr string
	}{
		{"create", []string{"--requests", "40"}, map[string]float64{"201": 40}, ""},
		{"get as an app", []string{"--workload", "get", "--keys", "5", "--requests", "30", "--app", appID, "--user", alice},
			map[string]float64{"200": 30}, "granted access policy meetd-bench-" + appID},
		// A token given still needs the app's policy granted.
		{"create as an app with its own token", []string{"--requests", "20", "--app", appB, "--user", bob, "--token", appBToken},
			map[string]float64{"201": 20}, "granted access policy meetd-bench-" + appB},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"bench", "--data", data, "--url", p.url, "--concurrency", "4", "--json", "--quiet"}, c.args...)
			cmd := exec.Command(meetdBin, args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("meetd %v: %v\n%s", args, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.wantStderr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr.String(), c.wantStderr)
			}
			var res struct {
				Requests, OK, Errors float64
				Verified             bool
				Loop                 string
				Status               map[string]float64
				Latency              map[string]float64 `json:"latency_ms"`
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, out)
			}
			want := float64(0)
			for _, n := range c.wantStatus {
				want += n
			}
			if res.Requests != want || res.OK != want || res.Errors != 0 || !res.Verified || res.Loop != "closed" {
				t.Errorf("got %s; want %g requests, all correct, verified, closed loop", out, want)
			}
			if len(res.Status) != len(c.wantStatus) {
				t.Errorf("status: got %v, want %v", res.Status, c.wantStatus)
			}
			for k, n := range c.wantStatus {
				if res.Status[k] != n {
					t.Errorf("status: got %v, want %v", res.Status, c.wantStatus)
				}
			}
			for _, k := range []string{"mean", "p50", "p90", "p99", "p99.9", "max"} {
				if v, ok := res.Latency[k]; !ok || v <= 0 {
					t.Errorf("latency_ms.%s: got %v (present %t), want a positive figure", k, v, ok)
				}
			}
		})
	}
}

// A run with wrong answers still reports, then exits non-zero: a fast
// wrong answer never passes for a result. The reference server answers
// every request with one meeting, so every create after the first is a
// duplicate. --no-auth sends no token even when one is given.
func TestBenchWrongAnswersFail(t *testing.T) {
	var mu sync.Mutex
	var paths, auths []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths, auths = append(paths, r.URL.Path), append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"the-one-meeting"}`))
	}))
	defer hs.Close()
	cmd := exec.Command(meetdBin, "bench", "--url", hs.URL, "--no-auth", "--token", "secret", "--api-version", "beta",
		"--requests", "20", "--concurrency", "2", "--quiet")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("got %v, want exit status 1\n%s%s", err, out, stderr.String())
	}
	if !strings.Contains(string(out), "0 correct, 20 errors") || !strings.Contains(string(out), "duplicate id ×20") {
		t.Errorf("stdout: got\n%s\nwant the result, with 20 duplicate ids", out)
	}
	if !strings.Contains(stderr.String(), "20 of 20 requests got a wrong answer") {
		t.Errorf("stderr: got %q, want it to say 20 of 20 requests were wrong", stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	for i, p := range paths {
		if p != "/beta/me/onlineMeetings/createOrGet" || auths[i] != "" {
			t.Fatalf("request %d: got %s with Authorization %q, want /beta/me/onlineMeetings/createOrGet and none", i, p, auths[i])
		}
	}
}
