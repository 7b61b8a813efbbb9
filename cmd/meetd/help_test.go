package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A command's -h prints its flags to stdout and succeeds, as "meetd --help"
// does; a bad flag prints them to stderr and is a usage error.
func TestCommandHelp(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{
		{"serve", "-h"}, {"token", "--help"}, {"bench", "-h"}, {"policy", "create", "-h"},
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
