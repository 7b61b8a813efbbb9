package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// joinFixture is the meeting the browser tests read, on a real meetd with
// dial-in numbers, and the browser that reads it.
type joinFixture struct {
	b          *chrome
	e          *env
	m          *response // the meeting as the API created it
	url        string    // its joinWebUrl
	start      time.Time
	server     string // the page as the server sent it
	conference string // "123456789#"
}

// The join page in a real browser: what a person sees, in their time zone,
// with and without JavaScript, on a desktop and on a phone, offline; its
// copy buttons, its calendar file, its accessibility; and the screenshots
// in docs/.
func TestJoinPageInBrowser(t *testing.T) {
	f := &joinFixture{b: startBrowser(t), e: newEnv(t, envOptions{audio: joinAudio})}
	f.start = time.Date(2031, 1, 15, 10, 0, 0, 0, time.UTC) // a Wednesday
	f.m = f.e.joinMeeting("Quarterly planning", f.start, f.start.Add(90*time.Minute))
	f.e.requirePasscode(f.m)
	f.url = f.m.str("joinWebUrl")
	f.server = string(f.e.page(f.m).want(t, http.StatusOK).body)
	f.conference = regexp.MustCompile(`data-copy="(\d{9}#)"`).FindStringSubmatch(f.server)[1]

	t.Run("text", f.text)
	t.Run("local time", f.localTime)
	t.Run("live state", f.liveState)
	t.Run("no javascript", f.noJavaScript)
	t.Run("missing meetings", f.missing)
	t.Run("phone", f.phone)
	t.Run("copy", f.copy)
	t.Run("copy without the Clipboard API", f.copyFallback)
	t.Run("add to calendar", f.download)
	t.Run("offline", f.offline)
	t.Run("accessibility", f.accessibility)
	t.Run("screenshots", f.screenshots)
}

