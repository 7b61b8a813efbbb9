package server

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

var (
	//go:embed join.html
	joinHTML string
	//go:embed join.css
	joinCSS string
	//go:embed join.js
	joinJS string
)

// joinTemplate is parsed once. The page loads nothing but itself, so it works
// offline: its style sheet and its script are inline, and the Content
// Security Policy allows exactly those two by hash and forbids everything
// else, so an injected script could not run even if escaping failed.
var joinTemplate = template.Must(template.New("join").Parse(joinHTML))

// joinCSP is the join page's Content-Security-Policy.
var joinCSP = "default-src 'none'; style-src " + cspHash(joinCSS) + "; script-src " + cspHash(joinJS) +
	"; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// joinView is what the join page shows. Missing pages ("deleted",
// "unknown", "unavailable") use only Status, Title, Missing and the assets.
type joinView struct {
	Status  int
	Title   string
	Missing string

	Subject   string
	Organizer string
	// StartUTC and EndUTC are RFC 3339, for <time datetime> and the script;
	// StartText, Sep and EndText spell the same span in UTC for people
	// (and for browsers without JavaScript).
	StartUTC, EndUTC   string
	StartText, EndText string
	Sep                string
	Length             string
	State, StateText   string // "upcoming", "live" or "ended", and its words

	JoinURL string // the joinWebUrl, for "Copy link"
	ICSURL  string // path-absolute, so it works behind any host name
	ICSName string

	Phone         *joinPhone
	MeetingID     string // what Copy copies
	MeetingIDText string // the same in groups of three, for reading aloud
	Passcode      string // only when the meeting requires one

	Attendees []joinPerson
	Lobby     string
	DialIn    string

	Style  template.CSS
	Script template.JS
}

// joinPhone is the dial-in block; it exists when meetd has a phone number.
type joinPhone struct {
	Toll, TollFree         string
	TollHref, TollFreeHref template.URL // tel: with the conference id after a pause
	Conference             string       // "123456789#", what people type
	ConferenceText         string       // "123 456 789#"
	DialinURL              string
}

// joinPerson is one attendee as the page lists them.
type joinPerson struct {
	Name string
	Role string // "presenter", "co-organizer"…; "" for plain attendees
}

// joinPage serves the page that joinWebUrl opens, and its .ics download.
func (s *Server) joinPage(w http.ResponseWriter, r *http.Request) {
	rest := r.PathValue("rest")
	m, deleted, err := s.cfg.Service.Store().MeetingByThread(r.Context(), r.PathValue("thread"))
	var v joinView
	switch {
	case err == nil && deleted:
		v = joinView{Status: http.StatusGone, Missing: "deleted", Title: "This meeting was deleted"}
	case meetd.ErrorCode(err) == meetd.ENOTFOUND:
		v = joinView{Status: http.StatusNotFound, Missing: "unknown", Title: "Meeting not found"}
	case err != nil:
		if r.Context().Err() != nil {
			return // the person left; nobody reads an answer
		}
		status, _ := graph.Status(err)
		if status < 500 {
			status = http.StatusInternalServerError
		}
		s.logError(r, w.Header(), err)
		v = joinView{Status: status, Missing: "unavailable", Title: "Meeting details are unavailable"}
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "30")
		}
	case rest == "meeting.ics" || strings.HasSuffix(rest, "/meeting.ics"):
		s.writeICS(w, m)
		return
	default:
		v = s.joinViewOf(m)
	}
	v.Style, v.Script = template.CSS(joinCSS), template.JS(joinJS)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", joinCSP)
	// The link carries tenant and organizer ids: keep it out of Referer
	// headers, caches and search engines.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(v.Status)
	if err := joinTemplate.Execute(w, v); err != nil {
		// Most often the reader went away mid-page; that is no error of ours.
		level := slog.LevelError
		if r.Context().Err() != nil {
			level = slog.LevelDebug
		}
		s.log.Log(r.Context(), level, "join page not written", "request-id", rawHeader(h, hdrRequestID), "err", err)
	}
}

