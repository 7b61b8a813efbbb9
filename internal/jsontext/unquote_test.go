package jsontext

import (
	"encoding/json"
	"strings"
	"testing"
)

// AppendUnquote decodes what encoding/json decodes, to the same string, and
// refuses the escapes it refuses.
func TestAppendUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		``, `plain`, `caf\u00e9`, `\"\\\/\b\f\n\r\t`, `\ud83d\ude00`, `\uD83D\uDE00`,
		`lone \ud83d`, `lone \ude00 low`, `\ud83d\u0041`, "bad \xff byte", "é 😀 raw",
		`\x`, `\u12`, `\u12g4`, `ends \`,
	} {
		var want string
		wantErr := json.Unmarshal([]byte(`"`+s+`"`), &want)
		got, ok := AppendUnquote(nil, []byte(s))
		switch {
		case wantErr != nil && ok:
			t.Errorf("AppendUnquote(%q): got %q, ok; want refused as encoding/json does (%v)", s, got, wantErr)
		case wantErr == nil && (!ok || string(got) != want):
			t.Errorf("AppendUnquote(%q): got %q, %v; want %q, true", s, got, ok, want)
		}
	}
}

// AppendUnquoteStrict decodes what AppendUnquote decodes unless that has a
// U+FFFD the input did not spell: an invalid byte or a lone surrogate.
func TestAppendUnquoteStrict(t *testing.T) {
	for _, c := range []struct {
		s  string
		ok bool
	}{
		{`plain`, true}, {`caf\u00e9`, true}, {`\ud83d\ude00`, true}, {"é 😀 raw", true},
		{`\ufffd and \uFFFD`, true}, {"raw \xef\xbf\xbd", true}, // U+FFFD itself
		{`lone \ud83d`, false}, {`lone \ude00 low`, false}, {`\ud83d\u0041`, false},
		{`\ud83d\ud83d`, false}, {"bad \xff byte", false}, {"cut \xe2\x82", false},
		{`\x`, false},
	} {
		got, ok := AppendUnquoteStrict(nil, []byte(c.s))
		if ok != c.ok {
			t.Errorf("AppendUnquoteStrict(%q): ok %v, want %v", c.s, ok, c.ok)
			continue
		}
		if want, _ := AppendUnquote(nil, []byte(c.s)); ok && string(got) != string(want) {
			t.Errorf("AppendUnquoteStrict(%q) = %q, want %q as AppendUnquote", c.s, got, want)
		}
	}
}

func FuzzAppendUnquote(f *testing.F) {
	for _, s := range []string{`a\u00e9`, `\ud83d\ude00`, `\ud83d`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want string
		if json.Unmarshal([]byte(`"`+s+`"`), &want) != nil {
			return // not a JSON string's inside (e.g. a bare quote)
		}
		if got, ok := AppendUnquote(nil, []byte(s)); !ok || string(got) != want {
			t.Errorf("AppendUnquote(%q): got %q, %v; want %q, true", s, got, ok, want)
		}
		// Strict refuses exactly the inputs with a replaced character.
		strict, ok := AppendUnquoteStrict(nil, []byte(s))
		replaced := strings.Count(want, "\uFFFD") != strings.Count(s, "\uFFFD")+countEscapedFFFD(s)
		if ok == replaced || ok && string(strict) != want {
			t.Errorf("AppendUnquoteStrict(%q): got %q, %v; replaced %v", s, strict, ok, replaced)
		}
	})
}

// countEscapedFFFD counts the \ufffd escapes of a JSON string's inside, not
// counting an escaped backslash followed by "ufffd".
func countEscapedFFFD(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			continue
		}
		if s[i+1] == 'u' && i+6 <= len(s) && strings.EqualFold(s[i+2:i+6], "fffd") {
			n++
		}
		i++ // skip the escaped character
	}
	return n
}
