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
	// Graph spells these in lower case; set the map directly to keep it so.
	h["request-id"] = []string{id}
	h["client-request-id"] = []string{client}
	h["OData-Version"] = hdrODataVersion
	return requestIDs{request: id, client: client}
}

// newGUID returns a random (version 4) GUID in its usual text form.
func newGUID() string { return uuid.NewString() }
