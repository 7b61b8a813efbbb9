package bench

import (
	"bytes"
	"fmt"
)

// Kinds of error a run counts. A wrong answer is an error, never a success.
const (
	ErrTransport = "transport"    // no HTTP answer: refused, reset, timed out
	ErrStatus    = "status"       // an answer with the wrong status code
	ErrNoID      = "no id"        // a 201 or 200 without a top-level id
	ErrWrongID   = "wrong id"     // a hit whose id is not the one its create returned
	ErrDuplicate = "duplicate id" // a create whose id another create also returned
)

// answer is what one request got back.
type answer struct {
	status int
	body   []byte
	err    error
}

// expectation is what a request must get back to count as correct.
type expectation struct {
	status int    // 201 for a new key, 200 for a hit; 0 for any 2xx
	id     []byte // for a hit, the id its create returned
}

// check returns the kind of error a is for e, and a message showing the
// difference; "" when a is correct.
func check(a answer, e expectation) (kind, msg string) {
	if a.err != nil {
		return ErrTransport, a.err.Error()
	}
	if e.status == 0 {
		if a.status < 200 || a.status > 299 {
			return ErrStatus, fmt.Sprintf("got %d, want 2xx: %s", a.status, snippet(a.body))
		}
		return "", ""
	}
	if a.status != e.status {
		return ErrStatus, fmt.Sprintf("got %d, want %d: %s", a.status, e.status, snippet(a.body))
	}
	id, ok := topLevelID(a.body)
	if !ok {
		return ErrNoID, fmt.Sprintf("%d without an id: %s", a.status, snippet(a.body))
	}
	if e.id != nil && !bytes.Equal(id, e.id) {
		return ErrWrongID, fmt.Sprintf("got id %.40s…, want %.40s…", id, e.id)
	}
	return "", ""
}

func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// topLevelID returns the raw text of the string "id" member of the JSON
// object b, skipping nested objects (participants carry ids of their own).
// It does no more than find it: the server's JSON is tested elsewhere, and a
// load tool that decoded every answer fully would take CPU from the server
// it shares a machine with.
func topLevelID(b []byte) ([]byte, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	depth, wantKey := 0, false
	for i < len(b) {
		switch b[i] {
		case '{', '[':
			depth++
			wantKey = depth == 1
			i++
		case '}', ']':
			depth--
			i++
		case ',':
			wantKey = depth == 1
			i++
		case '"':
			end := stringEnd(b, i)
			if end < 0 {
				return nil, false
			}
			if !wantKey {
				i = end
				continue
			}
			wantKey = false
			key := b[i+1 : end-1]
			j := skipSpace(b, end)
			if j >= len(b) || b[j] != ':' {
				return nil, false
			}
			j = skipSpace(b, j+1)
			if string(key) == "id" {
				if j >= len(b) || b[j] != '"' {
					return nil, false
				}
				e := stringEnd(b, j)
				if e < 0 {
					return nil, false
				}
				return b[j+1 : e-1], true
			}
			i = j
		default:
			i++
		}
	}
	return nil, false
}

// stringEnd returns the index just past the JSON string starting at
// b[i] == '"', or -1 if it does not end.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// statusText names a status code for counts: "201", or "error" for no answer.
func statusText(code int) string {
	if code == 0 {
		return "error"
	}
	return fmt.Sprint(code)
}
