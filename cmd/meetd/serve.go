package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/graph"
	"github.com/meetd/meetd/internal/server"
)

// serve runs the HTTP server until ctx is cancelled (SIGINT/SIGTERM), then
// drains in-flight requests and closes the store.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlagSet("serve", getenv, stderr)
	sf := addStoreFlags(f)
	addr := f.string("addr", "127.0.0.1:8080", "listen address; port 0 picks a free one")
	baseURL := f.string("base-url", "", "public URL of this server, used in joinWebUrl (default http://ADDR)")
	logLevel := f.string("log-level", "info", "debug (one line per request), info, warn or error")
	policyTTL := f.duration("policy-ttl", meetd.DefaultPolicyTTL, "how long an access-policy assignment is cached; negative reads it on every request")
	monthly := f.int("monthly-meeting-limit", 0, "throttle (429) an app's meetings per organizer per calendar month past this many; 0 is off (Graph: 2000)")
	toll := f.string("toll-number", "", "audio conferencing toll number shown in meetings (none: audioConferencing is null)")
	tollFree := f.string("toll-free-number", "", "audio conferencing toll-free number")
	dialin := f.string("dialin-url", "", "URL of the dial-in numbers page")
	tokenCache := f.int("token-cache", 16384, "verified tokens kept until they expire (each costs about the token's size); negative turns the cache off")
	maxBody := f.int("max-body-bytes", 1<<20, "largest request body accepted, after gzip decoding")
	pprofAddr := f.string("pprof", "", "serve Go's pprof profiles on this separate address (e.g. 127.0.0.1:6060); off when empty")
	drain := f.duration("shutdown-timeout", 30*time.Second, "how long SIGTERM waits for in-flight requests")
	if pos, err := f.parse(args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level: %v", errUsage, err)
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
	if st.dataDir != "" {
		unlock, err := lockDataDir(st.dataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
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
	}
	audio := graph.AudioSettings{TollNumber: *toll, TollFreeNumber: *tollFree, DialinURL: *dialin}
	svc := meetd.NewService(st, meetd.Options{PolicyTTL: *policyTTL, MonthlyMeetingLimit: *monthly})
	h := server.New(server.Config{
		Service:      svc,
		Verifier:     iss.Verifier(auth.VerifierOptions{CacheSize: *tokenCache}),
		Renderer:     graph.NewRenderer(graph.RendererOptions{BaseURL: base, Audio: audio}),
		BaseURL:      base,
		Audio:        audio,
		JWKS:         iss.JWKS(),
		Discovery:    iss.Discovery(base, "common"),
		Ready:        st.Ping,
		Logger:       log,
		MaxBodyBytes: int64(*maxBody),
	})
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if *pprofAddr != "" {
		stopProfiles, err := servePprof(*pprofAddr, log)
		if err != nil {
			return err
		}
		defer stopProfiles()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("meetd listening", "addr", ln.Addr().String(), "base-url", base, "store", st.kind)
	fmt.Fprintf(stdout, "meetd listening on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests", "timeout", *drain)
	sctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown", "err", err)
	}
	closed = true
	if err := st.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	log.Info("stopped")
	return nil
}

// lockDataDir takes an exclusive lock on the data folder: the SQLite store
// caches meetings in memory, so two servers on one folder would serve stale
// answers. The CLI does not take it; it only touches policies.
func lockDataDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, "serve.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("data folder %s is in use by another meetd serve (%v)", dir, err)
	}
	return func() { f.Close() }, nil
}
