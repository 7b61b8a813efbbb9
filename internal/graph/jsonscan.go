package graph

import (
	"bytes"
	"unicode/utf8"

	"github.com/meetd/meetd/internal/jsontext"
)

// A small JSON reader for request bodies. encoding/json would do, but its
// reflection and copies cost ~11 µs and ~80 allocations for a createOrGet
// body; this reads the same grammar (FuzzJSONValid holds it to json.Valid)
// and hands out slices of the body without copying.

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// isJSONSpace reports JSON's insignificant whitespace.
func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// validJSON reports whether b is exactly one JSON value, with optional
// whitespace around it.
func validJSON(b []byte) bool {
	i := skipSpace(b, 0)
	end, ok := skipValue(b, i, 0)
	return ok && skipSpace(b, end) == len(b)
}

// skipValue returns the index just past the JSON value at b[i:], checking
// its syntax.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return i, false
		}
		return skipContainer(b, i, depth+1)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || '0' <= c && c <= '9':
		return jsontext.SkipNumber(b, i)
	}
	return i, false
}

func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// skipString skips a string starting at the quote b[i].
func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := jsontext.Hex4(b[i+1:]); !ok {
					return i, false
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

// skipContainer skips an object or array starting at b[i].
func skipContainer(b []byte, i, depth int) (int, bool) {
	closer := byte(']')
	if b[i] == '{' {
		closer = '}'
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1, true
	}
	for {
		var ok bool
		if closer == '}' {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			if i, ok = skipString(b, i); !ok {
				return i, false
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = skipSpace(b, i+1)
		}
		if i, ok = skipValue(b, i, depth); !ok {
			return i, false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case closer:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// members iterates over the members of a valid JSON object.
type members struct {
	b []byte
	i int
}

func newMembers(obj []byte) members { return members{b: obj, i: 1} }

// next returns the next member's raw key (inside the quotes, still escaped)
// and raw value.
func (m *members) next() (key, val []byte, ok bool) {
	i := skipSpace(m.b, m.i)
	if i >= len(m.b) || m.b[i] != '"' {
		return nil, nil, false
	}
	end, _ := skipString(m.b, i)
	key = m.b[i+1 : end-1]
	i = skipSpace(m.b, end)
	i = skipSpace(m.b, i+1) // past the colon
	vend, _ := skipValue(m.b, i, 0)
	val = m.b[i:vend]
	i = skipSpace(m.b, vend)
	if i < len(m.b) && m.b[i] == ',' {
		i++
	}
	m.i = i
	return key, val, true
}

// elements iterates over the elements of a valid JSON array.
type elements struct {
	b []byte
	i int
}

func (e *elements) next() (val []byte, ok bool) {
	i := skipSpace(e.b, e.i)
	if i >= len(e.b) || e.b[i] == ']' {
		return nil, false
	}
	end, _ := skipValue(e.b, i, 0)
	val = e.b[i:end]
	i = skipSpace(e.b, end)
	if i < len(e.b) && e.b[i] == ',' {
		i++
	}
	e.i = i
	return val, true
}

// readObject stores in out[k] the raw value of each member of the valid
// object obj named names[k]. Names match exactly, else case-insensitively,
// as encoding/json matches them; unknown members are skipped and the last of
// duplicate keys wins.
func readObject(obj []byte, names []string, out [][]byte) {
	m := newMembers(obj)
	for {
		key, val, ok := m.next()
		if !ok {
			return
		}
		if bytes.IndexByte(key, '\\') >= 0 {
			var k string
			if !unquote(key, &k) {
				continue
			}
			key = []byte(k)
		}
		if k := fieldIndex(names, key); k >= 0 {
			out[k] = val
		}
	}
}

func fieldIndex(names []string, key []byte) int {
	for k, n := range names {
		if n == string(key) {
			return k
		}
	}
	for k, n := range names {
		if bytes.EqualFold([]byte(n), key) {
			return k
		}
	}
	return -1
}

// unquote decodes the inside of a valid JSON string with its escapes
// resolved. It reports false for an invalid UTF-8 byte or a lone surrogate,
// which encoding/json would turn into U+FFFD: two externalIds that differ
// only there would name one meeting.
func unquote(s []byte, dst *string) bool {
	if bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		*dst = string(s)
		return true
	}
	out, ok := jsontext.AppendUnquoteStrict(make([]byte, 0, len(s)+8), s)
	if !ok {
		return false
	}
	*dst = string(out)
	return true
}
