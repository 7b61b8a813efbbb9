package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/sqlite"
	"github.com/meetd/meetd/internal/storetest"
)

// open opens a store on a fresh file in a temporary folder.
func open(tb testing.TB, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "meetd.db"), opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	tests := []struct {
		name string
		opts sqlite.Options
	}{
		{"default", sqlite.Options{}},
		{"no cache", sqlite.Options{CacheSize: -1}},
		{"tiny cache, small batches", sqlite.Options{CacheSize: 3, MaxBatch: 2, Synchronous: "normal"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(tb testing.TB) meetd.Store { return open(tb, tc.opts) })
		})
	}
}