func (f *joinFixture) text(t *testing.T) {
	ctx := f.b.tab(t, "America/New_York", "en_US")
	if got := open(t, ctx, f.url); got != http.StatusOK {
		t.Fatalf("status: got %d, want 200", got)
	}
	for id, want := range map[string]string{
		"subject":    "Quarterly planning",
		"organizer":  "alice@contoso.com",
		"state":      stateOf(f.server),
		"when-utc":   "Wed 15 Jan 2031, 10:00–11:30 UTC",
		"length":     "1 hour 30 minutes",
		"toll":       "+1 425-555-0100",
		"tollfree":   "+1 800-555-0199",
		"conference": groupOf3(strings.TrimSuffix(f.conference, "#")) + "#",
		"meeting-id": groupOf3(f.m.str("joinMeetingIdSettings.joinMeetingId")),
		"attendees":  "Bob Ngata presenter\nCarol \"CJ\" Jones\ndave@fabrikam.com\nSomeone without a display name",
		"lobby":      "People in the organizer's organization join directly; everyone else waits in the lobby until admitted.",
		"copy-link":  "Copy link",
		"ics":        "Add to calendar",
	} {
		if got := text(t, ctx, id); got != want {
			t.Errorf("#%s: got %q, want %q", id, got, want)
		}
	}
	if got := eval[string](t, ctx, `document.title`); got != "Quarterly planning · meetd" {
		t.Errorf("title: got %q", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("passcode").innerText`); got == "" {
		t.Errorf("the required passcode is not shown")
	}
}

// The local time under fixed zones and locales, for a known instant.
func (f *joinFixture) localTime(t *testing.T) {
	for _, c := range []struct {
		zone, locale, when, zoneLine string
	}{
		{"Asia/Tokyo", "en_US", "Wed, Jan 15, 2031, 7:00 – 8:30 PM GMT+9", "Your time zone: Asia/Tokyo · Lasts 1 hour 30 minutes"},
		{"America/New_York", "en_US", "Wed, Jan 15, 2031, 5:00 – 6:30 AM EST", "Your time zone: America/New_York · Lasts 1 hour 30 minutes"},
		{"Pacific/Auckland", "en_US", "Wed, Jan 15, 2031, 11:00 PM GMT+13 – Thu, Jan 16, 2031, 12:30 AM GMT+13", "Your time zone: Pacific/Auckland · Lasts 1 hour 30 minutes"},
		{"Europe/Berlin", "de_DE", "Mi., 15. Jan. 2031, 11:00–12:30 Uhr MEZ", "Your time zone: Europe/Berlin · Lasts 1 hour 30 minutes"},
		{"UTC", "en_US", "", "Lasts 1 hour 30 minutes"},
	} {
		ctx := f.b.tab(t, c.zone, c.locale)
		open(t, ctx, f.url)
		if got := text(t, ctx, "when-local"); got != c.when {
			t.Errorf("%s %s: local time: got %q, want %q", c.zone, c.locale, got, c.when)
		}
		if got := text(t, ctx, "when-utc"); got != "Wed 15 Jan 2031, 10:00–11:30 UTC" {
			t.Errorf("%s: the UTC time is no longer shown: got %q", c.zone, got)
		}
		if got := eval[string](t, ctx, `document.querySelector("#length").parentElement.innerText`); got != c.zoneLine {
			t.Errorf("%s: zone line: got %q, want %q", c.zone, got, c.zoneLine)
		}
	}
	// Across the end of daylight saving time each end keeps its own zone
	// name: formatRange gave one name for both, and so one instant.
	dst := f.e.joinMeeting("Across the change", time.Date(2030, 11, 3, 5, 30, 0, 0, time.UTC), time.Date(2030, 11, 3, 6, 30, 0, 0, time.UTC))
	ctx := f.b.tab(t, "America/New_York", "en_US")
	open(t, ctx, dst.str("joinWebUrl"))
	if got, want := text(t, ctx, "when-local"), "Sun, Nov 3, 2030, 1:30 AM EDT – Sun, Nov 3, 2030, 1:30 AM EST"; got != want {
		t.Errorf("across the end of DST: local time: got %q, want %q", got, want)
	}
}

// The script's live state says what the server says, for the same
// meetings, at every unit of the countdown.
func (f *joinFixture) liveState(t *testing.T) {
	ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
	now := time.Now()
	for _, c := range []struct{ start, end time.Duration }{
		{9*24*time.Hour + 30*time.Second, 10 * 24 * time.Hour},
		{26*time.Hour + 30*time.Minute + 30*time.Second, 27 * time.Hour},
		{2*time.Hour + 5*time.Minute + 30*time.Second, 3 * time.Hour},
		{45*time.Minute + 30*time.Second, time.Hour},
		{-10 * time.Minute, 50 * time.Minute},
		{-2 * time.Hour, -time.Hour},
	} {
		mm := f.e.joinMeeting("Countdown", now.Add(c.start), now.Add(c.end))
		want := stateOf(string(f.e.page(mm).body))
		open(t, ctx, mm.str("joinWebUrl"))
		if got := text(t, ctx, "state"); got != want {
			t.Errorf("start in %v: script says %q, server says %q", c.start, got, want)
		}
	}
}

func (f *joinFixture) noJavaScript(t *testing.T) {
	ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	must(t, "disable scripts", err)
	open(t, ctx, f.url)
	for sel, want := range map[string]string{
		"#subject":    "Quarterly planning",
		"#state":      stateOf(f.server),
		"#when-utc":   "Wed 15 Jan 2031, 10:00–11:30 UTC",
		"#toll":       "+1 425-555-0100",
		"#conference": groupOf3(strings.TrimSuffix(f.conference, "#")) + "#",
		"#organizer":  "alice@contoso.com",
		"#lobby":      "People in the organizer's organization join directly; everyone else waits in the lobby until admitted.",
	} {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must(t, "text of "+sel, err)
		if got != want {
			t.Errorf("%s without JavaScript: got %q, want %q", sel, got, want)
		}
	}
	// Copy buttons need the script, so they stay hidden, and the UTC
	// time is the time shown.
	for _, sel := range []string{"#copy-conference", "#copy-link", "#when-local", "#zone"} {
		if visible(t, ctx, sel) {
			t.Errorf("%s is shown without JavaScript", sel)
		}
	}
	if !visible(t, ctx, "#ics") {
		t.Errorf("Add to calendar is hidden without JavaScript")
	}
}

func (f *joinFixture) missing(t *testing.T) {
	tok := f.e.organizer()
	gone := f.e.createOrGet("/me", tok, `{"externalId":"browser-gone"}`).want(t, http.StatusCreated)
	f.e.do("DELETE", "/v1.0/me/onlineMeetings/"+gone.str("id"), tok, "").want(t, http.StatusNoContent)
	ctx := f.b.tab(t, "UTC", "en_US")
	for _, c := range []struct {
		url    string
		status int64
		title  string
	}{
		{gone.str("joinWebUrl"), http.StatusGone, "This meeting was deleted"},
		{f.e.url + "/l/meetup-join/19%3ameeting_nothere%40thread.v2/0", http.StatusNotFound, "Meeting not found"},
	} {
		if got := open(t, ctx, c.url); got != c.status {
			t.Errorf("%s: status got %d, want %d", c.title, got, c.status)
		}
		if got := text(t, ctx, "title"); got != c.title {
			t.Errorf("heading: got %q, want %q", got, c.title)
		}
		if got := text(t, ctx, "reason"); len(got) < 40 {
			t.Errorf("%s: the page should say why and what to do, got %q", c.title, got)
		}
	}
}

func (f *joinFixture) phone(t *testing.T) {
	long := f.e.joinMeeting("A_subject_with_no_spaces_that_is_far_too_long_for_a_phone_screen_"+strings.Repeat("x", 60), f.start, f.start.Add(time.Hour))
	// An attendee shown by a long address, as one without a display name is.
	longName := f.e.do("POST", "/v1.0/me/onlineMeetings", f.e.organizer(), `{"startDateTime":"2031-01-15T10:00:00Z","endDateTime":"2031-01-15T11:00:00Z",
		"participants":{"attendees":[{"upn":"firstname.lastname.department.team@subsidiary.contoso-international.com"}]}}`).want(t, http.StatusCreated)
	ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
	must(t, "phone viewport", chromedp.Do(ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)))
	for _, u := range []string{f.url, long.str("joinWebUrl"), longName.str("joinWebUrl"), f.e.url + "/l/meetup-join/unknown/0"} {
		open(t, ctx, u)
		if o := eval[overflow](t, ctx, overflowScript); o.ScrollWidth > o.InnerWidth || len(o.Out) > 0 || o.InnerWidth != 375 {
			t.Errorf("%s on a 375 px phone: %s", u, o)
		}
	}
}

// stateOf reads the state the server rendered.
func stateOf(page string) string {
	s := regexp.MustCompile(`<p id="state" class="state \w+">([^<]*)</p>`).FindStringSubmatch(page)
	if s == nil {
		return "(no state)"
	}
	return s[1]
}

// visible reports whether the element takes up room on the page; it asks
// the DOM, which works with scripts disabled.
func visible(t testing.TB, ctx context.Context, sel string) bool {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel), chromedp.AtLeast(0)))
	must(t, "find "+sel, err)
	if len(nodes) == 0 {
		t.Fatalf("no %s on the page", sel)
	}
	_, err = chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS(sel)))
	return err == nil
}
