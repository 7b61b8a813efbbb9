package graph

import "unicode/utf8"

const hexLower = "0123456789abcdef"

// jsonSafe[c] is true for the ASCII bytes that go into a JSON string as they
// are. Like encoding/json, it escapes <, > and & so a body is safe to embed
// in HTML.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s as a quoted JSON string. Control characters, <, >,
// &, U+2028 and U+2029 are escaped and invalid UTF-8 becomes U+FFFD, as
// encoding/json does, so the output is valid JSON for any input.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

// appendEscaped appends the inside of the JSON string for s, unquoted.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexLower[c>>4], hexLower[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexLower[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendStringOrNull appends s as a JSON string, or null when s is empty:
// Graph returns null for unset string properties.
func appendStringOrNull(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return appendString(dst, s)
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendPathEscaped percent-encodes everything but RFC 3986's unreserved
// characters, with lower-case hex digits as Teams writes them (19%3ameeting_…%40thread.v2).
func appendPathEscaped[S ~string | ~[]byte](dst []byte, s S) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; !unreserved[c] {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '%', hexLower[c>>4], hexLower[c&0xf])
			start = i + 1
		}
	}
	return append(dst, s[start:]...)
}

// unreserved marks RFC 3986's unreserved characters.
var unreserved = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~'
	}
	return t
}()

// formSafe marks the characters .NET's HttpUtility.UrlEncode keeps.
var formSafe = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '!' || c == '*' || c == '(' || c == ')'
	}
	return t
}()

// appendHTMLFormEncoded HTML-escapes s and then form-encodes it as .NET's
// HttpUtility.UrlEncode does (space as +, lower-case hex, and -_.!*() kept),
// the encoding of Graph's joinInformation data URL. The output needs no JSON
// escaping.
func appendHTMLFormEncoded[S ~string | ~[]byte](dst []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case formSafe[c]:
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		case c == '<':
			dst = append(dst, "%26lt%3b"...)
		case c == '>':
			dst = append(dst, "%26gt%3b"...)
		case c == '&':
			dst = append(dst, "%26amp%3b"...)
		case c == '"':
			dst = append(dst, "%26quot%3b"...)
		case c == '\'':
			dst = append(dst, "%26%2339%3b"...)
		default:
			dst = append(dst, '%', hexLower[c>>4], hexLower[c&0xf])
		}
	}
	return dst
}

// appendFormEncoded form-encodes markup that is already HTML (the constant
// parts of joinInformation).
func appendFormEncoded[S ~string | ~[]byte](dst []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case formSafe[c]:
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hexLower[c>>4], hexLower[c&0xf])
		}
	}
	return dst
}
