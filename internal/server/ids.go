package server

import (
	"encoding/binary"
	"math/rand/v2"
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
	// Both values share one allocation, and the header map gets them as
	// they are: these run on every request.
	v := new([2]string)
	v[0] = newGUID()
	v[1] = v[0]
	// net/http canonicalises request header keys: no Header.Get needed.
	if c := r.Header["Client-Request-Id"]; len(c) > 0 && c[0] != "" && len(c[0]) <= 128 {
		v[1] = c[0]
	}
	h := w.Header()
	h[hdrRequestID] = v[0:1:1]
	h[hdrClientRequestID] = v[1:2:2]
	h["OData-Version"] = hdrODataVersion
	return requestIDs{request: v[0], client: v[1]}
}

// newGUID returns a random (version 4) GUID in its usual text form. Its
// 122 random bits come from math/rand/v2's generator (ChaCha8, seeded by
// the OS, one per thread): request ids need to be unique, not secret, and
// crypto/rand's per-call cost (google/uuid's NewString) showed in profiles
// of the hit path.
func newGUID() string {
	var u uuid.UUID
	binary.LittleEndian.PutUint64(u[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(u[8:], rand.Uint64())
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

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
