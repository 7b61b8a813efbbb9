package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

func TestKeyFilter(t *testing.T) {
	f := newKeyFilter(1 << 16)
	added := make([]meetd.Key, 1000)
	for i := range added {
		added[i] = meetd.Key{TenantID: "t", OrganizerID: "o", ExternalID: fmt.Sprint("added-", i)}
		f.add(added[i])
	}
	if f.absent(meetd.Key{TenantID: "t", OrganizerID: "o", ExternalID: "never"}) {
		t.Fatalf("absent before the stored keys are loaded: got true, want false")
	}
	f.ready.Store(true)
	for _, k := range added {
		if f.absent(k) {
			t.Fatalf("absent(%v) of an added key: got true, want false", k)
		}
	}
	falseMaybes := 0
	const probes = 10000
	for i := range probes {
		if !f.absent(meetd.Key{TenantID: "t", OrganizerID: "o", ExternalID: fmt.Sprint("other-", i)}) {
			falseMaybes++
		}
	}
	// 1,000 keys in 512 Kbit: about one probe in 100,000 says maybe.
	if falseMaybes > probes/100 {
		t.Fatalf("got %d of %d unknown keys reported as maybe present, want under 1%%", falseMaybes, probes)
	}
	var off *keyFilter
	off.add(added[0])
	if off.absent(added[1]) {
		t.Fatalf("a nil filter said absent")
	}
}

// TestKeyFilterLoadsStoredKeys reopens a database and checks that the
// filter, once loaded in chunks, knows every stored key.
func TestKeyFilterLoadsStoredKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []meetd.Key
	for i := range 50 {
		tenant := fmt.Sprint("tenant-", i%3)
		m := storetest.NewMeeting(t, tenant, storetest.NewObjectID(), fmt.Sprint("ext-", i))
		if _, _, err := s.CreateOrGetMeeting(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, m.Key())
	}
	gone := keys[0]
	if m, err := s.MeetingByKey(t.Context(), gone); err != nil {
		t.Fatal(err)
	} else if err := s.DeleteMeeting(t.Context(), m.TenantID, m.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{CacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.keys.chunk = 7 // many chunks; the scan starts at the first look-up
	if _, err := s.MeetingByKey(t.Context(), keys[1]); err != nil {
		t.Fatalf("MeetingByKey before the filter is loaded: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); !s.keys.ready.Load(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the key filter did not load")
		}
	}
	for _, k := range keys[1:] {
		if s.keys.absent(k) {
			t.Fatalf("the loaded filter says %v is absent", k)
		}
		if _, err := s.MeetingByKey(t.Context(), k); err != nil {
			t.Fatalf("MeetingByKey(%v): %v", k, err)
		}
	}
	if _, err := s.MeetingByKey(t.Context(), gone); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("MeetingByKey of the deleted meeting: got %v, want ENOTFOUND", err)
	}
}

// With LoadKeysAtOpen the scan starts at Open, before any look-up; without
// it, not until the first one (the CLI never pays for it).
func TestKeyFilterLoadsAtOpenWhenAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "stored")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	lazy, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if lazy.keys.ready.Load() {
		t.Errorf("without LoadKeysAtOpen the filter loaded before any look-up")
	}
	lazy.Close()

	eager, err := Open(path, Options{LoadKeysAtOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eager.Close()
	for deadline := time.Now().Add(10 * time.Second); !eager.keys.ready.Load(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("with LoadKeysAtOpen the filter did not load without a look-up")
		}
	}
	if eager.keys.absent(m.Key()) {
		t.Errorf("the loaded filter says the stored key is absent")
	}
}
