package migration_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/meetd/meetd/internal/migration"
)

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"m/010_later.sql": {Data: []byte("B")},
		"m/002_first.sql": {Data: []byte("A")},
		"m/README":        {Data: []byte("not a migration")},
	}
	got, err := migration.Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	// By number, not by name: "010" sorts after "002" either way, but 10
	// after 9 only as a number.
	want := []migration.File{{Version: 2, Name: "002_first.sql", SQL: "A"}, {Version: 10, Name: "010_later.sql", SQL: "B"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	fsys["m/9_between.sql"] = &fstest.MapFile{Data: []byte("C")}
	if got, err := migration.Load(fsys, "m"); err != nil || got[1].Version != 9 {
		t.Fatalf("with 9_between.sql: got %+v, %v; want it second", got, err)
	}

	for name, bad := range map[string]string{
		"no number":    "m/first.sql",
		"zero":         "m/000_zero.sql",
		"shared":       "m/10_again.sql",
		"no separator": "m/011.sql",
	} {
		fsys := fstest.MapFS{"m/010_later.sql": {Data: []byte("B")}, bad: {Data: []byte("X")}}
		if _, err := migration.Load(fsys, "m"); err == nil || !strings.Contains(err.Error(), "migration") {
			t.Errorf("%s (%s): got %v, want an error", name, bad, err)
		}
	}
}
