package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/graph"
)

// joinAudio is the dial-in meetd is configured with in the join page tests.
var joinAudio = graph.AudioSettings{
	TollNumber:     "+1 425-555-0100",
	TollFreeNumber: "+1 800-555-0199",
	DialinURL:      "https://dialin.example.com/meetd",
}

// joinAttendees are invited to the join page tests' meetings: names, a
// role, an address with no name, and someone known by id only.
const joinAttendees = `[
 {"identity":{"user":{"id":"` + bob + `","displayName":"Bob Ngata"}},"upn":"bob@contoso.com","role":"presenter"},
 {"identity":{"user":{"id":"` + carol + `","displayName":"Carol \"CJ\" Jones"}},"upn":"carol@contoso.com","role":"attendee"},
 {"upn":"dave@fabrikam.com","role":"attendee"},
 {"identity":{"user":{"id":"1f35f2e6-9cab-44ad-8d5a-b74c14720009"}}}]`

// organizer mints Alice's delegated token with a readable sign-in name.
func (e *env) organizer() string {
	return e.mint(auth.TokenRequest{TenantID: tenantA, UserID: alice, UPN: "alice@contoso.com", Scopes: []string{meetd.ScopeReadWrite}})
}

// joinMeeting creates a meeting through the API as Alice, with the
// attendees above, and returns the created meeting.
func (e *env) joinMeeting(subject string, start, end time.Time) *response {
	e.t.Helper()
	body := `{"subject":` + jsonString(subject) + `,"startDateTime":"` + start.UTC().Format(time.RFC3339) +
		`","endDateTime":"` + end.UTC().Format(time.RFC3339) + `","participants":{"attendees":` + joinAttendees + `}}`
	return e.do("POST", "/v1.0/me/onlineMeetings", e.organizer(), body).want(e.t, http.StatusCreated)
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// requirePasscode turns on isPasscodeRequired in the store: Graph's create
// APIs ignore it (graph-facts.md), but meetings made elsewhere may have it.
func (e *env) requirePasscode(m *response) {
	e.t.Helper()
	ctx := context.Background()
	got, err := e.store.Meeting(ctx, tenantA, m.str("id"))
	if err != nil {
		e.t.Fatal(err)
	}
	got.PasscodeRequired = true
	got.Version++
	if err := e.store.UpdateMeeting(ctx, got); err != nil {
		e.t.Fatal(err)
	}
}

// page GETs the meeting's joinWebUrl.
func (e *env) page(m *response) *response {
	e.t.Helper()
	return e.do("GET", strings.TrimPrefix(m.str("joinWebUrl"), e.url), "", "")
}

// The page shows everything without JavaScript, escaped, with headers that
// keep it self-contained.
func TestJoinPageContent(t *testing.T) {
	e := newEnv(t, envOptions{audio: joinAudio})
	start := time.Now().UTC().Add(75*time.Hour + time.Minute).Truncate(time.Minute)
	m := e.joinMeeting(`Budget <review> & "Q3"`, start, start.Add(90*time.Minute))
	r := e.page(m).want(t, http.StatusOK)
	body := string(r.body)
	for _, want := range []string{
		`<html lang="en">`,
		`<title>Budget &lt;review&gt; &amp; &#34;Q3&#34; · meetd</title>`,
		`<h1 id="subject" dir="auto">Budget &lt;review&gt; &amp; &#34;Q3&#34;</h1>`, // dir: an RTL subject reads right to left
		`<strong id="organizer"><bdi>alice@contoso.com</bdi></strong>`,
		`<p id="state" class="state upcoming">Starts in 3 days 3 hours</p>`,
		`<time id="start" datetime="` + start.Format(time.RFC3339) + `">` + start.Format("Mon 2 Jan 2006, 15:04") + `</time>–<time id="end" datetime="` +
			start.Add(90*time.Minute).Format(time.RFC3339) + `">` + start.Add(90*time.Minute).Format("15:04") + `</time> UTC`,
		`Lasts <span id="length">1 hour 30 minutes</span>`,
		`<li><bdi>Bob Ngata</bdi> <span class="role">presenter</span></li>`, // bdi: a name's direction stays its own
		`<li><bdi>Carol &#34;CJ&#34; Jones</bdi></li>`,
		`<li><bdi>dave@fabrikam.com</bdi></li>`,
		`<li><bdi>Someone without a display name</bdi></li>`,
		`Attendees (4)`,
		`<a id="toll" href="tel:&#43;14255550100,,`,
		`>&#43;1 425-555-0100</a>`, // html/template escapes +
		`>&#43;1 800-555-0199</a>`,
		`<a id="dialin-url" href="https://dialin.example.com/meetd">`,
		`<p id="lobby">People in the organizer&#39;s organization join directly; everyone else waits in the lobby until admitted.</p>`,
		`<p id="lobby-phone">People who call in by phone wait in the lobby.</p>`,
		`role="status" aria-live="polite"`,
		`there is no video call here. Join by phone with the number below.`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "<review>") {
		t.Errorf("the subject is not escaped")
	}
	conf := regexp.MustCompile(`<code id="conference">(\d{3} \d{3} \d{3})#</code>`).FindStringSubmatch(body)
	if conf == nil {
		t.Fatalf("no conference id in groups of three")
	}
	digits := strings.ReplaceAll(conf[1], " ", "")
	if !strings.Contains(body, `data-copy="`+digits+`#"`) || !strings.Contains(body, `,,`+digits+`%23"`) {
		t.Errorf("the copy button and the tel: link should carry the conference id %s#", digits)
	}
	if !strings.Contains(body, `<code id="meeting-id">`+groupOf3(m.str("joinMeetingIdSettings.joinMeetingId"))+`</code>`) {
		t.Errorf("page lacks the meeting id %s", m.str("joinMeetingIdSettings.joinMeetingId"))
	}
	// Copy buttons need the script, so they start hidden.
	buttons := regexp.MustCompile(`<button[^>]*data-copy=[^>]*>`).FindAllString(body, -1)
	if len(buttons) != 3 {
		t.Errorf("copy buttons: got %d, want 3 (link, conference id, meeting id)", len(buttons))
	}
	for _, b := range buttons {
		if !strings.HasSuffix(b, " hidden>") {
			t.Errorf("copy button shown without the script: %s", b)
		}
	}
	// The primary action is honest: a calendar file, not a link to itself.
	if !regexp.MustCompile(`<a class="button primary" id="ics" href="/l/meetup-join/[^"]+/0/meeting.ics" download="Budget review Q3.ics" type="text/calendar">Add to calendar</a>`).MatchString(body) {
		t.Errorf("primary action is not the .ics download:\n%s", regexp.MustCompile(`(?s)<div class="actions">.*?</div>`).FindString(body))
	}
	if strings.Contains(body, "passcode") {
		t.Errorf("a meeting without isPasscodeRequired shows a passcode")
	}
	// Self-contained: no element loads anything; the policy allows only the
	// page's own style and script, by hash.
	for _, bad := range []string{" src=", "<link rel=\"stylesheet\"", "<img", "<iframe", "url(", "@import"} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds %q: it must load nothing", bad)
		}
	}
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'sha256-", "style-src 'sha256-", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy allows unsafe sources: %q", csp)
	}
	for k, want := range map[string]string{
		"Content-Type":    "text/html; charset=utf-8",
		"Referrer-Policy": "no-referrer",
		"Cache-Control":   "no-store",
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
}

