package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// conn is one keep-alive HTTP/1.1 connection that sends a request and
// reads its answer with no goroutines, channels or allocations of its own.
// It is the default client because the load tool shares the machine with
// the server it measures: net/http's client costs about 2.5 times as much
// CPU per request as wrk does, and every microsecond the tool spends is one
// the server does not get, which would flatten the ratios between servers.
type conn struct {
	addr    string
	timeout time.Duration
	nc      net.Conn
	br      *bufio.Reader
	wbuf    []byte
	line    []byte
	used    bool // has answered a request: it may have gone stale since

	mu      sync.Mutex // guards nc's changes against stop
	stopped bool
}

// errProtocol is an answer conn cannot read.
var errProtocol = errors.New("malformed HTTP answer")

func (c *conn) dial() error {
	nc, err := net.DialTimeout("tcp", c.addr, c.timeout)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		nc.Close()
		return net.ErrClosed
	}
	c.nc, c.used = nc, false
	if c.br == nil {
		c.br = bufio.NewReaderSize(nc, 16<<10)
	} else {
		c.br.Reset(nc)
	}
	return nil
}

// drop closes the connection; the next request dials a new one.
func (c *conn) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
}

// stop closes the connection for good, cutting short a request in flight.
// Unlike every other method it may be called from another goroutine.
func (c *conn) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.nc != nil {
		c.nc.Close()
	}
}

// do writes head, then Content-Length and body, and reads the answer's
// body into buf. A connection the server closed while idle is redialled
// once: createOrGet is idempotent per externalId, so resending is safe.
// Only such a closed connection is: a timeout, or an answer begun, is the
// request's own failure and is counted as one.
func (c *conn) do(head, body []byte, buf *bytes.Buffer) (status int, err error) {
	c.wbuf = append(c.wbuf[:0], head...)
	c.wbuf = strconv.AppendInt(append(c.wbuf, "Content-Length: "...), int64(len(body)), 10)
	c.wbuf = append(append(c.wbuf, "\r\n\r\n"...), body...)
	for attempt := 0; ; attempt++ {
		if c.nc == nil {
			if err := c.dial(); err != nil {
				return 0, err
			}
		}
		reused := c.used
		status, started, err := c.roundTrip(buf)
		if err == nil {
			return status, nil
		}
		c.drop()
		if !reused || started || attempt > 0 || !closedByPeer(err) {
			return status, err
		}
	}
}

// roundTrip sends c.wbuf and reads one answer. started says whether any of
// the answer arrived (after which a resend could not be told apart).
func (c *conn) roundTrip(buf *bytes.Buffer) (status int, started bool, err error) {
	if c.timeout > 0 {
		if err := c.nc.SetDeadline(time.Now().Add(c.timeout)); err != nil {
			return 0, false, err
		}
	}
	if _, err := c.nc.Write(c.wbuf); err != nil {
		return 0, false, err
	}
	status, started, err = c.readStatus()
	if err != nil {
		return status, started, err
	}
	length, chunked, closing := -1, false, false
	for {
		line, err := c.readLine()
		if err != nil {
			return status, true, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return status, true, fmt.Errorf("%w: header %q", errProtocol, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return status, true, fmt.Errorf("%w: Content-Length %q", errProtocol, value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			closing = bytes.EqualFold(value, []byte("close"))
		}
	}
	buf.Reset()
	switch {
	case status == 204 || status == 304 || status < 200: // 101: none follows here
	case chunked:
		err = c.readChunked(buf)
	case length >= 0:
		_, err = io.CopyN(buf, c.br, int64(length))
	default: // the body runs to the end of the connection
		_, err = buf.ReadFrom(c.br)
		closing = true
	}
	if err != nil {
		return status, true, err
	}
	c.used = true
	if closing {
		c.drop()
	}
	return status, true, nil
}

// readStatus reads the status line of the final answer, skipping interim
// 1xx answers (103 Early Hints, 100 Continue) and their headers: read as
// final, each would shift every later answer on the connection by one.
func (c *conn) readStatus() (status int, started bool, err error) {
	for {
		line, err := c.readLine()
		if err != nil {
			return 0, started, err
		}
		// "HTTP/1.1 201 Created"
		if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
			return 0, true, fmt.Errorf("%w: status line %q", errProtocol, line)
		}
		status, err = strconv.Atoi(string(line[9:12]))
		if err != nil {
			return 0, true, fmt.Errorf("%w: status line %q", errProtocol, line)
		}
		if status < 100 || status >= 200 || status == http.StatusSwitchingProtocols {
			return status, true, nil
		}
		started = true
		for { // the interim answer's headers, then its blank line
			if line, err = c.readLine(); err != nil {
				return 0, true, err
			}
			if len(line) == 0 {
				break
			}
		}
	}
}

// closedByPeer reports an error that says the server had closed the
// connection before the request reached it: what an idle keep-alive
// connection meets, and what a resend on a new one may cure.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (c *conn) readChunked(buf *bytes.Buffer) error {
	for {
		line, err := c.readLine()
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %q", errProtocol, line)
		}
		if n == 0 {
			for { // trailers, then the blank line
				if line, err = c.readLine(); err != nil || len(line) == 0 {
					return err
				}
			}
		}
		if _, err := io.CopyN(buf, c.br, n); err != nil {
			return err
		}
		if line, err = c.readLine(); err != nil || len(line) != 0 {
			return cmpErr(err, fmt.Errorf("%w: no CRLF after a chunk", errProtocol))
		}
	}
}

// readLine returns the next line without its CRLF; the slice is valid
// until the next read.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.line = append(c.line[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.br.ReadSlice('\n')
			c.line = append(c.line, line...)
		}
		line = c.line
	}
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
