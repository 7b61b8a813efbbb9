package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/meetd/meetd"
)

// JSON batching, Graph's POST /{version}/$batch: up to 20 requests in one
// body, each answered as if it had been sent alone with the batch's
// Authorization header, and all answers in one body. The Graph SDKs offer
// it (the Go SDK's BatchRequest, the JavaScript BatchRequestContent); an app
// that makes a course's twenty meetings at once sends them this way.
//
// A request may name others it depends on (dependsOn): it runs after them,
// and fails with 424 if one of them did not succeed. The others run at
// once, as Graph runs them in any order; a batch's creates then share one
// group commit instead of waiting for each other's.

// inBatchKey marks the context of a request that runs inside a batch.
type inBatchKey struct{}

var errNestedBatch = meetd.Errorf(meetd.EINVALID, "A batch cannot contain a batch.")

// maxBatchRequests is Graph's limit on the requests of one batch.
const maxBatchRequests = 20

// maxBatchAnswerBytes bounds the bytes a batch's answers keep together
// until the batch is answered. Each request's answer is held in memory
// until all are done, so without it twenty reads of one large meeting (its
// attendees' names escaped six-fold) would hold 20× that answer, and more
// once encoded, from a request of a few kilobytes. A request whose answer
// does not fit gets a 413 and can be sent alone.
const maxBatchAnswerBytes = 8 << 20

// batchRequest is one request of a batch, as Graph's JSON spells it.
type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

// batchResponse is the answer to one request of a batch.
type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// batch answers POST /{version}/$batch. The caller's token has been
// verified once for the whole batch; each request is checked again as it
// runs, as it would be alone.
func (s *Server) batch(w http.ResponseWriter, r *http.Request, _ *meetd.Caller) {
	if r.Context().Value(inBatchKey{}) != nil {
		// However its url spelled it (%24batch, a fragment, …): a batch in
		// a batch would multiply the work one request can ask for.
		s.writeError(w, r, errNestedBatch)
		return
	}
	body, release, err := s.readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	reqs, index, err := parseBatch(body)
	release()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	out, err := json.Marshal(struct {
		Responses []batchResponse `json:"responses"`
	}{s.runBatch(r, version, reqs, index)})
	if err != nil {
		s.writeError(w, r, &meetd.Error{Code: meetd.EINTERNAL, Message: "encode batch answers", Err: err})
		return
	}
	writeJSON(w, http.StatusOK, out, nil)
}

// parseBatch reads a batch body and checks what Graph requires of it: 1 to
// 20 requests, each with a unique id (ids are not case-sensitive), a method
// and a url, depending only on requests of the batch, with no cycle.
func parseBatch(body []byte) ([]batchRequest, batchIndex, error) {
	var b struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: %s", jsonReason(err))
	}
	switch n := len(b.Requests); {
	case n == 0:
		return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: the batch has no requests.")
	case n > maxBatchRequests:
		return nil, nil, meetd.Errorf(meetd.EINVALID, "The batch has %d requests; the limit is %d.", n, maxBatchRequests)
	}
	index := make(batchIndex, len(b.Requests))
	for i, q := range b.Requests {
		switch _, dup := index.find(q.ID); {
		case q.ID == "":
			return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: every request needs an id.")
		case dup:
			return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: the id '%s' names more than one request.", q.ID)
		case q.Method == "" || q.URL == "":
			return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: request '%s' needs a method and a url.", q.ID)
		}
		if h, ok := twiceNamed(q.Headers); ok {
			// Which of the two would apply is a coin toss in a JSON object.
			return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: request '%s' names the header '%s' twice.", q.ID, h)
		}
		index[strings.ToLower(q.ID)] = i
	}
	for _, q := range b.Requests {
		for _, d := range q.DependsOn {
			if _, ok := index.find(d); !ok {
				return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: request '%s' depends on '%s', which is not in the batch.", q.ID, d)
			}
		}
	}
	if id, ok := dependencyCycle(b.Requests, index); ok {
		return nil, nil, meetd.Errorf(meetd.EINVALID, "Invalid batch payload format: request '%s' depends on itself through dependsOn.", id)
	}
	return b.Requests, index, nil
}

// batchIndex maps a request's id, lower-cased (Graph's batch ids are not
// case-sensitive), to its place in the batch.
type batchIndex map[string]int

// find returns the place of the request with the given id.
func (x batchIndex) find(id string) (int, bool) {
	i, ok := x[strings.ToLower(id)]
	return i, ok
}

// twiceNamed returns a header that headers name twice, in two spellings
// (HTTP header names have no case).
func twiceNamed(headers map[string]string) (string, bool) {
	seen := make(map[string]bool, len(headers))
	for k := range headers {
		c := http.CanonicalHeaderKey(k)
		if seen[c] {
			return c, true
		}
		seen[c] = true
	}
	return "", false
}

// jsonReason is encoding/json's reason without its Go type names.
func jsonReason(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return "'" + te.Field + "' has the wrong type."
	}
	return err.Error() + "."
}

// dependencyCycle returns a request that depends on itself, if any: such a
// batch would wait forever.
func dependencyCycle(reqs []batchRequest, index batchIndex) (string, bool) {
	const (
		unvisited = iota
		visiting
		visited
	)
	state := make([]int, len(reqs))
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case visiting:
			return true
		case visited:
			return false
		}
		state[i] = visiting
		for _, d := range reqs[i].DependsOn {
			if j, _ := index.find(d); visit(j) {
				return true
			}
		}
		state[i] = visited
		return false
	}
	for i := range reqs {
		if visit(i) {
			return reqs[i].ID, true
		}
	}
	return "", false
}

