package main

import (
	"bufio"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseBytes(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1048576", 1 << 20, true},
		{"512B", 512, true},
		{"64KiB", 64 << 10, true},
		{"48MiB", 48 << 20, true},
		{"2GiB", 2 << 30, true},
		{"1TiB", 1 << 40, true},
		{"", 0, false},
		{"MiB", 0, false},
		{"-1MiB", 0, false},
		{"1.5GiB", 0, false},
		{"64MB", 0, false}, // GOMEMLIMIT's units only: MB would be ambiguous
		{"64 MiB", 0, false},
		{"9999999TiB", 0, false},
		{"8388607TiB", 8388607 << 40, true}, // the largest that fits in an int64
		{"8388608TiB", 0, false},
	}
	for _, c := range cases {
		got, err := parseBytes(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseBytes(%q): got %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	cases := []struct {
		flag, gomemlimit string
		want             int64
		ok               bool
	}{
		{"", "", defaultMemoryLimit, true},
		{"", "200MiB", 0, true}, // the operator's GOMEMLIMIT stays
		{"64MiB", "200MiB", 64 << 20, true},
		{"off", "", math.MaxInt64, true},
		{"0", "200MiB", math.MaxInt64, true},
		{"1MiB", "", 1 << 20, true},
		{"100KiB", "", 0, false}, // below 1 MiB: surely a mistake
		{"lots", "", 0, false},
	}
	for _, c := range cases {
		got, err := memoryLimit(c.flag, c.gomemlimit)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("memoryLimit(%q, GOMEMLIMIT=%q): got %d, %v; want %d, ok %v", c.flag, c.gomemlimit, got, err, c.want, c.ok)
		}
	}
}

// The limit serve runs with, as it logs it, from its flag, its MEETD_
// variable, GOMEMLIMIT or the default.
func TestServeMemoryLimit(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"default", nil, nil, "48MiB"},
		{"flag", []string{"--memory-limit", "100MiB"}, nil, "100MiB"},
		{"variable", nil, []string{"MEETD_MEMORY_LIMIT=80MiB"}, "80MiB"},
		{"off", []string{"--memory-limit", "off"}, nil, "off"},
		{"GOMEMLIMIT", nil, []string{"GOMEMLIMIT=30MiB"}, "30MiB"},
		{"flag over GOMEMLIMIT", []string{"--memory-limit", "70MiB"}, []string{"GOMEMLIMIT=30MiB"}, "70MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := servedLimit(t, c.args, c.env); got != c.want {
				t.Errorf("memory-limit: got %s, want %s", got, c.want)
			}
		})
	}
	cmd := exec.Command(meetdBin, "serve", "--data", t.TempDir(), "--memory-limit", "lots")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--memory-limit") {
		t.Errorf("--memory-limit lots: got %v, %s; want exit status 2 naming the flag", err, out)
	}
}

// servedLimit starts serve, reads the memory-limit its start-up line logs,
// and stops it.
func servedLimit(t testing.TB, args, env []string) string {
	t.Helper()
	line := startupLine(t, append([]string{"--data", t.TempDir()}, args...), env)
	for f := range strings.FieldsSeq(line) {
		if v, ok := strings.CutPrefix(f, "memory-limit="); ok {
			return v
		}
	}
	return "(none in: " + line + ")"
}

// startupLine runs meetd serve with args and env (and no MEETD_* or
// GOMEMLIMIT of the test's own) until it logs its start-up line, which it
// returns, and stops it.
func startupLine(t testing.TB, args, env []string) string {
	t.Helper()
	cmd := exec.Command(meetdBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMEMLIMIT=") && !strings.HasPrefix(kv, "MEETD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.Contains(line, "meetd listening") {
				found <- line
				return
			}
		}
		found <- "(no start-up line)"
	}()
	select {
	case v := <-found:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("meetd serve did not start")
		return ""
	}
}
