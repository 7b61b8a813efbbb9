package graph

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var jsonSeeds = []string{
	``, ` `, `{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e+10`, `-12.0E-3`, `"x"`,
	`{"a":1,"b":[true,false,null,{"c":"d"}],"e":-0.5}`, ` {"a" : [ 1 , 2 ] } `,
	`01`, `1.`, `.5`, `1e`, `+1`, `-`, `--1`, `0x10`, `1.5e+`, `NaN`, `Infinity`,
	`{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `{a:1}`, `{'a':1}`, `[1 2]`, `{"a":1 "b":2}`,
	`"\u00e9\ud83c\udf89"`, `"\x"`, `"\u12"`, `"\u12g4"`, "\"a\x01\"", "\"a\x1f\"", "\"a\x7f \"", "\"a\tb\"", `"a\/b"`,
	"\"\xff\"", `"unterminated`, `[`, `]`, `{`, `}`, `tru`, `nul`, `nulll`, `truefalse`,
	`{"a":1}{}`, `[1] x`, "\ufeff{}", "{}\x00", `[[[[[]]]]]`,
}

func TestValidJSON(t *testing.T) {
	for _, s := range jsonSeeds {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%q): got %v, want %v", s, got, want)
		}
	}
	deep := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if !validJSON([]byte(deep)) || validJSON([]byte("["+deep+"]")) {
		t.Errorf("nesting limit: got a different verdict than encoding/json's %d", maxDepth)
	}
}

// FuzzJSONValid holds the request scanner to encoding/json's grammar, and
// its string decoding to encoding/json's.
func FuzzJSONValid(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q): got %v, want %v", s, got, want)
		}
		var want string
		if v := bytes.Trim(b, " \t\r\n"); json.Unmarshal(v, &want) == nil && len(v) > 0 && v[0] == '"' {
			// unquote decodes as encoding/json does, or refuses a string
			// that encoding/json would have mended with U+FFFD.
			var got string
			ok := unquote(v[1:len(v)-1], &got)
			if ok && got != want || !ok && !strings.ContainsRune(want, utf8.RuneError) {
				t.Fatalf("unquote(%q): got %q, %v, want %q", s, got, ok, want)
			}
		}
	})
}

func TestUnquote(t *testing.T) {
	for _, s := range []string{
		`""`, `"plain"`, `"\"\\\/\b\f\n\r\t"`, `"\u0041\u00e9\u4f1a"`, `"\ud83c\udf89"`, `"\ufffd"`, "\"\xef\xbf\xbd\"",
	} {
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		var got string
		if !unquote([]byte(s[1:len(s)-1]), &got) || got != want {
			t.Errorf("unquote(%s): got %q, want %q", s, got, want)
		}
	}
}

// TestUnquoteRefusesMendedText: where encoding/json would put U+FFFD for an
// invalid byte or a lone surrogate, unquote refuses, so that two different
// externalIds can never decode to one.
func TestUnquoteRefusesMendedText(t *testing.T) {
	for _, s := range []string{
		`\ud83c`, `\udf89`, `\ud83cx`, `\ud83c\u0041`, `\ud83c\ud83c\udf89`, "\xff\xfe", "a\xc3", "\xed\xa0\x80", "a\\u\xff",
	} {
		var got string
		if unquote([]byte(s), &got) {
			t.Errorf("unquote(%q): got %q, true; want refused", s, got)
		}
	}
}

func TestReadObjectNames(t *testing.T) {
	var out [3][]byte
	readObject([]byte(`{"A":1,"b":2,"a":3,"\u0063":4,"zz":5,"B":6}`), []string{"a", "b", "c"}, out[:])
	// Exact and case-insensitive names both match; the last wins.
	for k, want := range []string{"3", "6", "4"} {
		if string(out[k]) != want {
			t.Errorf("member %d: got %s, want %s", k, out[k], want)
		}
	}
}

// FuzzDecodeMeetingInput checks that no body makes the decoders panic or
// answer anything but EINVALID, and that a body encoding/json cannot read
// gets Graph's "Unable to read" message.
func FuzzDecodeMeetingInput(f *testing.F) {
	for _, tc := range decodeErrorCases {
		f.Add(tc.body)
	}
	f.Add(`{"externalId":"x","participants":{"attendees":[{"identity":{"user":{"id":"a"}},"role":"presenter"}]},"watermarkProtection":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		_, err1 := DecodeMeetingInput([]byte(body))
		_, err2 := DecodeMeetingPatch([]byte(body))
		_, err3 := DecodeCreateOrGetInput([]byte(body))
		for _, err := range []error{err1, err2, err3} {
			if err == nil {
				continue
			}
			if status, _ := Status(err); status != 400 {
				t.Fatalf("%q: got %v (status %d), want a 400", body, err, status)
			}
		}
		if strings.TrimLeft(body, " \t\r\n") != "" && !json.Valid([]byte(body)) {
			wantError(t, err1, "invalid", msgBadPayload)
		}
	})
}
