package server

import (
	_ "embed"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

//go:embed join.html
var joinHTML string

// joinTemplate is parsed once: the page has no external assets, so it works
// offline; its CSS and the small script for local times are inline.
var joinTemplate = template.Must(template.New("join").Parse(joinHTML))

// joinView is what the join page shows.
type joinView struct {
	Status     int
	Title      string
	Missing    string // "deleted" or "unknown" when there is no meeting to show
	Subject    string
	Organizer  string
	StartUTC   string // RFC 3339, for <time datetime> and the script
	EndUTC     string
	StartText  string // the UTC text shown without JavaScript
	EndText    string
	State      string // "upcoming", "live" or "ended"
	StateText  string
	Attendees  []string
	JoinURL    string
	ICSURL     string
	TollNumber string
	TollFree   string
	DialinURL  string
	Conference string
	Passcode   string
	Lobby      string
	DialIn     string
}

// joinPage serves the page that joinWebUrl opens, and its .ics download.
func (s *Server) joinPage(w http.ResponseWriter, r *http.Request) {
	thread := r.PathValue("thread")
	rest := r.PathValue("rest")
	m, deleted, err := s.cfg.Service.Store().MeetingByThread(r.Context(), thread)
	v := joinView{Status: http.StatusOK}
	switch {
	case meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && deleted:
		v.Status, v.Missing, v.Title = http.StatusNotFound, "unknown", "Meeting not found"
		if deleted {
			v.Status, v.Missing, v.Title = http.StatusGone, "deleted", "This meeting was deleted"
		}
	case err != nil:
		s.writeError(w, r, err)
		return
	default:
		if strings.HasSuffix(rest, "meeting.ics") {
			s.writeICS(w, m)
			return
		}
		v = s.joinViewOf(m)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(v.Status)
	if err := joinTemplate.Execute(w, v); err != nil {
		s.log.Error("join page", "err", err)
	}
}

func (s *Server) joinViewOf(m *meetd.Meeting) joinView {
	join := graph.JoinWebURL(s.cfg.BaseURL, m)
	v := joinView{
		Status:     http.StatusOK,
		Title:      m.Subject,
		Subject:    m.Subject,
		Organizer:  participantName(m.Organizer),
		StartUTC:   m.Start.UTC().Format(time.RFC3339),
		EndUTC:     m.End.UTC().Format(time.RFC3339),
		StartText:  m.Start.UTC().Format("Mon 2 Jan 2006, 15:04 UTC"),
		EndText:    m.End.UTC().Format("Mon 2 Jan 2006, 15:04 UTC"),
		JoinURL:    join,
		ICSURL:     strings.SplitN(join, "?", 2)[0] + "/meeting.ics",
		TollNumber: s.cfg.Audio.TollNumber,
		TollFree:   s.cfg.Audio.TollFreeNumber,
		DialinURL:  s.cfg.Audio.DialinURL,
		Conference: m.ConferenceID,
		Lobby:      lobbyText(m.Settings.LobbyBypassScope),
		DialIn:     "People who dial in by phone wait in the lobby.",
	}
	if v.Title == "" {
		v.Title, v.Subject = "Online meeting", "Online meeting"
	}
	if m.PasscodeRequired {
		v.Passcode = m.Passcode
	}
	if m.Settings.DialInBypass {
		v.DialIn = "People who dial in by phone join directly."
	}
	now := s.now()
	switch {
	case now.Before(m.Start):
		v.State, v.StateText = "upcoming", "Starts in "+humanDuration(m.Start.Sub(now))
	case now.Before(m.End):
		v.State, v.StateText = "live", "In progress"
	default:
		v.State, v.StateText = "ended", "Ended"
	}
	for _, a := range m.Attendees {
		v.Attendees = append(v.Attendees, participantName(a))
	}
	return v
}

// participantName is the best name the meeting knows for a participant.
func participantName(p meetd.Participant) string {
	switch {
	case p.Identity.DisplayName != "":
		return p.Identity.DisplayName
	case p.UPN != "":
		return p.UPN
	default:
		return p.Identity.ID
	}
}

// lobbyText says who waits in the lobby, in plain words.
func lobbyText(scope string) string {
	switch scope {
	case "organizer":
		return "Only the organizer joins directly; everyone else waits in the lobby."
	case "organization":
		return "People in the organization and its guests join directly; others wait in the lobby."
	case "organizationAndFederated":
		return "People in the organization and trusted organizations join directly; others wait in the lobby."
	case "organizationExcludingGuests":
		return "People in the organization join directly; guests and others wait in the lobby."
	case "invited":
		return "People who were invited join directly; others wait in the lobby."
	case "everyone":
		return "Everyone joins directly; there is no lobby."
	default:
		return "Some people may wait in the lobby until admitted."
	}
}

// humanDuration renders a wait as "3 days", "2 hours", "5 minutes" or "less
// than a minute".
func humanDuration(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return itoa(n) + " " + unit + "s"
	}
	switch {
	case d >= 48*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute:
		return plural(int(d/time.Minute), "minute")
	default:
		return "less than a minute"
	}
}
