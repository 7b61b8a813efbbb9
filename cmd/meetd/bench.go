package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	load "github.com/meetd/meetd/internal/bench"
)

// Who bench acts as unless told: any GUIDs do, these are easy to spot.
const (
	benchTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	benchUser   = "1f35f2e6-9cab-44ad-8d5a-b74c1472be7c"
)

// bench drives createOrGet load at a running meetd and reports rps and
// latency percentiles; see internal/bench (imported as load: the
// subcommand's function has the name).
func bench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlagSet("bench", getenv, stdout, stderr)
	sf := addStoreFlags(f)
	url := f.string("url", "http://127.0.0.1:8080", "root URL of the server under load")
	tok := f.string("token", "", "bearer token to send (default: mint one from --data/--db's signing key)")
	noAuth := f.Bool("no-auth", false, "send no token (for the reference server)")
	tenant := f.string("tenant", benchTenant, "tenant id of the minted token")
	user := f.string("user", benchUser, "user object id: the delegated token's user, or the organizer an app acts for")
	app := f.string("app", "", "application id: mint an app token, act on /users/{--user}, and grant the app an access policy if it has none")
	apiVersion := f.string("api-version", "v1.0", "Graph version in the path: v1.0 or beta")
	workload := f.string("workload", "create", "create (new externalIds), get (existing ones) or mixed")
	getRatio := f.string("get-ratio", "0.9", "mixed: share of requests for existing externalIds")
	conc := f.int("concurrency", 64, "requests in flight (and connections)")
	duration := f.duration("duration", 10*time.Second, "length of the measured phase (0: until --requests)")
	requests := f.int("requests", 0, "stop after this many requests (0: until --duration)")
	keys := f.int("keys", 1000, "get and mixed: distinct existing externalIds, created in a warm-up first")
	prefix := f.string("key-prefix", "", "start every externalId with this (default: random per run; reuse one to hit keys an earlier run made)")
	rate := f.string("rate", "0", "open loop: send this many requests per second and measure latency from when each was due, or from its send if a worker waited for it (0: closed loop)")
	timeout := f.duration("timeout", 30*time.Second, "per-request timeout")
	noVerify := f.Bool("no-verify", false, "count any 2xx as correct without checking status or ids (for the reference server)")
	netHTTP := f.Bool("net-http", false, "send with Go's net/http client instead of bench's own leaner HTTP/1.1 connections")
	asJSON := f.Bool("json", false, "write the result as JSON")
	quiet := f.Bool("quiet", false, "no progress lines on stderr")
	if pos, err := f.parse(args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if *requests > 0 && !set["duration"] && getenv(envName("duration")) == "" {
		*duration = 0 // --requests alone bounds the run
	}
	ratio, err := strconv.ParseFloat(*getRatio, 64)
	if err != nil {
		return fmt.Errorf("%w: --get-ratio: %v", errUsage, err)
	}
	r, err := strconv.ParseFloat(*rate, 64)
	if err != nil {
		return fmt.Errorf("%w: --rate: %v", errUsage, err)
	}
	if *user == "" || *tenant == "" {
		return fmt.Errorf("%w: --tenant and --user must be GUIDs", errUsage)
	}
	if err := guids("--tenant", *tenant, "--user", *user, "--app", *app); err != nil {
		return err
	}

	path := "/" + *apiVersion + "/me/onlineMeetings/createOrGet"
	if *app != "" {
		path = "/" + *apiVersion + "/users/" + *user + "/onlineMeetings/createOrGet"
	}
	cfg := load.Config{
		URL: *url, Path: path, Token: *tok,
		Workload: load.Workload(*workload), GetRatio: ratio, Keys: *keys, KeyPrefix: *prefix,
		Concurrency: *conc, Duration: *duration, Requests: *requests, Rate: r, Timeout: *timeout,
		NoVerify: *noVerify, NetHTTP: *netHTTP,
	}
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if !*quiet {
		cfg.Progress = func(p load.Progress) { load.WriteProgress(stderr, p) }
	}
	minted := !*noAuth && *tok == ""
	if *noAuth {
		cfg.Token = ""
	} else if *tok == "" || *app != "" {
		if cfg.Token, err = benchSetup(ctx, sf, *tok, *tenant, *user, *app, *duration+*timeout, stderr); err != nil {
			return err
		}
	}

	// The tool shares the CPU with the server it measures: collect
	// garbage less often (its heap stays a few MB).
	debug.SetGCPercent(400)
	fmt.Fprintf(stderr, "meetd bench: POST %s%s, %s, c=%d\n", *url, path, *workload, *conc)
	res, err := load.Run(ctx, cfg)
	if err != nil {
		if minted && strings.Contains(err.Error(), "got 401") {
			err = fmt.Errorf("%w (the token was signed with the key in --data/--db: is it the server's?)", err)
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if res.Errors > 0 {
		return fmt.Errorf("%d of %d requests got a wrong answer or none", res.Errors, res.Requests)
	}
	return nil
}

// benchSetup opens the store to grant an app its access policy and, unless
// a token was given, to mint one that outlives the run.
func benchSetup(ctx context.Context, sf storeFlags, tok, tenant, user, app string, run time.Duration, stderr io.Writer) (string, error) {
	st, err := sf.open(ctx, false)
	if err != nil {
		return "", err
	}
	defer st.Close()
	if app != "" {
		did, err := load.PreparePolicy(ctx, st, tenant, app, user)
		if err != nil {
			return "", err
		}
		if did != "" {
			fmt.Fprintln(stderr, "meetd bench:", did)
		}
	}
	if tok != "" {
		return tok, nil
	}
	iss, err := auth.LoadIssuer(ctx, st.keys)
	if err != nil {
		return "", fmt.Errorf("signing key: %w", err)
	}
	req := auth.TokenRequest{TenantID: tenant, TTL: time.Hour + run}
	if app != "" {
		req.AppID, req.Roles = app, []string{meetd.RoleReadWrite}
	} else {
		req.UserID, req.UPN, req.Scopes = user, "bench@contoso.com", []string{meetd.ScopeReadWrite}
	}
	return iss.Mint(req)
}
