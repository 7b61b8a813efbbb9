package server_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/graph"
	"github.com/meetd/meetd/internal/server"
)

// The hot path of createOrGet through the real handler, the real SQLite
// store (synchronous=FULL, group commit) and a real verified token, with
// 64 requests in flight as `meetd bench` runs it. Two ways in:
//
//	handler: ServeHTTP called directly: the server's own cost, nothing else
//	http:    over loopback with a keep-alive client: the whole stack, client
//	         included, as a load test on this machine sees it
//
//	go test ./internal/server -run '^$' -bench CreateOrGet -benchmem
//
// docs/performance.md records the figures and profiles.

const benchConcurrency = 64

// benchBody is ../shared/bench/limit/request.json with its externalId cut out.
const (
	benchBodyBefore = `{"startDateTime":"2020-02-06T01:49:21.3524945+00:00","endDateTime":"2020-02-06T02:19:21.3524945+00:00","subject":"Create a meeting with customId provided","externalId":"`
	benchBodyAfter  = `","participants":{"attendees":[{"identity":{"user":{"id":"1f35f2e6-9cab-44ad-8d5a-b74c14720000"}},"upn":"test1@contoso.com"}]}}`
	benchPath       = "/v1.0/me/onlineMeetings/createOrGet"
)

func benchBody(key string) []byte {
	return []byte(benchBodyBefore + key + benchBodyAfter)
}

// BenchmarkCreateOrGetHit measures createOrGet of an existing externalId,
// one of 1,000 made before the clock starts.
func BenchmarkCreateOrGetHit(b *testing.B) {
	const keys = 1000
	parent := b
	for _, via := range []string{"handler", "http"} {
		// Set up once, on the parent (b.Run runs again for each b.N it
		// tries), so that profiles show the hits and not the set-up.
		var once sync.Once
		var send func([]byte) int
		b.Run(via, func(b *testing.B) {
			once.Do(func() {
				send = benchSender(parent, via)
				for i := range keys {
					if st := send(benchBody("hit-" + strconv.Itoa(i))); st != http.StatusCreated {
						b.Fatalf("creating key %d: got %d, want 201", i, st)
					}
				}
			})
			benchParallel(b, func(rng *rand.Rand) {
				if st := send(benchBody("hit-" + strconv.Itoa(rng.IntN(keys)))); st != http.StatusOK {
					b.Errorf("hit: got %d, want 200", st)
				}
			})
		})
	}
}

// BenchmarkCreateOrGetCreate measures createOrGet of a new externalId: each
// 201 comes after the group commit that made it durable.
func BenchmarkCreateOrGetCreate(b *testing.B) {
	parent := b
	for _, via := range []string{"handler", "http"} {
		var once sync.Once
		var send func([]byte) int
		var next atomic.Int64 // across b.N's tries: every key is new
		b.Run(via, func(b *testing.B) {
			once.Do(func() { send = benchSender(parent, via) })
			benchParallel(b, func(*rand.Rand) {
				if st := send(benchBody("new-" + strconv.FormatInt(next.Add(1), 10))); st != http.StatusCreated {
					b.Errorf("create: got %d, want 201", st)
				}
			})
		})
	}
}

// benchParallel runs f from benchConcurrency goroutines and reports the
// rate, the figure the load tool reports too.
func benchParallel(b *testing.B, f func(*rand.Rand)) {
	b.SetParallelism(max(1, benchConcurrency/runtime.GOMAXPROCS(0)))
	var seed atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(seed.Add(1), uint64(time.Now().UnixNano())))
		for pb.Next() {
			f(rng)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// benchSender returns a function that posts a createOrGet body with a
// delegated token and returns the status, through the handler or over
// loopback.
func benchSender(b *testing.B, via string) func(body []byte) int {
	e := newEnv(b)
	token := e.user(tenantA, alice)
	// The headers' values are made once: the handler figures should not
	// carry the harness's allocations (the token alone is ~1 KB).
	ct, authz := []string{"application/json"}, []string{"Bearer " + token}
	if via == "http" {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchConcurrency, DisableCompression: true}}
		b.Cleanup(client.CloseIdleConnections)
		url := e.url + benchPath
		return func(body []byte) int {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header = http.Header{"Content-Type": ct, "Authorization": authz}
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return 0
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode
		}
	}
	// The handler as serve builds it, on the env's store and service.
	h := server.New(server.Config{
		Service:   e.svc,
		Verifier:  e.iss.Verifier(auth.VerifierOptions{}),
		Renderer:  graph.NewRenderer(graph.RendererOptions{BaseURL: e.url}),
		BaseURL:   e.url,
		JWKS:      e.iss.JWKS(),
		Discovery: e.iss.Discovery(e.url, "common"),
		Ready:     e.store.Ping,
	})
	tmpl, _ := http.NewRequest(http.MethodPost, e.url+benchPath, nil)
	return func(body []byte) int {
		req := *tmpl // the server parses each request's URL; this harness once
		req.Header = http.Header{"Content-Type": ct, "Authorization": authz}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		var w sink
		h.ServeHTTP(&w, &req)
		return w.status
	}
}

// sink is a ResponseWriter that keeps only the status, so the handler
// benchmarks measure the handler and not a recorder.
type sink struct {
	header http.Header
	status int
}

func (s *sink) Header() http.Header {
	if s.header == nil {
		s.header = http.Header{}
	}
	return s.header
}

func (s *sink) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}

func (s *sink) Write(p []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return len(p), nil
}
