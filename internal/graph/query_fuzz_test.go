package graph

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

// FuzzParseFilter checks that any $filter gets a filter or a domain error,
// never a panic, and that a parsed filter written out again as an OData
// literal parses back the same.
func FuzzParseFilter(f *testing.F) {
	join := JoinWebURL("https://teams.microsoft.com", testMeeting())
	for _, s := range []string{
		"JoinWebUrl eq '" + join + "'", "joinMeetingIdSettings/joinMeetingId eq '1234567890123'",
		"VideoTeleconferenceId eq '1'", "JoinWebUrl eq 'a''''b'''", "JoinWebUrl eq 'x", "JoinWebUrl eq 'x' and",
		"  JOINWEBURL \t eq\t'x'  ", "start/dateTime ge '2024-01-01'", "JoinWebUrl eq ''",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFilter(s)
		if err != nil {
			if c := meetd.ErrorCode(err); c != meetd.EINVALID && c != meetd.EFILTER {
				t.Fatalf("ParseFilter(%q): error %v with code %q", s, err, c)
			}
			return
		}
		if got.Value == "" {
			t.Fatalf("ParseFilter(%q): empty value", s)
		}
		again, err := ParseFilter(got.Property + " eq '" + strings.ReplaceAll(got.Value, "'", "''") + "'")
		if err != nil || again != got {
			t.Fatalf("ParseFilter(%q) = %+v, written out and parsed again: %+v, %v", s, got, again, err)
		}
		if _, err := got.Lookup(); err != nil {
			if c := meetd.ErrorCode(err); c != meetd.EINVALID && c != meetd.EFILTER {
				t.Fatalf("Lookup of %q: error %v with code %q", s, err, c)
			}
		}
	})
}

// FuzzParseSelect checks that any $select gets a selection or a domain
// error, and that a selection's own list parses back to the same one.
func FuzzParseSelect(f *testing.F) {
	for _, s := range []string{"", "*", "subject,id", " Subject , SUBJECT ", "subject,,id", "nope", "*,id"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseSelect(s)
		if err != nil {
			if c := meetd.ErrorCode(err); c != meetd.EINVALID {
				t.Fatalf("ParseSelect(%q): error %v with code %q", s, err, c)
			}
			return
		}
		if sel == nil {
			return
		}
		again, err := ParseSelect(sel.String())
		if err != nil || again == nil || *again != *sel {
			t.Fatalf("ParseSelect(%q) = %+v, its list parsed again: %+v, %v", s, sel, again, err)
		}
	})
}

// FuzzCreateOrGetKey checks that createOrGet reads externalId, the key, as
// encoding/json reads it: two spellings of one JSON document must find one
// meeting.
func FuzzCreateOrGetKey(f *testing.F) {
	for _, s := range []string{`{"externalId":"a"}`, `{"externalid":"a","externalId":"b"}`, `{"externalId":"\u00e9\/"}`,
		`{"EXTERNALID":"x","ExternalId":null}`, `{"ſxternalId":1}`, `{"externalId":"a","externalId":"b"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var b CreateOrGetBody
		if err := ReadCreateOrGet([]byte(body), &b); err != nil {
			return
		}
		var want struct {
			ExternalID *string `json:"externalId"`
		}
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("%q: meetd reads it, encoding/json does not: %v", body, err)
		}
		wantID := ""
		if want.ExternalID != nil {
			wantID = *want.ExternalID
		}
		if b.ExternalID != wantID {
			t.Fatalf("%q: externalId %q, encoding/json's %q", body, b.ExternalID, wantID)
		}
	})
}
