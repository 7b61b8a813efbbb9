package server

import (
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/meetd/meetd"
)

// bodyPool recycles request-body buffers across requests; it holds
// *bodyBuf, and Get returns nil when it has none.
var bodyPool sync.Pool

// bodyBuf is a pooled body buffer with its release function made once, so
// that handing the body out allocates nothing per request.
type bodyBuf struct {
	b       []byte
	release func()
}

func newBodyBuf(pool *sync.Pool) *bodyBuf {
	bb := &bodyBuf{b: make([]byte, 0, 4096)}
	bb.release = func() {
		if cap(bb.b) <= 64<<10 {
			pool.Put(bb)
		}
	}
	return bb
}

func noRelease() {}

// readBody returns the request body, gunzipped when Content-Encoding says so
// (the Graph SDKs gzip their bodies), capped at MaxBodyBytes after decoding.
// The caller must call release when done with the bytes.
func (s *Server) readBody(r *http.Request) (body []byte, release func(), err error) {
	// net/http canonicalises request header keys: read the map directly.
	if ct := first(r.Header["Content-Type"]); ct != "" && !isJSON(ct) {
		return nil, noRelease, errUnreadable()
	}
	src, length := io.Reader(r.Body), r.ContentLength
	switch enc := strings.ToLower(strings.TrimSpace(first(r.Header["Content-Encoding"]))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(http.MaxBytesReader(nil, r.Body, s.cfg.MaxBodyBytes))
		if err != nil {
			return nil, noRelease, meetd.Errorf(meetd.EINVALID, "The request body is not valid gzip.")
		}
		defer zr.Close()
		src, length = zr, -1 // its length is known only once decoded
	default:
		return nil, noRelease, meetd.Errorf(meetd.EINVALID, "Content-Encoding '%s' is not supported; use gzip or none.", enc)
	}
	if length > s.cfg.MaxBodyBytes {
		return nil, noRelease, s.tooLarge()
	}
	bb, _ := bodyPool.Get().(*bodyBuf)
	if bb == nil {
		bb = newBodyBuf(&bodyPool)
	}
	if length >= 0 && length <= maxEagerBody {
		// The usual case, a Content-Length: read exactly that much.
		bb.b = slices.Grow(bb.b[:0], int(length))[:length]
		if _, err := io.ReadFull(src, bb.b); err != nil {
			bb.release()
			return nil, noRelease, errUnreadable()
		}
		closeRead(r)
		return bb.b, bb.release, nil
	}
	if length > maxEagerBody {
		// A large one is read as it arrives, not into a buffer of the size
		// it claims: many clients claiming 1 MiB and sending nothing would
		// otherwise hold that much each.
		b, err := readAll(slices.Grow(bb.b[:0], maxEagerBody), src, length)
		bb.b = b
		if err != nil || int64(len(b)) != length {
			bb.release()
			return nil, noRelease, errUnreadable()
		}
		closeRead(r)
		return b, bb.release, nil
	}
	b, err := readAll(bb.b[:0], src, s.cfg.MaxBodyBytes)
	bb.b = b
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr) || int64(len(b)) > s.cfg.MaxBodyBytes:
		bb.release()
		return nil, noRelease, s.tooLarge()
	case err != nil:
		bb.release()
		return nil, noRelease, errUnreadable()
	}
	closeRead(r)
	return b, bb.release, nil
}

// maxEagerBody is the largest Content-Length whose buffer is made before
// the body arrives; createOrGet bodies are a few hundred bytes.
const maxEagerBody = 64 << 10

// closeRead closes a body read to its end. net/http would otherwise, before
// it writes the answer's headers, try to drain the body it does not know is
// done (an io.CopyN with its allocations on every request).
func closeRead(r *http.Request) { _ = r.Body.Close() }

// errUnreadable is Graph's answer to a body it cannot read.
func errUnreadable() error {
	return meetd.Errorf(meetd.EINVALID, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
}

func (s *Server) tooLarge() error {
	return meetd.Errorf(meetd.ETOOLARGE, "The request body is larger than the limit of %d bytes.", s.cfg.MaxBodyBytes)
}

// readAll appends src to b until EOF or until it holds more than limit
// bytes (it stops at limit+1, so that the caller can tell).
func readAll(b []byte, src io.Reader, limit int64) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // room to read into, grown as append grows
		}
		end := int(min(int64(cap(b)), limit+1))
		n, err := src.Read(b[len(b):end])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil || int64(len(b)) > limit {
			return b, err
		}
	}
}

// first returns a header's first value, or "".
func first(v []string) string {
	if len(v) > 0 {
		return v[0]
	}
	return ""
}

// isJSON accepts application/json with any parameters (odata.metadata,
// charset, …) and other +json media types.
func isJSON(ct string) bool {
	if ct == "application/json" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
