package graph

import (
	"net/url"
	"strings"

	"github.com/meetd/meetd"
)

// joinPath is the path Teams join links share; meetd serves its join page
// under it so that a link keeps its familiar shape.
const joinPath = "/l/meetup-join/"

// JoinWebURL returns the meeting's joinWebUrl under meetd's public base URL,
// in the shape Teams uses:
// {base}/l/meetup-join/19%3ameeting_…%40thread.v2/0?context=%7b%22Tid%22%3a%22{tid}%22%2c%22Oid%22%3a%22{oid}%22%7d
func JoinWebURL(base string, m *meetd.Meeting) string {
	var buf [320]byte
	return string(appendJoinWebURL(buf[:0], strings.TrimSuffix(base, "/"), m))
}

// appendJoinWebURL appends the join URL of m; base has no trailing slash.
func appendJoinWebURL(dst []byte, base string, m *meetd.Meeting) []byte {
	dst = append(dst, base...)
	dst = append(dst, joinPath...)
	return appendJoinTail(dst, m)
}

// appendJoinTail appends the part of the join URL after {base}/l/meetup-join/.
// It is all unreserved characters and %xx escapes.
func appendJoinTail(dst []byte, m *meetd.Meeting) []byte {
	dst = appendPathEscaped(dst, m.ThreadID)
	dst = append(dst, "/0?context=%7b%22Tid%22%3a%22"...)
	dst = appendPathEscaped(dst, m.TenantID)
	dst = append(dst, "%22%2c%22Oid%22%3a%22"...)
	dst = appendPathEscaped(dst, m.OrganizerID)
	return append(dst, "%22%7d"...)
}

// ThreadFromJoinWebURL returns the chat thread id inside a joinWebUrl. It
// accepts the URL as meetd or Teams writes it, decoded, or percent-encoded
// up to three times more (clients encode it for $filter, some twice), with any
// scheme, host and path prefix: meetings are compared by thread, so a link
// copied from behind a proxy still finds its meeting. Anything that is not
// {http(s)://host}/…/l/meetup-join/{thread}/{message}[?…] is refused.
func ThreadFromJoinWebURL(u string) (thread string, ok bool) {
	s := strings.TrimSpace(u)
	for range 3 {
		if strings.Contains(s, joinPath) {
			break
		}
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			return "", false
		}
		s = d
	}
	rest, ok := cutScheme(s)
	if !ok {
		return "", false
	}
	// The host ends at the first slash; the join path may follow a prefix
	// (a base URL with a path).
	slash := strings.IndexByte(rest, '/')
	if slash <= 0 {
		return "", false
	}
	_, rest, ok = strings.Cut(rest[slash:], joinPath)
	if !ok {
		return "", false
	}
	seg, after, _ := strings.Cut(rest, "/")
	for range 3 {
		if !strings.Contains(seg, "%") {
			break
		}
		d, err := url.PathUnescape(seg)
		if err != nil {
			return "", false
		}
		seg = d
	}
	if !meetd.IsThreadID(seg) {
		return "", false
	}
	// After the thread: the message id (0 for a meeting chat, a number for a
	// channel meeting), then nothing or a query.
	msg, _, _ := strings.Cut(after, "?")
	if _, ok := atoi(msg); !ok || len(msg) > 20 {
		return "", false
	}
	return seg, true
}

// cutScheme strips http:// or https://, in any case.
func cutScheme(s string) (string, bool) {
	for _, p := range []string{"https://", "http://"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):], true
		}
	}
	return "", false
}
