package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sender sends one request body and reads the answer into buf. Each worker
// has its own; stop may be called from another goroutine to end a run.
type sender interface {
	send(ctx context.Context, body []byte, buf *bytes.Buffer) answer
	stop()
}

// rawSender sends over one conn of its own.
type rawSender struct {
	head []byte // request line and headers, up to Content-Length
	c    conn
}

func (s *rawSender) send(_ context.Context, body []byte, buf *bytes.Buffer) answer {
	status, err := s.c.do(s.head, body, buf)
	if err != nil {
		// No status: an answer cut short is a failed request, and must
		// not show under its status code too.
		return answer{err: err}
	}
	return answer{status: status, body: buf.Bytes()}
}

func (s *rawSender) stop() { s.c.stop() }

// httpSender sends with net/http's client.
type httpSender struct {
	client *http.Client
	req    *http.Request // a template: URL parsed once
	header http.Header
}

func (s *httpSender) send(ctx context.Context, body []byte, buf *bytes.Buffer) answer {
	// A copy of the body each time: the transport may still hold the
	// previous one for a moment after the answer arrived.
	body = bytes.Clone(body)
	req := s.req.WithContext(ctx)
	req.Body = readCloser{bytes.NewReader(body)}
	req.ContentLength = int64(len(body))
	req.Header = s.header.Clone()
	res, err := s.client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	buf.Reset()
	_, err = buf.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return answer{err: err} // as rawSender: no status for an answer cut short
	}
	return answer{status: res.StatusCode, body: buf.Bytes()}
}

func (s *httpSender) stop() {} // requests carry the run's context

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// senders makes the senders of one run.
type senders struct {
	netHTTP bool
	addr    string
	head    []byte
	timeout time.Duration
	client  *http.Client
	req     *http.Request
	header  http.Header
}

func newSenders(cfg *Config) (*senders, error) {
	full := strings.TrimSuffix(cfg.URL, "/") + cfg.Path
	u, err := url.Parse(full)
	if err != nil {
		return nil, fmt.Errorf("bench: URL: %w", err)
	}
	s := &senders{netHTTP: cfg.NetHTTP || u.Scheme == "https", timeout: cfg.Timeout}
	header := http.Header{"Content-Type": {"application/json"}}
	if cfg.Token != "" {
		header["Authorization"] = []string{"Bearer " + cfg.Token}
	}
	if s.netHTTP {
		s.client = newClient(cfg.Concurrency, cfg.Timeout)
		s.req, err = http.NewRequest(http.MethodPost, full, nil)
		s.header = header
		return s, err
	}
	s.addr = u.Host
	if u.Port() == "" {
		s.addr += ":80"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\n", u.RequestURI(), u.Host)
	if err := header.Write(&b); err != nil {
		return nil, err
	}
	s.head = b.Bytes()
	return s, nil
}

func (s *senders) new() sender {
	if s.netHTTP {
		return &httpSender{client: s.client, req: s.req, header: s.header}
	}
	return &rawSender{head: s.head, c: conn{addr: s.addr, timeout: s.timeout}}
}

// close ends what the senders share.
func (s *senders) close() {
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
}

// newClient returns a client whose one transport keeps a connection per
// worker alive: without enough idle slots, connections would be closed and
// reopened under load and the run would measure TCP set-up.
func newClient(concurrency int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		},
	}
}
