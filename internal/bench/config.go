// Package bench is meetd's load tool: it drives createOrGet requests at a
// running server with many keep-alive connections, checks every answer, and
// reports throughput and latency percentiles from a log-linear histogram.
//
// Two ways to load: closed loop (the default), where each of Concurrency
// workers sends its next request as soon as the previous one is answered
// and latency is each request's service time; and open loop (Rate > 0),
// where requests are due on a fixed schedule and latency runs from the due
// time, so a stalled server is charged for the requests it kept waiting
// (no coordinated omission).
package bench

import (
	"fmt"
	"net/url"
	"time"
)

// Workload says which createOrGet requests a run sends.
type Workload string

// The workloads.
const (
	// Create sends a new externalId every time: each answer must be a 201
	// with an id no other answer had.
	Create Workload = "create"
	// Get creates Keys meetings first (warm-up, not measured), then sends
	// their externalIds again: each answer must be a 200 with the id the
	// create returned.
	Get Workload = "get"
	// Mixed sends GetRatio of its requests as Get does and the rest as
	// Create does.
	Mixed Workload = "mixed"
)

// Config describes a run. URL, Path and Concurrency are required, and one
// of Duration or Requests.
type Config struct {
	// URL is the server's root, e.g. http://127.0.0.1:8080.
	URL string
	// Path is the createOrGet path, e.g. /v1.0/me/onlineMeetings/createOrGet.
	Path string
	// Token is the bearer token sent; none when "".
	Token string

	Workload Workload
	// GetRatio is the share of Mixed's requests that hit existing keys.
	GetRatio float64
	// Keys is how many distinct externalIds Get and Mixed hit.
	Keys int
	// KeyPrefix starts every externalId; a fresh random one when "", so a
	// run's creates are new even on a server that kept earlier runs' data.
	KeyPrefix string

	// Concurrency is how many requests are in flight at most.
	Concurrency int
	// Duration bounds the measured phase; 0 means no bound (Requests only).
	Duration time.Duration
	// Requests bounds the measured phase's requests; 0 means no bound.
	Requests int
	// Rate, when > 0, sends open loop at this many requests per second.
	Rate float64
	// Timeout bounds each request; 0 means 30 seconds.
	Timeout time.Duration
	// PreflightWait is how long the first request is retried while its
	// answer may yet change (403 before a new policy is seen, 429, 5xx, no
	// answer from a server still starting); 0 means 5 seconds.
	PreflightWait time.Duration

	// NoVerify accepts any 2xx answer without checking status or id: for
	// servers, such as the reference, that answer every request alike.
	NoVerify bool

	// Progress, when not nil, gets a line about once per ProgressEvery
	// (default 1s) while the measured phase runs.
	Progress      ProgressFunc
	ProgressEvery time.Duration

	// NetHTTP sends with net/http's client (one keep-alive transport, an
	// idle connection for every worker) instead of the tool's own HTTP/1.1
	// connections, one per worker, which cost the shared CPU less (see
	// conn). https:// URLs always use net/http.
	NetHTTP bool
}

// ProgressFunc receives a snapshot of a running measurement.
type ProgressFunc func(Progress)

// Progress is the state of the measured phase so far.
type Progress struct {
	Phase    string // "warm-up" (only Elapsed and Requests are set) or "run"
	Elapsed  time.Duration
	Requests uint64  // answered so far
	RPS      float64 // correct answers per second over the last interval
	P99      time.Duration
	Errors   uint64
}

// Check reports the first setting that makes c unusable; Run calls it, and
// a command line calls it first to refuse bad flags before any side effect
// (opening a store, minting a token, granting a policy).
func (c *Config) Check() error {
	switch {
	case c.URL == "":
		return fmt.Errorf("bench: no URL")
	case c.Concurrency < 1:
		return fmt.Errorf("bench: concurrency %d, want at least 1", c.Concurrency)
	case c.Duration <= 0 && c.Requests <= 0:
		return fmt.Errorf("bench: give a duration or a number of requests")
	case c.Duration < 0 || c.Requests < 0 || c.Rate < 0:
		return fmt.Errorf("bench: negative duration, requests or rate")
	}
	switch c.Workload {
	case Create:
	case Get, Mixed:
		if c.Keys < 1 {
			return fmt.Errorf("bench: %s needs at least one key", c.Workload)
		}
		if c.Workload == Mixed && (c.GetRatio < 0 || c.GetRatio > 1) {
			return fmt.Errorf("bench: get ratio %g, want 0 to 1", c.GetRatio)
		}
	default:
		return fmt.Errorf("bench: unknown workload %q (create, get or mixed)", c.Workload)
	}
	if u, err := url.Parse(c.URL); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("bench: URL %q: want http://HOST:PORT or https://…", c.URL)
	}
	return nil
}
