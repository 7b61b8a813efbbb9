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
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"token", "--ttl", "1x"}, noEnv, &stdout, &stderr)
	if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "-tenant") || stdout.Len() != 0 {
		t.Errorf("meetd token --ttl 1x: got %v, stdout %q, stderr %q; want a usage error and the flags on stderr only", err, stdout.String(), stderr.String())
	}
}
