package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

var (
	hdrContentType      = []string{graph.ContentType}
	hdrErrorContentType = []string{graph.ErrorContentType}
	hdrPreferApplied    = []string{"include-unknown-enum-members"}
)

// outPool recycles response buffers: rendering appends into them.
var outPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// renderOptions reads the version, the Prefer header and $select of a request.
// The context names the path user, or the caller for /me; nil c means the
// /communications collection. Handlers read them before anything else, so
// that a bad $select refuses a write before it is made.
func renderOptions(r *http.Request, c *meetd.Caller) (graph.Options, error) {
	o := graph.Options{Version: apiVersion(r)}
	if c != nil {
		o.User = strings.ToLower(r.PathValue("userId"))
		if o.User == "" {
			o.User = c.ObjectID
		}
	}
	if prefersUnknownEnums(r) {
		o.IncludeUnknownEnums = true
	}
	if r.URL.RawQuery == "" {
		return o, nil
	}
	sel, err := queryOption(r, "select")
	if err != nil {
		return o, err
	}
	if sel != "" {
		s, err := graph.ParseSelectVersion(sel, o.Version)
		if err != nil {
			return o, err
		}
		o.Select = s
	}
	return o, nil
}

// queryOption returns the value of the system query option $name. On beta
// the $ is optional, as Graph documents ("On the beta endpoint, the $ prefix
// is optional. For example, you can use filter instead of $filter."). OData
// allows each option at most once, with or without its $; Graph answers a
// repeated one with a 400, which meetd gives too rather than read one of the
// values and drop the others.
func queryOption(r *http.Request, name string) (string, error) {
	if r.URL.RawQuery == "" {
		return "", nil
	}
	q := r.URL.Query()
	vs := q["$"+name]
	if bare, ok := q[name]; ok && apiVersion(r) == "beta" {
		vs = append(vs[:len(vs):len(vs)], bare...)
	}
	if len(vs) > 1 {
		return "", meetd.Errorf(meetd.EINVALID, "Query option '$%s' was specified more than once, but it must be specified at most once.", name)
	}
	if len(vs) == 0 {
		return "", nil
	}
	return vs[0], nil
}

// apiVersion returns "v1.0" or "beta" from the request path.
func apiVersion(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/beta/") {
		return "beta"
	}
	return "v1.0"
}

// prefersUnknownEnums reports whether a Prefer header asks for
// include-unknown-enum-members; Prefer may list several comma-separated
// preferences, in several headers.
func prefersUnknownEnums(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "include-unknown-enum-members") {
				return true
			}
		}
	}
	return false
}

// writeMeeting answers with one meeting.
func (s *Server) writeMeeting(w http.ResponseWriter, status int, m *meetd.Meeting, o graph.Options) {
	preferenceApplied(w, o)
	// Only answers about stored meetings repeat; a 201's meeting is new, and
	// caching it would churn the cache under a stream of creates.
	k, cache := s.rendered.key(m, o)
	cache = cache && status == http.StatusOK
	if cache {
		if e := s.rendered.get(k); e != nil {
			writeJSON(w, status, e.body, e.length)
			return
		}
	}
	bp := outPool.Get().(*[]byte)
	out := s.cfg.Renderer.AppendMeeting((*bp)[:0], m, o)
	*bp = out
	if cache {
		e := s.rendered.put(k, out)
		writeJSON(w, status, e.body, e.length)
	} else {
		writeJSON(w, status, out, nil)
	}
	outPool.Put(bp)
}

// writeCollection answers a $filter look-up.
func (s *Server) writeCollection(w http.ResponseWriter, ms []*meetd.Meeting, o graph.Options) {
	preferenceApplied(w, o)
	bp := outPool.Get().(*[]byte)
	out := s.cfg.Renderer.AppendCollection((*bp)[:0], ms, o)
	writeJSON(w, http.StatusOK, out, nil)
	*bp = out
	outPool.Put(bp)
}

// preferenceApplied tells the client that its Prefer header was honoured.
func preferenceApplied(w http.ResponseWriter, o graph.Options) {
	if o.IncludeUnknownEnums {
		w.Header()["Preference-Applied"] = hdrPreferApplied
	}
}

// writeJSON writes a Graph JSON answer. length is body's Content-Length
// value when the caller has it made already (a cached answer's); header
// values go into the map as they are (canonical keys, shared slices), not
// through Header.Set, which would canonicalise each key and allocate each
// slice again.
func writeJSON(w http.ResponseWriter, status int, body []byte, length []string) {
	if length == nil {
		length = []string{strconv.Itoa(len(body))}
	}
	h := w.Header()
	h["Content-Type"] = hdrContentType
	h["Content-Length"] = length
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with the Graph error envelope for err. Internal errors
// are logged with the request id; their text is never shown.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && meetd.ErrorCode(err) == meetd.EINTERNAL {
		return // the client went away; nobody reads an answer
	}
	status, _ := graph.Status(err)
	h := w.Header()
	if status >= 500 {
		s.logError(r, h, err)
	}
	if status == http.StatusUnauthorized {
		h["WWW-Authenticate"] = wwwAuthenticate
		if errors.Is(err, errNoToken) {
			h["WWW-Authenticate"] = wwwAuthenticateNoToken
		}
	}
	if secs, ok := graph.RetryAfter(err); ok {
		h["Retry-After"] = []string{strconv.Itoa(secs)}
	}
	body := graph.AppendError(nil, err, rawHeader(h, hdrRequestID), rawHeader(h, hdrClientRequestID), s.now())
	h["Content-Type"] = hdrErrorContentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// logError logs an error that failed a request, with the request's id: an
// unavailable store as a warning, anything else as an error.
func (s *Server) logError(r *http.Request, h http.Header, err error) {
	id := rawHeader(h, hdrRequestID)
	// The whole error: an internal error's message (what failed) is shown
	// only here, and its cause says why.
	args := []any{"request-id", id, "method", r.Method, "path", r.URL.Path, "err", err}
	if meetd.ErrorCode(err) == meetd.EUNAVAILABLE {
		s.log.Warn("store unavailable", args...)
		return
	}
	s.log.Error("internal error", args...)
}
