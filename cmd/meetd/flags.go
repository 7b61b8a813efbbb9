package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// newFlagSet returns a flag set whose defaults come from MEETD_* variables:
// --base-url reads MEETD_BASE_URL, and so on.
func newFlagSet(name string, getenv func(string) string, stdout, stderr io.Writer) *envFlags {
	f := &envFlags{FlagSet: flag.NewFlagSet("meetd "+name, flag.ContinueOnError), getenv: getenv, stdout: stdout, stderr: stderr}
	// flag writes the same flag list for -h and for a bad flag; parse sends
	// it to stdout for the one and to stderr for the other.
	f.SetOutput(&f.out)
	return f
}

type envFlags struct {
	*flag.FlagSet
	getenv         func(string) string
	stdout, stderr io.Writer
	out            bytes.Buffer // what flag printed during the last Parse
	errs           []error
}

func envName(flagName string) string {
	return "MEETD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *envFlags) env(name, def string) string {
	if v := f.getenv(envName(name)); v != "" {
		return v
	}
	return def
}

func (f *envFlags) string(name, def, help string) *string {
	return f.String(name, f.env(name, def), help+" ("+envName(name)+")")
}

func (f *envFlags) duration(name string, def time.Duration, help string) *time.Duration {
	d := def
	if v := f.env(name, ""); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s: %w", envName(name), err))
		}
	}
	return f.Duration(name, d, help+" ("+envName(name)+")")
}

func (f *envFlags) int(name string, def int, help string) *int {
	n := def
	if v := f.env(name, ""); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil { // the whole value, as the flag takes it
			f.errs = append(f.errs, fmt.Errorf("%s must be a whole number, not %q", envName(name), v))
		}
	}
	return f.Int(name, n, help+" ("+envName(name)+")")
}

// guids returns a usage error naming the first flag whose value is set but
// not a GUID: tenants, users and apps are GUIDs in tokens, so a policy or a
// token for anything else could never be used. Pairs are flag, value.
func guids(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if v := pairs[i+1]; v != "" && !meetd.IsObjectID(v) {
			return fmt.Errorf("%w: %s must be a GUID, not %q", errUsage, pairs[i], v)
		}
	}
	return nil
}

// parse parses args and accepts flags after positional arguments too
// ("policy grant NAME --tenant T" as well as "policy grant --tenant T NAME").
func (f *envFlags) parse(args []string) (positional []string, err error) {
	if len(f.errs) > 0 {
		return nil, fmt.Errorf("%w: %v", errUsage, f.errs[0])
	}
	for {
		f.out.Reset()
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.out.WriteTo(f.stdout)
				return nil, errHelp
			}
			f.out.WriteTo(f.stderr)
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = f.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// splitList splits a space- or comma-separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// parseBytes reads a size in GOMEMLIMIT's syntax: a whole number of bytes,
// optionally followed by B, KiB, MiB, GiB or TiB ("64MiB").
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"B", 0}}
	num, shift := s, uint(0)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, shift = n, u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("%q is not a size such as 64MiB (units B, KiB, MiB, GiB, TiB)", s)
	}
	return n << shift, nil
}
