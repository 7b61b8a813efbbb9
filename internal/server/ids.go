package server

import (
	"net/http"

	"github.com/google/uuid"
)

// requestIDs are a request's Graph ids: request-id is ours, client-request-id
// echoes the client's or equals request-id. Both go out as headers on every
// response, and writeError reads them back for innerError.
type requestIDs struct{ request, client string }

// Pre-split header values so the hot path does not canonicalise or allocate.
var (
	hdrODataVersion = []string{"4.0"}
)

func newRequestIDs(w http.ResponseWriter, r *http.Request) requestIDs {
	id := newGUID()
	client := r.Header.Get("Client-Request-Id") // canonical: no re-canonicalising per request
	if client == "" || len(client) > 128 {
		client = id
	}
	h := w.Header()
	h[hdrRequestID] = []string{id}
	h[hdrClientRequestID] = []string{client}
	h["OData-Version"] = hdrODataVersion
	return requestIDs{request: id, client: client}
}

// newGUID returns a random (version 4) GUID in its usual text form.
func newGUID() string { return uuid.NewString() }

// Graph spells its id headers in lower case, so they are set in the header
// map directly (Header.Set would canonicalise them to Request-Id) and must be
// read back the same way, through rawHeader; never with Header.Get.
const (
	hdrRequestID       = "request-id"
	hdrClientRequestID = "client-request-id"
)

// rawHeader returns the first value stored under exactly key.
func rawHeader(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
