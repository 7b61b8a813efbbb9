package meetd

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Bytes at or above the largest multiple of the alphabet's size are drawn
// again, so that every character is equally likely.
func TestDrawRejectsBiasedBytes(t *testing.T) {
	src := make([]byte, 64)
	src[0], src[1] = 250, 7 // 250 ≥ 256-256%10: rejected
	d := newDraw(bytes.NewReader(append(src, make([]byte, 64)...)))
	got, err := d.digits(1)
	if err != nil || got != "7" {
		t.Fatalf("digits(1) from 250, 7: got %q %v, want \"7\"", got, err)
	}
	src = make([]byte, 64)
	src[0], src[1] = 255, 56 // passcode alphabet: 57 characters, limit 228
	d = newDraw(bytes.NewReader(src))
	if got, err := d.below(57); err != nil || got != 56 {
		t.Fatalf("below(57) from 255, 56: got %d %v, want 56", got, err)
	}
}

// A meeting's ids have their documented shapes and begin with the time.
func TestDrawShapes(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC)
	s := NewService(nil, Options{})
	d := newDraw(randReader{s})
	thread, err := d.threadID(now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(thread, "19:meeting_") || len(thread) != len("19:meeting_")+16+22+len("@thread.v2") || !IsThreadID(thread) {
		t.Errorf("thread id %q: want 19:meeting_ + 16 hex + 22 base64url + @thread.v2", thread)
	}
	if got, want := thread[len("19:meeting_"):len("19:meeting_")+16], "1a4740d364713458"; got != want {
		t.Errorf("thread id time: got %s, want %s (UnixNano %x)", got, want, now.UnixNano())
	}
	join, _ := d.orderedDigits(now, 13, 6)
	vtc, _ := d.orderedDigits(now, 14, 6)
	conf, _ := d.digits(9)
	pass, _ := d.passcode()
	for _, c := range []struct {
		name, got, alphabet string
		n                   int
	}{
		{"join id", join, "0123456789", 13}, {"vtc id", vtc, "0123456789", 14},
		{"conference id", conf, "0123456789", 9}, {"passcode", pass, passcodeAlphabet, 6},
	} {
		if len(c.got) != c.n || strings.Trim(c.got, c.alphabet) != "" {
			t.Errorf("%s %q: want %d characters of %q", c.name, c.got, c.n, c.alphabet)
		}
	}
	if join[0] == '0' || vtc[0] == '0' {
		t.Errorf("join id %s, vtc id %s: must not start with 0", join, vtc)
	}
	// The join and VTC ids begin with the time in milliseconds (1893553445000
	// here), folded into their first 7 and 8 digits, so that a batch's index
	// inserts land together; a millisecond later they are one more.
	join2, _ := d.orderedDigits(now.Add(time.Millisecond), 13, 6)
	vtc2, _ := d.orderedDigits(now.Add(time.Millisecond), 14, 6)
	for _, c := range []struct{ name, got, want string }{
		{"join id", join[:7], "8445000"}, {"vtc id", vtc[:8], "53445000"},
		{"join id 1 ms later", join2[:7], "8445001"}, {"vtc id 1 ms later", vtc2[:8], "53445001"},
	} {
		if c.got != c.want {
			t.Errorf("%s begins with %s, want the time's %s", c.name, c.got, c.want)
		}
	}
}

// Passcodes use every letter and digit but those read as one another
// (0 O, 1 I l), like Teams': a caller reads them out or types them.
func TestPasscodesHaveNoLookAlikes(t *testing.T) {
	var src []byte
	for i := range 64 * 8 {
		src = append(src, byte(i))
	}
	d := newDraw(bytes.NewReader(src))
	seen := map[rune]bool{}
	for range 50 {
		p, err := d.passcode()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p {
			seen[c] = true
		}
	}
	for _, c := range "0O1Il" {
		if seen[c] {
			t.Errorf("passcodes: got %q, want no look-alike characters", c)
		}
	}
	if len(seen) != 26+26+10-5 {
		t.Errorf("passcodes: got %d distinct characters, want all %d letters and digits but 0 O 1 I l", len(seen), 26+26+10-5)
	}
}

func BenchmarkNewMeeting(b *testing.B) {
	s := NewService(nil, Options{})
	c := &Caller{TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", ObjectID: "1f35f2e6-9cab-44ad-8d5a-b74c14720001"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.newMeeting(c, c.ObjectID, MeetingInput{ExternalID: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}
