package meetd

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"
)

// Meeting ids keep the shape of Graph's: standard base64 of
// "1*{organizerOid}*0**{threadId}". Keeping the organizer inside the id makes
// Graph's "Organizer Id mismatch" answer a check on the id alone, with no
// store look-up that could leak another organizer's meeting.

// MeetingID returns the Graph id of the meeting with the organizer and thread.
func MeetingID(organizerID, threadID string) string {
	return base64.StdEncoding.EncodeToString([]byte("1*" + organizerID + "*0**" + threadID))
}

// ParseMeetingID returns the organizer and thread inside a meeting id, or
// EINVALID "Meeting Id is corrupted." for anything not made by MeetingID.
// The id's base64 padding may be left out.
func ParseMeetingID(id string) (organizerID, threadID string, err error) {
	organizerID, threadID, _, err = parseMeetingID(id)
	return organizerID, threadID, err
}

// canonicalMeetingID returns id as MeetingID writes it, padding included,
// and its organizer: stores find meetings by the id's exact text, and an id
// whose trailing "=" a client dropped (as URL-safe copies of ids often do)
// is still the same meeting's.
func canonicalMeetingID(id string) (canonical, organizerID string, err error) {
	organizerID, _, raw, err := parseMeetingID(id)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(raw), organizerID, nil
}

func parseMeetingID(id string) (organizerID, threadID string, raw []byte, err error) {
	corrupted := Errorf(EINVALID, "Meeting Id is corrupted.")
	if len(id) > 1024 {
		return "", "", nil, corrupted
	}
	raw, derr := base64.StdEncoding.DecodeString(id)
	if derr != nil {
		if raw, derr = base64.RawStdEncoding.DecodeString(id); derr != nil {
			return "", "", nil, corrupted
		}
	}
	rest, ok := strings.CutPrefix(string(raw), "1*")
	if !ok {
		return "", "", nil, corrupted
	}
	organizerID, rest, ok = strings.Cut(rest, "*")
	if !ok || !IsObjectID(organizerID) {
		return "", "", nil, corrupted
	}
	_, threadID, ok = strings.Cut(rest, "**")
	if !ok || !IsThreadID(threadID) {
		return "", "", nil, corrupted
	}
	return organizerID, threadID, raw, nil
}

// IsObjectID reports whether s is an Entra object id: a GUID in its usual
// 8-4-4-4-12 hexadecimal form. Graph's /users/{id} for onlineMeetings takes
// only these; a UPN gets 404.
func IsObjectID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// IsThreadID reports whether s looks like a Teams chat thread id:
// "19:" then at least one character, then "@thread.v2", "@thread.tacv2" or
// "@thread.skype".
func IsThreadID(s string) bool {
	rest, ok := strings.CutPrefix(s, "19:")
	if !ok {
		return false
	}
	for _, suffix := range []string{"@thread.v2", "@thread.tacv2", "@thread.skype"} {
		if body, ok := strings.CutSuffix(rest, suffix); ok {
			return body != "" && !strings.ContainsAny(body, " \t\r\n*")
		}
	}
	return false
}

// New ids start with the creation time so that they sort in creation order:
// a store's unique indexes on them then take each new entry at their
// right-hand edge, dirtying one page per batch of creates instead of one
// page per create (measured in internal/sqlite: ~12 KB of WAL per create with
// random ids, ~5 KB with ordered ones). The random rest keeps them unguessable
// enough and unique; the store's unique keys catch the rare collision and the
// service draws again.

// draw hands out the bytes of one read of the service's random source: a
// meeting's ids take one read (and one lock of the source) instead of one
// each, and no allocation but the ids themselves.
type draw struct {
	r   io.Reader
	buf [64]byte
	n   int // bytes of buf handed out; len(buf) when none are left
}

func newDraw(r io.Reader) *draw { return &draw{r: r, n: 64} }

// next returns k ≤ 64 random bytes, valid until the next call.
func (d *draw) next(k int) ([]byte, error) {
	if len(d.buf)-d.n < k {
		if _, err := io.ReadFull(d.r, d.buf[:]); err != nil {
			return nil, fmt.Errorf("random ids: %w", err)
		}
		d.n = 0
	}
	b := d.buf[d.n : d.n+k]
	d.n += k
	return b, nil
}

// below returns a random number in [0, n), n ≤ 256, with no modulo bias:
// bytes from the largest multiple of n up are drawn again.
func (d *draw) below(n int) (byte, error) {
	limit := 256 - 256%n
	for {
		b, err := d.next(1)
		if err != nil {
			return 0, err
		}
		if int(b[0]) < limit {
			return byte(int(b[0]) % n), nil
		}
	}
}

// threadID draws a meeting thread id: "19:meeting_", 16 hex digits of the
// creation time in nanoseconds, 16 random bytes in base64url, "@thread.v2".
func (d *draw) threadID(now time.Time) (string, error) {
	b, err := d.next(16)
	if err != nil {
		return "", err
	}
	const prefix, suffix = "19:meeting_", "@thread.v2"
	out := make([]byte, 0, len(prefix)+16+22+len(suffix))
	out = append(out, prefix...)
	t := uint64(now.UnixNano())
	for shift := 60; shift >= 0; shift -= 4 {
		out = append(out, "0123456789abcdef"[t>>uint(shift)&0xf])
	}
	out = base64.RawURLEncoding.AppendEncode(out, b)
	return string(append(out, suffix...)), nil
}

// orderedDigits draws n decimal digits: the first n-rand from the creation
// time in milliseconds (wrapping, never starting with 0), then rand random
// digits.
func (d *draw) orderedDigits(now time.Time, n, rand int) (string, error) {
	head := n - rand
	span := uint64(1)
	for range head - 1 {
		span *= 10
	}
	// head digits, first one 1–9: span*1 … span*10-1.
	ms := uint64(now.UnixMilli())%(9*span) + span
	out := make([]byte, n)
	for i := head - 1; i >= 0; i-- {
		out[i] = byte('0' + ms%10)
		ms /= 10
	}
	if err := d.fill(out[head:], "0123456789"); err != nil {
		return "", err
	}
	return string(out), nil
}

// digits draws n random decimal digits.
func (d *draw) digits(n int) (string, error) {
	out := make([]byte, n)
	if err := d.fill(out, "0123456789"); err != nil {
		return "", err
	}
	return string(out), nil
}

const passcodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// passcode draws a 6-character passcode like Teams' (no look-alike characters).
func (d *draw) passcode() (string, error) {
	out := make([]byte, 6)
	if err := d.fill(out, passcodeAlphabet); err != nil {
		return "", err
	}
	return string(out), nil
}

// fill sets every byte of out to a character of alphabet, each equally likely.
func (d *draw) fill(out []byte, alphabet string) error {
	for i := range out {
		c, err := d.below(len(alphabet))
		if err != nil {
			return err
		}
		out[i] = alphabet[c]
	}
	return nil
}
