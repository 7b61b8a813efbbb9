package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
)

// batchRecorder keeps what a handler answers to a request of a batch.
type batchRecorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
	// budget, when set, counts the bytes every answer of the batch keeps;
	// over is set, and the body dropped, once this one, a read (mayDrop),
	// would pass maxBatchAnswerBytes.
	budget  *atomic.Int64
	mayDrop bool
	over    bool
}

func (b *batchRecorder) Header() http.Header { return b.h }

func (b *batchRecorder) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *batchRecorder) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	if b.budget != nil {
		if b.over {
			return len(p), nil
		}
		if b.budget.Add(int64(len(p))) > maxBatchAnswerBytes && b.mayDrop {
			b.budget.Add(-int64(b.body.Len() + len(p)))
			b.over = true
			b.body = bytes.Buffer{}
			return len(p), nil
		}
	}
	return b.body.Write(p)
}

// response is the recorded answer as the batch's JSON carries it: headers
// one value each, a JSON body as it is and any other as base64.
func (b *batchRecorder) response(id string) batchResponse {
	res := batchResponse{ID: id, Status: b.status, Headers: make(map[string]string, len(b.h))}
	for k, v := range b.h {
		if k != "Content-Length" {
			res.Headers[k] = strings.Join(v, ", ")
		}
	}
	switch body := b.body.Bytes(); {
	case len(body) == 0:
	case isJSON(b.h.Get("Content-Type")) && json.Valid(body):
		res.Body = json.RawMessage(body)
	default:
		res.Body, _ = json.Marshal(base64.StdEncoding.EncodeToString(body))
	}
	return res
}
