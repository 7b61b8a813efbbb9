package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/graph"
	"github.com/meetd/meetd/internal/server"
)

// serve runs the HTTP server until ctx is cancelled (SIGINT, SIGTERM or
// SIGHUP), then drains in-flight requests and closes the store.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlagSet("serve", getenv, stdout, stderr)
	sf := addStoreFlags(f)
	addr := f.string("addr", "127.0.0.1:8080", "listen address; port 0 picks a free one")
	baseURL := f.string("base-url", "", "public URL of this server, used in joinWebUrl (default http://ADDR)")
	logLevel := f.string("log-level", "info", "debug (one line per request), info, warn or error")
	policyTTL := f.duration("policy-ttl", meetd.DefaultPolicyTTL, "how long an access-policy assignment is cached; negative reads it on every request")
	monthly := f.int("monthly-meeting-limit", 0, "throttle (429) an app's meetings per organizer per calendar month past this many; 0 is off (Graph: 2000)")
	toll := f.string("toll-number", "", "audio conferencing toll number shown in meetings (none: audioConferencing is null)")
	tollFree := f.string("toll-free-number", "", "audio conferencing toll-free number")
	dialin := f.string("dialin-url", "", "URL of the dial-in numbers page")
	tokenCache := f.int("token-cache", auth.DefaultCacheSize, "verified tokens kept until they expire (each costs about the token's size); 0 is the default, negative turns the cache off")
	maxBody := f.int("max-body-bytes", 1<<20, "largest request body accepted, after gzip decoding")
	pprofAddr := f.string("pprof", "", "serve Go's pprof profiles on this separate address (e.g. 127.0.0.1:6060); off when empty")
	drain := f.duration("shutdown-timeout", 30*time.Second, "how long SIGINT, SIGTERM or SIGHUP waits for in-flight requests; a second signal stops at once")
	readTimeout := f.duration("read-timeout", 30*time.Second, "longest a client may take to send a whole request, headers (at most 10s) and body")
	writeTimeout := f.duration("write-timeout", 60*time.Second, "longest from a request's headers to the end of its answer, for a client that reads slowly or not at all")
	memLimit := f.string("memory-limit", "", "soft limit on the Go runtime's memory, e.g. 64MiB; 0 or off for none (default "+
		strconv.Itoa(defaultMemoryLimit>>20)+"MiB, or GOMEMLIMIT when set)")
	if pos, err := f.parse(args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}

	if *readTimeout <= 0 || *writeTimeout <= 0 {
		return fmt.Errorf("%w: --read-timeout and --write-timeout must be positive", errUsage)
	}
	if *maxBody < 0 {
		return fmt.Errorf("%w: --max-body-bytes must not be negative (0 is the default, 1 MiB)", errUsage)
	}
	if *baseURL != "" {
		if u, err := url.Parse(*baseURL); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("%w: --base-url must be an absolute http:// or https:// URL, not %q", errUsage, *baseURL)
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level: %v", errUsage, err)
	}
	limit, err := memoryLimit(*memLimit, getenv("GOMEMLIMIT"))
	if err != nil {
		return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
	}
	if limit != 0 {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	st, err := sf.open(ctx, true)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	iss, err := auth.LoadIssuer(ctx, st.keys)
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(*baseURL, "/")
	if base == "" {
		base = "http://" + ln.Addr().String()
		if a, ok := ln.Addr().(*net.TCPAddr); ok && a.IP.IsUnspecified() {
			// Every joinWebUrl would name 0.0.0.0 or [::]: a link that
			// opens nothing on anyone else's machine.
			log.Warn("--addr listens on every interface but --base-url is not set: joinWebUrl will name "+base+"; set --base-url to the URL people open", "addr", ln.Addr().String())
		}
	}
	audio := graph.AudioSettings{TollNumber: *toll, TollFreeNumber: *tollFree, DialinURL: *dialin}
	svc := meetd.NewService(st, meetd.Options{PolicyTTL: *policyTTL, MonthlyMeetingLimit: *monthly})
	live := watchFailStop(ctx, st.Store, log)
	h := server.New(server.Config{
		Service:      svc,
		Verifier:     iss.Verifier(auth.VerifierOptions{CacheSize: *tokenCache}),
		Renderer:     graph.NewRenderer(graph.RendererOptions{BaseURL: base, Audio: audio}),
		BaseURL:      base,
		Audio:        audio,
		JWKS:         iss.JWKS(),
		Discovery:    iss.Discovery(base, "common"),
		Ready:        st.Ping,
		Live:         live,
		Logger:       log,
		MaxBodyBytes: int64(*maxBody),
	})
	// Every phase of a connection is bounded, so that clients that send
	// slowly, or never read their answer, cannot hold goroutines and
	// buffers for ever (or a shutdown for its whole --shutdown-timeout):
	// a request's headers in 10 s, the whole request in --read-timeout,
	// its answer within --write-timeout of its headers, idle 2 min.
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, *readTimeout),
		ReadTimeout:       *readTimeout,
		WriteTimeout:      *writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if *pprofAddr != "" {
		stopProfiles, err := servePprof(*pprofAddr, log)
		if err != nil {
			return fmt.Errorf("--pprof: %w", err)
		}
		defer stopProfiles()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	started := []any{"version", version, "addr", ln.Addr().String(), "base-url", base, "store", st.kind}
	if st.sync != "" {
		started = append(started, "sync", st.sync)
	}
	started = append(started, "memory-limit", describeLimit(debug.SetMemoryLimit(-1)), "log-level", level)
	log.Info("meetd listening", started...)
	fmt.Fprintf(stdout, "meetd listening on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests", "timeout", *drain, "cause", context.Cause(ctx))
	sctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	var cut error
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		// Requests still running are cut off when the process exits: say
		// so in the exit status too, not only in the log.
		cut = fmt.Errorf("shutdown: requests still in flight after --shutdown-timeout %v were cut off (%w)", *drain, err)
		log.Warn("shutdown", "err", err)
	}
	closed = true
	if err := st.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	if cut != nil {
		return cut
	}
	log.Info("stopped")
	return nil
}

