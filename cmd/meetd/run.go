package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/meetd/meetd"
)

// errUsage marks errors in how meetd was called (exit status 2).
var errUsage = errors.New("usage")

// errHelp is what a command returns once it has printed the help its -h
// asked for: run reports success, as it does for "meetd --help".
var errHelp = errors.New("help printed")

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `meetd — a self-hosted, Microsoft Graph–compatible online meetings service

Usage:
  meetd serve   [--data DIR | --db URL] [--addr HOST:PORT] [--base-url URL] …
  meetd token   --tenant T (--user OID [--upn UPN] [--scopes S] | --app APPID [--roles R]) [--ttl 1h]
  meetd policy  create|grant|revoke|list|delete …
  meetd bench   --url URL …
  meetd version

Run "meetd COMMAND -h" for a command's flags. Every flag of serve and token, and
each other flag whose help names a MEETD_* variable, can be set by that variable.
`

// run is meetd's whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = serve(ctx, rest, getenv, stdout, stderr)
	case "token":
		err = token(ctx, rest, getenv, stdout, stderr)
	case "policy":
		err = policy(ctx, rest, getenv, stdout, stderr)
	case "bench":
		err = bench(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "meetd", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// errorText is err as main prints it. A domain error's Error() is written
// for logs ("meetd unavailable: The meeting store is unavailable; try again
// shortly.: postgres: …"); on the command line its code and its advice to
// an HTTP caller are noise, so it reads "what failed: why" instead.
func errorText(err error) string {
	text := err.Error()
	var e *meetd.Error
	if !errors.As(err, &e) {
		return text
	}
	short := strings.TrimSuffix(e.Message, ".")
	switch {
	case e.Err == nil:
	case e.Code == meetd.EUNAVAILABLE:
		short = "unavailable: " + e.Err.Error()
	default:
		short += ": " + e.Err.Error()
	}
	return strings.Replace(text, e.Error(), short, 1)
}
