package graph

import (
	"strings"

	"github.com/meetd/meetd"
)

// The properties Graph lets a client filter onlineMeetings by, in their
// canonical spelling.
const (
	FilterJoinWebURL            = "JoinWebUrl"
	FilterJoinMeetingID         = "joinMeetingIdSettings/joinMeetingId"
	FilterVideoTeleconferenceID = "VideoTeleconferenceId"
)

var filterProps = []string{FilterJoinWebURL, FilterJoinMeetingID, FilterVideoTeleconferenceID}

// Filter is a parsed $filter: an equality on one of the supported properties.
type Filter struct {
	Property string // FilterJoinWebURL, FilterJoinMeetingID or FilterVideoTeleconferenceID
	Value    string // the string literal, quotes removed and '' unescaped
}

// ParseFilter parses an already query-decoded $filter value of the form
// {Property} eq '{value}'. Property names and eq match case-insensitively and
// whitespace around them is free; the value must be a strict OData string
// literal. Any other shape is EFILTER with Graph's message; a malformed
// string literal is EINVALID, as Graph's URI parser answers it.
func ParseFilter(s string) (Filter, error) {
	rest := strings.TrimLeft(s, " \t")
	var f Filter
	for _, p := range filterProps {
		if len(rest) > len(p) && strings.EqualFold(rest[:len(p)], p) && isSpace(rest[len(p)]) {
			f.Property = p
			rest = rest[len(p):]
			break
		}
	}
	if f.Property == "" {
		return Filter{}, filterError()
	}
	rest = strings.TrimLeft(rest, " \t")
	if len(rest) < 3 || !strings.EqualFold(rest[:2], "eq") || !isSpace(rest[2]) {
		return Filter{}, filterError()
	}
	rest = strings.TrimLeft(rest[2:], " \t")
	if rest == "" || rest[0] != '\'' {
		return Filter{}, filterError()
	}
	pos := len(s) - len(rest) // where the literal starts, for messages
	value, after, ok := cutStringLiteral(rest)
	if !ok {
		return Filter{}, meetd.Errorf(meetd.EINVALID, "The query specified in the URI is not valid. There is an unterminated string literal at position %d in '%s'.", pos, clip(s, 256))
	}
	if tail := strings.Trim(after, " \t"); tail != "" {
		if len(after) > len(tail) && startsWithWord(tail, "and", "or") {
			// Valid OData that combines conditions: an unsupported filter
			// (checklist 37), not a malformed one.
			return Filter{}, filterError()
		}
		return Filter{}, meetd.Errorf(meetd.EINVALID, "The query specified in the URI is not valid. Syntax error at position %d in '%s': nothing may follow the string literal.", len(s)-len(after), clip(s, 256))
	}
	if value == "" {
		return Filter{}, filterError()
	}
	f.Value = value
	return f, nil
}

// startsWithWord reports whether s starts with one of the words, in any
// case, followed by a space.
func startsWithWord(s string, words ...string) bool {
	for _, w := range words {
		if len(s) > len(w) && strings.EqualFold(s[:len(w)], w) && isSpace(s[len(w)]) {
			return true
		}
	}
	return false
}

// cutStringLiteral reads an OData string literal at the start of s (which
// begins with a quote); a doubled quote inside stands for one quote.
func cutStringLiteral(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteString(s[1 : i+1])
			s = s[i+1:] // continue after the doubled quote, s[0] is a quote again
			i = 0
			continue
		}
		b.WriteString(s[1:i])
		return b.String(), s[i+1:], true
	}
	return "", "", false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func filterError() error {
	return meetd.Errorf(meetd.EFILTER, "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'.")
}

// Lookup turns a filter on /users/{id}/onlineMeetings (or /me) into the
// domain's look-up. A JoinWebUrl that is not a meeting join URL is EINVALID;
// VideoTeleconferenceId is only supported on /communications/onlineMeetings
// and is EFILTER here.
func (f Filter) Lookup() (meetd.Lookup, error) {
	switch f.Property {
	case FilterJoinWebURL:
		thread, ok := ThreadFromJoinWebURL(f.Value)
		if !ok {
			return meetd.Lookup{}, meetd.Errorf(meetd.EINVALID, "JoinWebUrl '%s' is not an online meeting join URL.", clip(f.Value, 512))
		}
		return meetd.Lookup{ThreadID: thread}, nil
	case FilterJoinMeetingID:
		return meetd.Lookup{JoinMeetingID: f.Value}, nil
	}
	return meetd.Lookup{}, filterError()
}
