package jsontext

import (
	"encoding/json"
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
	})
}