// runBatch runs every request of the batch, each once its dependencies are
// answered, and returns the answers in the requests' order.
func (s *Server) runBatch(outer *http.Request, version string, reqs []batchRequest, index batchIndex) []batchResponse {
	done := make([]chan struct{}, len(reqs))
	for i := range reqs {
		done[i] = make(chan struct{})
	}
	out := make([]batchResponse, len(reqs))
	budget := new(atomic.Int64) // bytes the batch's answers keep
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Go(func() {
			defer close(done[i])
			q := &reqs[i]
			for _, d := range q.DependsOn {
				j, _ := index.find(d)
				<-done[j]
				if st := out[j].Status; st < 200 || st > 299 {
					out[i] = s.batchError(outer, q.ID, meetd.Errorf(meetd.EDEPENDENCY, "Request '%s', which this request depends on, failed with %d.", d, st))
					return
				}
			}
			out[i] = s.runBatched(outer, version, q, budget)
		})
	}
	wg.Wait()
	return out
}

// runBatched answers one request of a batch through the server itself, so
// that it gets every check and every answer it would get alone.
func (s *Server) runBatched(outer *http.Request, version string, q *batchRequest, budget *atomic.Int64) batchResponse {
	r, err := batchedRequest(outer, version, q)
	if err != nil {
		return s.batchError(outer, q.ID, err)
	}
	// Only a read's answer is dropped past the budget: it can be asked for
	// again. A write's has happened and is bounded by the batch's own body
	// (its strings, escaped, at most six-fold), so it is counted but kept.
	rec := &batchRecorder{h: http.Header{}, budget: budget, mayDrop: r.Method == http.MethodGet || r.Method == http.MethodHead}
	s.ServeHTTP(rec, r)
	if rec.over {
		return s.batchError(outer, q.ID, meetd.Errorf(meetd.ETOOLARGE,
			"The answers of the batch are larger than the limit of %d bytes; send request '%s' alone.", maxBatchAnswerBytes, q.ID))
	}
	if r.Method == http.MethodHead {
		rec.body.Reset() // as net/http drops it when the request comes alone
	}
	return rec.response(q.ID)
}

// batchedRequest builds the HTTP request that q describes.
func batchedRequest(outer *http.Request, version string, q *batchRequest) (*http.Request, error) {
	rel, err := batchedURL(q.URL, version)
	if err != nil {
		return nil, err
	}
	target := "/" + version + "/" + strings.TrimPrefix(rel, "/")
	if p, _, _ := strings.Cut(target, "?"); strings.EqualFold(canonicalPath(p), "/"+version+"/$batch") {
		return nil, errNestedBatch
	}
	body, err := batchedBody(q)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(context.WithValue(outer.Context(), inBatchKey{}, true), strings.ToUpper(q.Method), target, bytes.NewReader(body))
	if err != nil {
		return nil, meetd.Errorf(meetd.EINVALID, "Request '%s' of the batch is not a valid request: its method or url.", q.ID)
	}
	r.Host, r.RemoteAddr, r.RequestURI = outer.Host, outer.RemoteAddr, target
	for k, v := range q.Headers {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Content-Length", "Content-Encoding", "Transfer-Encoding", "Host", "Origin":
			// The batch's own token, and a body that is the one given.
		default:
			r.Header.Set(k, v)
		}
	}
	if a := outer.Header["Authorization"]; len(a) > 0 {
		r.Header["Authorization"] = a
	}
	return r, nil
}

// batchedURL is a request's url relative to the service root. Graph's
// batches carry relative urls; an absolute one under the batch's version
// is taken by its path, whatever its host: the Go SDK sends its builders'
// first base URL, https://graph.microsoft.com/v1.0/…, when an app points
// the client at another one after making it, as meetd's README does.
func batchedURL(u, version string) (string, error) {
	// Only the path says whether the url is absolute: a query may hold a
	// url of its own, as $filter=JoinWebUrl eq 'https://…' does.
	if p, _, _ := strings.Cut(u, "?"); !strings.Contains(p, "://") && !strings.HasPrefix(p, "//") {
		return u, nil
	}
	parsed, err := url.Parse(u)
	if err == nil {
		if rest, ok := strings.CutPrefix(parsed.EscapedPath(), "/"+version+"/"); ok && parsed.Scheme != "" {
			if parsed.RawQuery != "" {
				rest += "?" + parsed.RawQuery
			}
			return rest, nil
		}
	}
	return "", meetd.Errorf(meetd.EINVALID, "The url '%s' must be relative to the service root, such as /me/onlineMeetings.", u)
}

// batchedBody is a request's body: JSON as given, or the bytes of a base64
// string when its Content-Type is not JSON, as Graph's batches carry them.
func batchedBody(q *batchRequest) ([]byte, error) {
	b := bytes.TrimSpace(q.Body)
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	var ct string
	for k, v := range q.Headers {
		if strings.EqualFold(k, "Content-Type") {
			ct = v
		}
	}
	if b[0] == '"' && ct != "" && !isJSON(ct) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, meetd.Errorf(meetd.EINVALID, "The body of request '%s' is not a valid string.", q.ID)
		}
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, meetd.Errorf(meetd.EINVALID, "The body of request '%s' is not base64.", q.ID)
		}
		return raw, nil
	}
	return b, nil
}

// batchError is the answer to a request of the batch that failed before it
// ran: Graph's error envelope with ids of its own.
func (s *Server) batchError(outer *http.Request, id string, err error) batchResponse {
	rec := &batchRecorder{h: http.Header{}}
	newRequestIDs(rec, outer)
	s.writeError(rec, outer, err)
	return rec.response(id)
}