// failStopper is a store that can stop for good (SQLite's fail-stop after
// its disk failed a write): only a restart ends it.
type failStopper interface {
	Broken() error
	Stopped() <-chan struct{}
}

// watchFailStop returns the liveness check of a store that can stop for
// good, nil for one that cannot, and logs the stop once, at ERROR, when it
// happens: each request refused after that is only a WARN line, and alerts
// watch for errors.
func watchFailStop(ctx context.Context, store meetd.Store, log *slog.Logger) (live func() error) {
	b, ok := store.(failStopper)
	if !ok {
		return nil
	}
	go func() {
		select {
		case <-b.Stopped():
			log.Error("the SQLite store stopped: every request gets 503 until meetd restarts", "err", b.Broken())
		case <-ctx.Done():
		}
	}()
	return b.Broken
}

// defaultMemoryLimit is the soft limit on the Go runtime's memory (heap,
// stacks, runtime data) that `meetd serve` sets unless told otherwise.
//
// The memory model, SQLite store, defaults, as measured with 1,000,000
// stored meetings under hits spread over all of them (peak ~80 MB):
//
//	Go, under this limit (~46 MB):  meeting cache 8 MiB (sqlite.DefaultCacheBytes),
//	  rendered answers 6 MiB (server's renderCacheBytes), key filter 4 MiB,
//	  verified tokens (one per caller and hour in practice), requests' garbage
//	outside Go (~35 MB):  SQLite's page caches (writer 4 MiB, checkpointer
//	  0.5 MiB, 1 MiB per read connection; about twice that resident, as
//	  modernc's allocator gives a 4 KB page its own 8 KB slot), and the binary
//
// Live data is ~20 MB; GOGC lets the heap reach about twice that before a
// collection, and without a limit the runtime kept ~30 MB of freed pages as
// well. The limit makes it collect sooner and return freed pages whenever
// the total would pass it, so nothing frees memory by hand. A live heap
// near the limit (e.g. a much larger --token-cache filled) is not an error:
// the collector then works harder, at most about half the CPU.
const defaultMemoryLimit = 48 << 20

// memoryLimit returns the limit for --memory-limit v: 0 leaves the
// runtime's limit as it is (GOMEMLIMIT, set by the operator), math.MaxInt64
// turns the limit off.
func memoryLimit(v, gomemlimit string) (int64, error) {
	switch v {
	case "":
		if gomemlimit != "" {
			return 0, nil
		}
		return defaultMemoryLimit, nil
	case "0", "off":
		return math.MaxInt64, nil
	}
	n, err := parseBytes(v)
	if err == nil && n < 1<<20 {
		err = fmt.Errorf("%s is less than 1MiB", v)
	}
	return n, err
}

// describeLimit prints a memory limit for the log.
func describeLimit(n int64) string {
	switch {
	case n == math.MaxInt64:
		return "off"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}
