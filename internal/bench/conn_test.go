package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// conn reads every framing Go's server uses, and survives the server
// closing connections, as net/http's client would.
func TestConnFraming(t *testing.T) {
	const long = 3000
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		status  int
		body    string
	}{
		{"content length", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			io.WriteString(w, `{"id":"a"}`)
		}, 201, `{"id":"a"}`},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			for range long / 100 {
				io.WriteString(w, strings.Repeat("x", 100))
				w.(http.Flusher).Flush()
			}
		}, 200, strings.Repeat("x", long)},
		{"no body", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, 204, ""},
		{"interim answers first", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(201)
			io.WriteString(w, `{"id":"b"}`)
		}, 201, `{"id":"b"}`},
		{"connection close", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			w.WriteHeader(400)
			io.WriteString(w, "bad")
		}, 400, "bad"},
		{"echo", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer t" {
				w.WriteHeader(400)
			}
			io.Copy(w, r.Body)
		}, 200, `{"externalId":"x"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			hs := httptest.NewServer(c.handler)
			defer hs.Close()
			s, err := newSenders(&Config{URL: hs.URL, Path: "/p", Token: "t", Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			snd := s.new()
			defer snd.stop()
			var buf bytes.Buffer
			for i := range 3 { // the same connection again, or a new one
				a := snd.send(t.Context(), []byte(`{"externalId":"x"}`), &buf)
				if a.err != nil || a.status != c.status || string(a.body) != c.body {
					t.Fatalf("request %d: got %d %.40q %v, want %d %.40q", i, a.status, a.body, a.err, c.status, c.body)
				}
			}
		})
	}
}

// A connection the server dropped while idle is redialled, not failed.
func TestConnRedialsStale(t *testing.T) {
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) }))
	hs.Config.IdleTimeout = 20 * time.Millisecond
	hs.Start()
	defer hs.Close()
	s, err := newSenders(&Config{URL: hs.URL, Path: "/", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	snd := s.new()
	defer snd.stop()
	var buf bytes.Buffer
	for i := range 3 {
		if a := snd.send(t.Context(), []byte("{}"), &buf); a.err != nil || a.status != 201 {
			t.Fatalf("request %d: got %d %v, want 201", i, a.status, a.err)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// A server that answers nonsense is an error, not a hang or a success.
func TestConnRejectsGarbage(t *testing.T) {
	for _, netHTTP := range []bool{false, true} {
		if a := rawAnswer(t, netHTTP, "SMTP ready\r\n\r\n"); a.err == nil {
			t.Fatalf("net/http %t: got %d with no error, want a protocol error", netHTTP, a.status)
		}
	}
}

// rawAnswer sends one request to a server that writes raw and hangs up,
// and returns what the sender (net/http's or the tool's own) made of it.
func rawAnswer(t *testing.T, netHTTP bool, raw string) answer {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, brw, _ := w.(http.Hijacker).Hijack()
		brw.WriteString(raw)
		brw.Flush()
		c.Close()
	}))
	defer hs.Close()
	s, _ := newSenders(&Config{URL: hs.URL, Path: "/", Timeout: 5 * time.Second, NetHTTP: netHTTP})
	snd := s.new()
	defer snd.stop()
	defer s.close()
	var buf bytes.Buffer
	return snd.send(t.Context(), []byte("{}"), &buf)
}

// A request that timed out is a failure of its own, counted once: not sent
// again as if its connection had gone stale. Both senders keep to Timeout.
func TestConnDoesNotResendATimeout(t *testing.T) {
	for _, netHTTP := range []bool{false, true} {
		t.Run(fmt.Sprint("net/http ", netHTTP), func(t *testing.T) {
			var requests atomic.Int64
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) == 2 {
					time.Sleep(300 * time.Millisecond)
				}
				w.WriteHeader(201)
			}))
			defer hs.Close()
			s, _ := newSenders(&Config{URL: hs.URL, Path: "/", Timeout: 100 * time.Millisecond, NetHTTP: netHTTP})
			snd := s.new()
			defer snd.stop()
			defer s.close()
			var buf bytes.Buffer
			if a := snd.send(t.Context(), []byte("{}"), &buf); a.err != nil || a.status != 201 {
				t.Fatalf("first request: got %d %v, want 201", a.status, a.err)
			}
			if a := snd.send(t.Context(), []byte("{}"), &buf); a.err == nil {
				t.Fatalf("second request: got %d, want a timeout", a.status)
			}
			time.Sleep(400 * time.Millisecond) // let a resend, if any, reach the server
			if n := requests.Load(); n != 2 {
				t.Fatalf("the server got %d requests, want 2: the timed-out one was sent again", n)
			}
		})
	}
}

// An answer cut short is a failed request with no status: it must not be
// counted under the status code it began with.
func TestConnAnswerCutShort(t *testing.T) {
	for _, netHTTP := range []bool{false, true} {
		if a := rawAnswer(t, netHTTP, "HTTP/1.1 201 Created\r\nContent-Length: 50\r\n\r\n{\"id\":\"cut"); a.err == nil || a.status != 0 {
			t.Fatalf("net/http %t: got %d, %v; want status 0 and an error", netHTTP, a.status, a.err)
		}
	}
}

// An answer begun and then cut off is the request's own failure even when
// all that came was an interim 103: the server had the request, so it is
// not sent again.
func TestConnDoesNotResendAnAnswerBegun(t *testing.T) {
	var requests atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 2 {
			c, brw, _ := w.(http.Hijacker).Hijack()
			brw.WriteString("HTTP/1.1 103 Early Hints\r\n\r\n")
			brw.Flush()
			c.Close()
			return
		}
		w.WriteHeader(201)
	}))
	defer hs.Close()
	s, _ := newSenders(&Config{URL: hs.URL, Path: "/", Timeout: 5 * time.Second})
	snd := s.new()
	defer snd.stop()
	var buf bytes.Buffer
	if a := snd.send(t.Context(), []byte("{}"), &buf); a.err != nil || a.status != 201 {
		t.Fatalf("first request: got %d %v, want 201", a.status, a.err)
	}
	if a := snd.send(t.Context(), []byte("{}"), &buf); a.err == nil {
		t.Fatalf("second request: got %d, want an error", a.status)
	}
	if n := requests.Load(); n != 2 {
		t.Fatalf("the server got %d requests, want 2: the one it began to answer was sent again", n)
	}
}

// A connection the server reset while idle (a close with SO_LINGER 0, as
// a proxy dropping idle connections does) is redialled too, not failed.
func TestConnRedialsReset(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int64
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			first := conns.Add(1) == 1
			go func() {
				defer nc.Close()
				br := bufio.NewReader(nc)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					io.WriteString(nc, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
					if first {
						time.Sleep(20 * time.Millisecond) // the answer read, the connection idle
						nc.(*net.TCPConn).SetLinger(0)
						return
					}
				}
			}()
		}
	}()
	s, _ := newSenders(&Config{URL: "http://" + ln.Addr().String(), Path: "/", Timeout: 5 * time.Second})
	snd := s.new()
	defer snd.stop()
	var buf bytes.Buffer
	for i := range 2 {
		if a := snd.send(t.Context(), []byte("{}"), &buf); a.err != nil || a.status != 201 {
			t.Fatalf("request %d: got %d %v, want 201", i, a.status, a.err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("got %d connections, want 2: the reset one, then a new one", n)
	}
}

// Only a reused connection may have gone stale: a request on a new one
// that the server hangs up on without answering is a failure, sent once.
func TestConnDoesNotResendOnANewConnection(t *testing.T) {
	var requests atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		panic(http.ErrAbortHandler)
	}))
	defer hs.Close()
	s, _ := newSenders(&Config{URL: hs.URL, Path: "/", Timeout: 5 * time.Second})
	snd := s.new()
	defer snd.stop()
	var buf bytes.Buffer
	if a := snd.send(t.Context(), []byte("{}"), &buf); a.err == nil {
		t.Fatalf("got %d, want an error", a.status)
	}
	if n := requests.Load(); n != 1 {
		t.Fatalf("the server got %d requests, want 1: a request on a new connection was sent again", n)
	}
}
