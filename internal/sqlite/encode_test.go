package sqlite

import (
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

// The document itself is internal/record's, tested there; these tests cover
// the column.

func TestEncodeDataRefusesYearsJSONCannotHold(t *testing.T) {
	m := storetest.NewMeeting(t, "tenant", storetest.NewObjectID(), "ext")
	m.End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := encodeData(m); err == nil || !strings.Contains(err.Error(), "year") || !strings.Contains(err.Error(), m.ID) {
		t.Fatalf("encodeData of year 10000: got %v, want an error naming the year and the meeting", err)
	}
}

func TestDecodeDataNamesTheMeeting(t *testing.T) {
	m := &meetd.Meeting{ID: "the-id"}
	for _, data := range []string{``, `{"subject":`, `{"attendees":{}}`, `[]`} {
		if err := decodeData(m, []byte(data)); err == nil || !strings.Contains(err.Error(), "the-id") {
			t.Errorf("decodeData(%q): got %v, want an error naming the meeting", data, err)
		}
	}
}

// TestDataEditedWithSQLitesJSONFunctionsReads checks that a data column an
// operator rewrote in the sqlite3 shell, with members added, moved and
// reformatted by SQLite's JSON functions, still reads.
func TestDataEditedWithSQLitesJSONFunctionsReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := storetest.NewMeeting(t, "tenant", storetest.NewObjectID(), "ext")
	if err := s.CreateMeeting(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE meetings SET data = json_pretty(json_set(json_remove(data, '$.subject'),
		'$.subject', 'Edited ✓ "by hand"', '$.addedLater', json('{"a":[1,2.5,null]}'), '$.settings.dialInBypass', json('false')))
		WHERE id = ?`, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("UPDATE: got %d rows, want 1", n)
	}
	var data string
	if err := db.QueryRow(`SELECT data FROM meetings WHERE id = ?`, m.ID).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(data, "\n    ") {
		t.Fatalf("json_pretty did not reformat the column: %s", data)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Meeting(t.Context(), m.TenantID, m.ID)
	if err != nil {
		t.Fatalf("Meeting: %v\ndata column: %s", err, data)
	}
	want := *m
	want.Subject, want.Settings.DialInBypass = `Edited ✓ "by hand"`, false
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("Meeting after the edit:\ngot  %+v\nwant %+v", got, &want)
	}
}
