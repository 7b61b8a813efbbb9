package jsontext

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSkipNumberMatchesEncodingJSON checks SkipNumber against encoding/json:
// a text is one valid number exactly when SkipNumber takes all of it.
func TestSkipNumberMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "7", "-12", "10", "3.25", "1e5", "1E+5", "-2.5e-3", "0.0",
		"", "-", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "1.e5", "0x1", "--1", "1.5.5",
	} {
		end, ok := SkipNumber([]byte(s), 0)
		got := ok && end == len(s)
		if want := json.Valid([]byte(s)) && s != ""; got != want {
			t.Errorf("%q: SkipNumber took %d bytes, %t; encoding/json valid: %t", s, end, ok, want)
		}
	}
}

func FuzzSkipNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.5e+3", "01", "1.", "2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, " \t\r\n") {
			return // encoding/json allows space around a value
		}
		end, ok := SkipNumber([]byte(s), 0)
		if end < 0 || end > len(s) {
			t.Fatalf("%q: end %d out of range", s, end)
		}
		if whole := ok && end == len(s); whole != (json.Valid([]byte(s)) && isNumberStart(s)) {
			t.Errorf("%q: SkipNumber took %d bytes, %t; encoding/json: %t", s, end, ok, json.Valid([]byte(s)))
		}
	})
}

// isNumberStart tells a text that could only be a number from other JSON.
func isNumberStart(s string) bool {
	return s != "" && (s[0] == '-' || '0' <= s[0] && s[0] <= '9')
}
