package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

// A command's -h prints its flags to stdout and succeeds, as "meetd --help"
// does; a bad flag prints them to stderr and is a usage error.
func TestCommandHelp(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{
		{"serve", "-h"}, {"token", "--help"}, {"bench", "-h"}, {"policy", "create", "-h"},
		{"--help"}, {"help"}, {"policy", "-h"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, noEnv, &stdout, &stderr)
		if err != nil || !strings.Contains(stdout.String(), "-data") || stderr.Len() != 0 {
			t.Errorf("meetd %v: got %v, stdout %q, stderr %q; want nil and the flags on stdout only", args, err, stdout.String(), stderr.String())
		}
	}
	// Usage errors print to stderr only: a script that reads stdout gets
	// nothing from a command it called wrongly.
	for _, c := range []struct {
		args []string
		want string // on stderr
	}{
		{[]string{"token", "--ttl", "1x"}, "-tenant"},
		{[]string{"policy"}, "meetd policy create"},
		{[]string{}, "meetd serve"},
		{[]string{"bogus"}, "meetd serve"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), c.args, noEnv, &stdout, &stderr)
		if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), c.want) || stdout.Len() != 0 {
			t.Errorf("meetd %v: got %v, stdout %q, stderr %q; want a usage error and %q on stderr only", c.args, err, stdout.String(), stderr.String(), c.want)
		}
	}
}

// meetd version prints the version the binary was built with, on stdout.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, func(string) string { return "" }, &stdout, &stderr)
		if want := "meetd " + version + "\n"; err != nil || stdout.String() != want || stderr.Len() != 0 {
			t.Errorf("meetd %v: got %v, stdout %q, stderr %q; want nil and %q on stdout only", args, err, stdout.String(), stderr.String(), want)
		}
	}
}

// main prints a domain error as what failed and why, without the code and
// the advice meant for an HTTP caller.
func TestErrorText(t *testing.T) {
	cause := errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("open PostgreSQL store: %w", &meetd.Error{Code: meetd.EUNAVAILABLE, Message: "The meeting store is unavailable; try again shortly.", Err: cause}),
			"open PostgreSQL store: unavailable: dial tcp 127.0.0.1:5432: connect: connection refused"},
		{fmt.Errorf("%w: --db: %w", errUsage, &meetd.Error{Code: meetd.EINVALID, Message: "The PostgreSQL DSN is not valid.", Err: errors.New("invalid port")}),
			"usage: --db: The PostgreSQL DSN is not valid: invalid port"},
		{meetd.Errorf(meetd.EINVALID, "The token version must be 1.0 or 2.0."), "The token version must be 1.0 or 2.0"},
		{fmt.Errorf("data folder: %w", cause), "data folder: " + cause.Error()},
	} {
		if got := errorText(c.err); got != c.want {
			t.Errorf("errorText(%v):\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}
