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
