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
func ParseMeetingID(id string) (organizerID, threadID string, err error) {
	corrupted := Errorf(EINVALID, "Meeting Id is corrupted.")
	if len(id) > 1024 {
		return "", "", corrupted
	}
	raw, derr := base64.StdEncoding.DecodeString(id)
	if derr != nil {
		if raw, derr = base64.RawStdEncoding.DecodeString(id); derr != nil {
			return "", "", corrupted
		}
	}
	rest, ok := strings.CutPrefix(string(raw), "1*")
	if !ok {
		return "", "", corrupted
	}
	organizerID, rest, ok = strings.Cut(rest, "*")
	if !ok || !IsObjectID(organizerID) {
		return "", "", corrupted
	}
	_, threadID, ok = strings.Cut(rest, "**")
	if !ok || !IsThreadID(threadID) {
		return "", "", corrupted
	}
	return organizerID, threadID, nil
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

// newThreadID draws a meeting thread id: "19:meeting_", 16 hex digits of the
// creation time in nanoseconds, 16 random bytes in base64url, "@thread.v2".
func newThreadID(r io.Reader, now time.Time) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("thread id: %w", err)
	}
	return "19:meeting_" + fmt.Sprintf("%016x", uint64(now.UnixNano())) + base64.RawURLEncoding.EncodeToString(b[:]) + "@thread.v2", nil
}

// orderedDigits draws n decimal digits: the first n-rand from the creation
// time in milliseconds (wrapping, never starting with 0), then rand random
// digits.
func orderedDigits(r io.Reader, now time.Time, n, rand int) (string, error) {
	tail, err := digits(r, rand)
	if err != nil {
		return "", err
	}
	head := n - rand
	span := uint64(1)
	for range head - 1 {
		span *= 10
	}
	// head digits, first one 1–9: span*1 … span*10-1.
	ms := uint64(now.UnixMilli())%(9*span) + span
	return fmt.Sprintf("%0*d", head, ms) + tail, nil
}

// digits draws n random decimal digits.
func digits(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("digits: %w", err)
	}
	for i := range b {
		// 250 is the largest multiple of 10 below 256: reject the rest so
		// every digit is equally likely.
		for b[i] >= 250 {
			var one [1]byte
			if _, err := io.ReadFull(r, one[:]); err != nil {
				return "", fmt.Errorf("digits: %w", err)
			}
			b[i] = one[0]
		}
		b[i] = '0' + b[i]%10
	}
	return string(b), nil
}

const passcodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// passcode draws a 6-character passcode like Teams' (no look-alike characters).
func passcode(r io.Reader) (string, error) {
	b := make([]byte, 6)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("passcode: %w", err)
	}
	for i := range b {
		b[i] = passcodeAlphabet[int(b[i])%len(passcodeAlphabet)]
	}
	return string(b), nil
}
