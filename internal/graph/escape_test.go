package graph

import (
	"encoding/json"
	"testing"
)

// TestAppendStringAsEncodingJSON: a string renders byte for byte as
// encoding/json writes it, so a body is as safe to embed in HTML or a
// <script> (<, >, &, U+2028 and U+2029 escaped) and invalid UTF-8 is mended
// the same way. Only \b and \f differ: meetd writes \u0008 and \u000c,
// which every JSON reader decodes alike.
func TestAppendStringAsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"",
		"plain text",
		`quote " backslash \ slash /`,
		"<script>alert('x')</script> & more",
		"line\u2028separator\u2029paragraph",
		"\x00\x01\x1f\x7f \n\r\t",
		"é 会议 🎉",
		"invalid \xff\xfe utf-8 \xc3",
		"surrogate \xed\xa0\x80 half",
	} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q): got %s, want %s", s, got, want)
		}
	}
}

// TestURLEncodings pins the three encodings of join URLs and of
// joinInformation's data: URL byte for byte: the path escaping Teams uses
// (RFC 3986 unreserved kept, lower-case hex), and .NET's
// HttpUtility.UrlEncode (space as +, -_.!*() kept) of text that is
// HTML-encoded first, as Graph's joinInformation is, or already HTML.
func TestURLEncodings(t *testing.T) {
	const in = `aZ09-_.~!*() <>&"'/:@%é`
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"path", appendPathEscaped(nil, in), `aZ09-_.~%21%2a%28%29%20%3c%3e%26%22%27%2f%3a%40%25%c3%a9`},
		{"HTML, then form", appendHTMLFormEncoded(nil, in), `aZ09-_.%7e!*()+%26lt%3b%26gt%3b%26amp%3b%26quot%3b%26%2339%3b%2f%3a%40%25%c3%a9`},
		{"form", appendFormEncoded(nil, in), `aZ09-_.%7e!*()+%3c%3e%26%22%27%2f%3a%40%25%c3%a9`},
	} {
		if string(tc.got) != tc.want {
			t.Errorf("%s encoding of %s: got %s, want %s", tc.name, in, tc.got, tc.want)
		}
	}
}
