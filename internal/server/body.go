package server

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/meetd/meetd"
)

// bodyPool recycles request-body buffers across requests.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody returns the request body, gunzipped when Content-Encoding says so
// (the Graph SDKs gzip their bodies), capped at MaxBodyBytes after decoding.
// The caller must call release when done with the bytes.
func (s *Server) readBody(r *http.Request) (body []byte, release func(), err error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return nil, func() {}, meetd.Errorf(meetd.EINVALID, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	var src io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(http.MaxBytesReader(nil, r.Body, s.cfg.MaxBodyBytes))
		if err != nil {
			return nil, func() {}, meetd.Errorf(meetd.EINVALID, "The request body is not valid gzip.")
		}
		defer zr.Close()
		src = zr
	default:
		return nil, func() {}, meetd.Errorf(meetd.EINVALID, "Content-Encoding '%s' is not supported; use gzip or none.", enc)
	}
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	release = func() {
		if buf.Cap() <= 64<<10 {
			bodyPool.Put(buf)
		}
	}
	n, err := buf.ReadFrom(io.LimitReader(src, s.cfg.MaxBodyBytes+1))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr) || n > s.cfg.MaxBodyBytes:
		release()
		return nil, func() {}, meetd.Errorf(meetd.ETOOLARGE, "The request body is larger than the limit of %d bytes.", s.cfg.MaxBodyBytes)
	case err != nil:
		release()
		return nil, func() {}, meetd.Errorf(meetd.EINVALID, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	return buf.Bytes(), release, nil
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