func (s *Server) joinViewOf(m *meetd.Meeting) joinView {
	join := graph.JoinWebURL(s.cfg.BaseURL, m)
	start, end := m.Start.UTC(), m.End.UTC()
	v := joinView{
		Status:        http.StatusOK,
		Subject:       subjectOf(m),
		Organizer:     participantName(m.Organizer),
		StartUTC:      start.Format(time.RFC3339),
		EndUTC:        end.Format(time.RFC3339),
		Length:        humanDuration(start, end),
		JoinURL:       join,
		ICSURL:        icsPath(join),
		ICSName:       icsFileName(m),
		MeetingID:     m.JoinMeetingID,
		MeetingIDText: groupDigits(m.JoinMeetingID),
		Lobby:         lobbyText(m.Settings.LobbyBypassScope),
		DialIn:        "People who call in by phone wait in the lobby.",
	}
	v.Title = v.Subject
	v.StartText, v.Sep, v.EndText = utcSpan(start, end)
	if m.PasscodeRequired {
		v.Passcode = m.Passcode
	}
	if m.Settings.DialInBypass {
		v.DialIn = "People who call in by phone join directly."
	}
	if a := s.cfg.Audio; a.TollNumber != "" || a.TollFreeNumber != "" {
		v.Phone = &joinPhone{
			Toll: a.TollNumber, TollFree: a.TollFreeNumber, DialinURL: a.DialinURL,
			TollHref: telURL(a.TollNumber, m.ConferenceID), TollFreeHref: telURL(a.TollFreeNumber, m.ConferenceID),
		}
		if m.ConferenceID != "" {
			v.Phone.Conference = m.ConferenceID + "#"
			v.Phone.ConferenceText = groupDigits(m.ConferenceID) + "#"
		}
	}
	v.State, v.StateText = meetingState(s.now(), start, end)
	for _, a := range m.Attendees {
		name := participantName(a)
		if anonymized(m, a) {
			name = "Someone whose identity is hidden"
		}
		v.Attendees = append(v.Attendees, joinPerson{Name: name, Role: roleText(a.Role)})
	}
	return v
}

// anonymized reports whether the meeting hides the participant's identity:
// anonymizeIdentityForRoles names its role. A participant without a role is
// an attendee. The page and the .ics are public like the link, so they
// must not name someone the organizer chose to keep anonymous.
func anonymized(m *meetd.Meeting, p meetd.Participant) bool {
	role := p.Role
	if role == "" {
		role = meetd.RoleAttendee
	}
	return slices.Contains(m.Settings.AnonymizeIdentityForRoles, role)
}

// subjectOf is the meeting's subject, or a plain name when it has none.
func subjectOf(m *meetd.Meeting) string {
	if strings.TrimSpace(m.Subject) == "" {
		return "Online meeting"
	}
	return m.Subject
}

// icsPath is the path of the .ics download next to the join URL.
func icsPath(join string) string {
	u, err := url.Parse(join)
	if err != nil {
		return "meeting.ics"
	}
	return u.EscapedPath() + "/meeting.ics"
}

// telURL is a tel: link that dials the number and, after a pause, enters the
// conference id, as phones do for Teams invitations. html/template would
// refuse the tel: scheme, so only digits and a leading + get in.
func telURL(number, conference string) template.URL {
	var b strings.Builder
	for i, c := range number {
		if c >= '0' && c <= '9' || c == '+' && i == 0 {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	link := "tel:" + b.String()
	if conference != "" {
		link += ",," + conference + "%23"
	}
	return template.URL(link)
}

// participantName is the best name the meeting knows for a participant. An
// identity with nothing but an object id gets a plain description: a GUID
// means nothing to the people reading the page.
func participantName(p meetd.Participant) string {
	switch {
	case strings.TrimSpace(p.Identity.DisplayName) != "":
		return p.Identity.DisplayName
	case p.UPN != "":
		return p.UPN
	case p.Identity.Kind == meetd.IdentityPhone:
		return "A phone participant"
	case p.Identity.Kind == meetd.IdentityGuest:
		return "A guest"
	default:
		return "Someone without a display name"
	}
}

// roleText names a role that differs from plain attendee.
func roleText(r meetd.Role) string {
	switch r {
	case meetd.RolePresenter:
		return "presenter"
	case meetd.RoleCoorganizer:
		return "co-organizer"
	case meetd.RoleProducer:
		return "producer"
	default:
		return ""
	}
}
