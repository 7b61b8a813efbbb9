package record

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/meetd/meetd"
)

// FuzzDecode checks that Decode never panics, reads every document as
// encoding/json reads it (value and verdict), and that what it reads,
// written again with Encode, reads back the same.
//
//	go test -run XXX -fuzz FuzzDecode -fuzztime 60s ./internal/record/
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"full.json", "empty.json", "jsonb-full.json", "jsonb-empty.json"} {
		f.Add(readFile(f, "testdata/"+name))
	}
	for _, tc := range roundTrips {
		m := fullMeeting()
		tc.change(m)
		if b, err := Encode(m); err == nil {
			f.Add(b)
		}
		if b, err := encodeLegacyPostgres(m); err == nil {
			f.Add(b)
		}
	}
	for _, tc := range accepted {
		f.Add(reshape(f, tc.doc))
	}
	for _, doc := range rejected {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var got meetd.Meeting
		err := Decode(&got, doc)
		var want meetd.Meeting
		if wantErr := decodeLegacy(&want, doc); (err == nil) != (wantErr == nil) {
			t.Fatalf("Decode(%q): got error %v, encoding/json's %v", doc, err, wantErr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(&got, &want) {
			t.Fatalf("Decode(%q):\ngot  %+v\nwant %+v (encoding/json)", doc, &got, &want)
		}
		b, err := Encode(&got)
		if err != nil {
			// An offset can carry 9999-12-31 past the year 9999 in UTC.
			return
		}
		var again meetd.Meeting
		if err := Decode(&again, b); err != nil {
			t.Fatalf("Decode(Encode(m)) of %q: %v\n%s", doc, err, b)
		}
		if !reflect.DeepEqual(&again, &got) {
			t.Fatalf("Decode(Encode(m)) of %q:\ngot  %+v\nwant %+v", doc, &again, &got)
		}
	})
}

// FuzzQuote checks that any string survives quote as it survives
// encoding/json.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\\n\x00\xff", "ünï 🎉", "\u2028<>&", "\xc3", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var e jsonWriter
		e.quote(s)
		var got string
		if err := json.Unmarshal(e.b, &got); err != nil {
			t.Fatalf("quote(%q) wrote invalid JSON %s: %v", s, e.b, err)
		}
		b, _ := json.Marshal(s)
		var want string
		json.Unmarshal(b, &want)
		if got != want {
			t.Fatalf("quote(%q) decodes to %q, encoding/json's to %q", s, got, want)
		}
		var d decoder
		d.b = e.b
		var back string
		if err := d.str(&back); err != nil || back != want {
			t.Fatalf("str of quote(%q): got %q, %v; want %q", s, back, err, want)
		}
	})
}
