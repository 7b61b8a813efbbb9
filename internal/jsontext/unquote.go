// Package jsontext decodes the contents of JSON strings exactly as
// encoding/json does, for meetd's two hand-written JSON scanners: request
// bodies (internal/graph) and stored meetings (internal/record).
package jsontext

import (
	"unicode/utf16"
	"unicode/utf8"
)

// AppendUnquote appends to dst the contents of a JSON string, s without its
// quotes: escapes resolved, and each invalid UTF-8 byte or lone surrogate
// as U+FFFD. It reports false, with dst as far as it got, for an escape that
// JSON does not allow.
func AppendUnquote(dst, s []byte) ([]byte, bool) { return appendUnquote(dst, s, false) }

// AppendUnquoteStrict is AppendUnquote that also reports false for an
// invalid UTF-8 byte or a lone surrogate escape instead of replacing it: a
// request's text that a caller compares byte for byte (an externalId) must
// not have two spellings that decode alike.
func AppendUnquoteStrict(dst, s []byte) ([]byte, bool) { return appendUnquote(dst, s, true) }

func appendUnquote(dst, s []byte, strict bool) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return dst, false
			}
			i++
			switch s[i] {
			case '"', '\\', '/':
				dst = append(dst, s[i])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, ok := Hex4(s[i+1:])
				if !ok {
					return dst, false
				}
				i += 4
				if utf16.IsSurrogate(r) {
					// A pair is \uD8xx\uDCxx; anything else is a lone half.
					if len(s)-i > 6 && s[i+1] == '\\' && s[i+2] == 'u' {
						if r2, ok := Hex4(s[i+3:]); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								dst = utf8.AppendRune(dst, dec)
								i += 7
								continue
							}
						}
					}
					if strict {
						return dst, false
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
			default:
				return dst, false
			}
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 && strict {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r) // RuneError for an invalid byte
			i += size
		}
	}
	return dst, true
}

// Hex4 reads the four hex digits of a \u escape at the start of h.
func Hex4(h []byte) (rune, bool) {
	if len(h) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range h[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