func groupOf3(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// The server renders the state for browsers without JavaScript.
func TestJoinPageStates(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UTC()
	for _, c := range []struct {
		start, end time.Duration // from now
		class      string
		text       string
	}{
		{10*24*time.Hour + time.Hour, 10*24*time.Hour + 2*time.Hour, "upcoming", "Starts in 10 days"},
		{26*time.Hour + 30*time.Minute, 27 * time.Hour, "upcoming", "Starts in 1 day 2 hours"},
		{2*time.Hour + 5*time.Minute + 30*time.Second, 3 * time.Hour, "upcoming", "Starts in 2 hours 5 minutes"},
		{45*time.Minute + 30*time.Second, time.Hour, "upcoming", "Starts in 45 minutes"},
		{-10 * time.Minute, 50 * time.Minute, "live", "In progress"},
		{-2 * time.Hour, -time.Hour, "ended", "Ended"},
	} {
		m := e.joinMeeting("S", now.Add(c.start), now.Add(c.end))
		want := `<p id="state" class="state ` + c.class + `">` + c.text + `</p>`
		if body := string(e.page(m).want(t, http.StatusOK).body); !strings.Contains(body, want) {
			t.Errorf("start %v: got %s, want %s", c.start, regexp.MustCompile(`<p id="state"[^\n]*`).FindString(body), want)
		}
	}
}

// Without dial-in numbers the page says so instead of showing an empty
// block; a required passcode is shown with its Copy button.
func TestJoinPageNoPhonePasscode(t *testing.T) {
	e := newEnv(t)
	m := e.createOrGet("/me", e.organizer(), `{"externalId":"np"}`).want(t, http.StatusCreated)
	e.requirePasscode(m)
	body := string(e.page(m).want(t, http.StatusOK).body)
	if strings.Contains(body, `id="dialin"`) || strings.Contains(body, "lobby-phone") {
		t.Errorf("page without dial-in numbers shows a phone block")
	}
	for _, want := range []string{
		"there is no video call here. Ask the organizer how to join.",
		`<h1 id="subject" dir="auto">Online meeting</h1>`,
		`<p id="attendees">No attendees are listed.</p>`,
		`<code id="passcode">`,
		`id="copy-passcode"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	got, err := e.store.Meeting(context.Background(), tenantA, m.str("id"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `<code id="passcode">`+got.Passcode+`</code>`) {
		t.Errorf("page lacks the passcode %q", got.Passcode)
	}
}

// Deleted and unknown meetings get a page for people, with the right status.
func TestJoinPageMissing(t *testing.T) {
	e := newEnv(t)
	tok := e.organizer()
	m := e.createOrGet("/me", tok, `{"externalId":"gone"}`).want(t, http.StatusCreated)
	e.do("DELETE", "/v1.0/me/onlineMeetings/"+m.str("id"), tok, "").want(t, http.StatusNoContent)
	join := strings.TrimPrefix(m.str("joinWebUrl"), e.url)
	unknown := strings.Replace(join, "meeting_", "meeting_x", 1)
	for _, c := range []struct {
		path   string
		status int
		title  string
		reason string
	}{
		{join, http.StatusGone, "This meeting was deleted", "The organizer deleted this meeting"},
		{strings.SplitN(join, "?", 2)[0] + "/meeting.ics", http.StatusGone, "This meeting was deleted", "no longer works"},
		{unknown, http.StatusNotFound, "Meeting not found", "There is no meeting at this link"},
		{"/l/meetup-join/nonsense/0", http.StatusNotFound, "Meeting not found", "Check that you have the whole link"},
	} {
		r := e.do("GET", c.path, "", "").want(t, c.status)
		body := string(r.body)
		if !strings.Contains(body, `<h1 id="title">`+c.title+`</h1>`) || !strings.Contains(body, c.reason) {
			t.Errorf("%s: got %s, want title %q and %q", c.path, body, c.title, c.reason)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s: a missing meeting's page needs no script", c.path)
		}
		if got := r.header.Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", c.path, got)
		}
	}
}

// When the store cannot answer, people get a page that says so, not a
// Graph error body.
func TestJoinPageUnavailable(t *testing.T) {
	e := newEnv(t)
	m := e.createOrGet("/me", e.organizer(), `{"externalId":"down"}`).want(t, http.StatusCreated)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	r := e.page(m)
	if r.status < 500 {
		t.Fatalf("status with the store closed: got %d, want 5xx", r.status)
	}
	body := string(r.body)
	if !strings.Contains(body, `<h1 id="title">Meeting details are unavailable</h1>`) || strings.Contains(body, `"error"`) {
		t.Errorf("page with the store closed: got %s", body)
	}
	if got := r.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type: got %q, want text/html", got)
	}
}

// A meeting whose organizer anonymizes attendees' identities must not name
// them on its public page or in its .ics: anyone holding the link sees those.
func TestJoinPageAnonymizedAttendees(t *testing.T) {
	e := newEnv(t)
	m := e.do("POST", "/v1.0/me/onlineMeetings", e.organizer(),
		`{"subject":"Intake","endDateTime":"2031-03-14T10:30:00Z","anonymizeIdentityForRoles":["attendee"],`+
			`"participants":{"attendees":`+joinAttendees+`}}`).want(t, http.StatusCreated)
	page := string(e.page(m).want(t, http.StatusOK).body)
	ics := string(e.do("GET", icsOf(e, m), "", "").want(t, http.StatusOK).body)
	for _, hidden := range []string{"Carol", "carol@contoso.com", "dave@fabrikam.com"} {
		if strings.Contains(page, hidden) {
			t.Errorf("the page names the anonymized attendee %q", hidden)
		}
		if strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), hidden) {
			t.Errorf("the .ics names the anonymized attendee %q", hidden)
		}
	}
	// Bob is a presenter, whose identity is not anonymized.
	if !strings.Contains(page, "Bob Ngata") {
		t.Errorf("the page hides the presenter, whose role is not anonymized")
	}
	if !strings.Contains(page, "Attendees (4)") {
		t.Errorf("the page does not count every attendee")
	}
}
