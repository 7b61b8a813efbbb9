package server

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
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
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
