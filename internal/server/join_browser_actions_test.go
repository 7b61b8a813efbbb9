package server_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// grantClipboard lets the meetd origin read and write the clipboard
// without a prompt, as a person who clicked "Allow" would.
func (f *joinFixture) grantClipboard(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    browser.PermissionSettingGranted,
			Origin:     f.e.url,
		})
		must(t, "grant "+name, err)
	}
}

// passcode is the fixture meeting's passcode, from the store.
func (f *joinFixture) passcode(t *testing.T) string {
	t.Helper()
	m, err := f.e.store.Meeting(context.Background(), tenantA, f.m.str("id"))
	must(t, "read the meeting", err)
	return m.Passcode
}

// waitFor polls a condition in the page; on timeout it fails showing what
// the page holds instead.
func waitFor(t testing.TB, ctx context.Context, cond, show string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v; the page shows %s", cond, err, eval[string](t, ctx, `JSON.stringify(`+show+`)`))
	}
}

// clickCopy clicks a Copy button and waits for its "Copied" and for the
// live region's announcement.
func clickCopy(t testing.TB, ctx context.Context, id, announcement string) {
	t.Helper()
	must(t, "click #"+id, chromedp.Do(ctx, chromedp.Click(chromedp.ID(id))))
	waitFor(t, ctx,
		`document.getElementById(`+jsonString(id)+`).innerText === "Copied" && document.getElementById("copy-status").innerText === `+jsonString(announcement),
		`[document.getElementById(`+jsonString(id)+`).innerText, document.getElementById("copy-status").innerText]`)
}

func (f *joinFixture) copy(t *testing.T) {
	ctx := f.b.tab(t, "UTC", "en_US")
	f.grantClipboard(t, ctx)
	open(t, ctx, f.url)
	if got := eval[string](t, ctx, `(s => s.getAttribute("role") + " " + s.getAttribute("aria-live"))(document.getElementById("copy-status"))`); got != "status polite" {
		t.Errorf("#copy-status: got role and aria-live %q, want a polite status region", got)
	}
	for _, c := range []struct{ button, want, announcement string }{
		{"copy-conference", f.conference, "Copied the conference ID."},
		{"copy-meeting-id", f.m.str("joinMeetingIdSettings.joinMeetingId"), "Copied the meeting ID."},
		{"copy-passcode", f.passcode(t), "Copied the passcode."},
		{"copy-link", f.url, "Copied the meeting link."},
	} {
		clickCopy(t, ctx, c.button, c.announcement)
		if got := eval[string](t, ctx, `navigator.clipboard.readText()`); got != c.want {
			t.Errorf("clipboard after #%s: got %q, want %q", c.button, got, c.want)
		}
	}
}

// Where the Clipboard API is missing (plain http on a LAN name is not a
// secure context), the buttons copy through a selected textarea.
func (f *joinFixture) copyFallback(t *testing.T) {
	ctx := f.b.tab(t, "UTC", "en_US")
	f.grantClipboard(t, ctx)
	open(t, ctx, f.url)
	eval[bool](t, ctx, `Object.defineProperty(navigator, "clipboard", {value: undefined, configurable: true}); navigator.clipboard === undefined`)
	clickCopy(t, ctx, "copy-passcode", "Copied the passcode.")
	if got := eval[string](t, ctx, `delete navigator.clipboard, navigator.clipboard.readText()`); got != f.passcode(t) {
		t.Errorf("clipboard after the fallback copy: got %q, want the passcode %q", got, f.passcode(t))
	}
}

// "Add to calendar" downloads a valid .ics named after the meeting.
func (f *joinFixture) download(t *testing.T) {
	ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
	dir := t.TempDir()
	events := true
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &events,
	})
	must(t, "allow downloads", err)
	open(t, ctx, f.url)
	begin := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	must(t, "click Add to calendar", chromedp.Do(ctx, chromedp.Click(chromedp.ID("ics"))))
	var name string
	for ev, err := range begin {
		must(t, "download start", err)
		name = ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		must(t, "download", err)
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("the download was canceled")
		}
	}
	if name != "Quarterly planning.ics" {
		t.Errorf("download name: got %q, want %q", name, "Quarterly planning.ics")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	must(t, "read the download", err)
	props := checkMeetingICS(t, data, f.m, "Quarterly planning", f.start, f.start.Add(90*time.Minute))
	if desc := icsUnescape(t, one(t, props, "DESCRIPTION").value); !strings.Contains(desc, "\nPasscode: "+f.passcode(t)) {
		t.Errorf("DESCRIPTION lacks the required passcode:\n%s", desc)
	}
}

// The page asks nothing of any server but meetd, and nothing of meetd but
// itself: its style, script and icon are inline, so it works offline. The
// console stays empty, so the policy refused nothing the page needs.
func (f *joinFixture) offline(t *testing.T) {
	ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
	f.grantClipboard(t, ctx)
	stopRequests, stopConsole := requests(ctx), consoleMessages(ctx)
	open(t, ctx, f.url)
	clickCopy(t, ctx, "copy-conference", "Copied the conference ID.")
	// The style and the script ran under the policy.
	if got := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); got != "rgb(243, 243, 246)" {
		t.Errorf("body background: got %s: the inline style did not apply", got)
	}
	if !visible(t, ctx, "#when-local") {
		t.Errorf("the local time is hidden: the inline script did not run")
	}
	urls, logs := stopRequests(), stopConsole()
	if len(urls) == 0 {
		t.Fatalf("no requests seen: the listener is broken")
	}
	for _, u := range urls {
		if u != f.url && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s; want only the page itself", u)
		}
	}
	for _, l := range logs {
		t.Errorf("console: %s", l)
	}
}

func (f *joinFixture) accessibility(t *testing.T) {
	for _, scheme := range []string{"light", "dark"} {
		ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		must(t, "emulate "+scheme, err)
		open(t, ctx, f.url)
		for _, low := range eval[[]string](t, ctx, contrastScript) {
			t.Errorf("%s scheme: contrast too low: %s", scheme, low)
		}
	}
	ctx := f.b.tab(t, "Asia/Tokyo", "en_US")
	open(t, ctx, f.url)
	for _, problem := range eval[[]string](t, ctx, structureScript) {
		t.Errorf("structure: %s", problem)
	}
	// Keyboard: Tab reaches the actions in order, with a visible outline.
	for _, want := range []string{"ics", "copy-link", "toll"} {
		must(t, "press Tab", chromedp.Do(ctx, chromedp.KeyEvent("\t")))
		got := eval[string](t, ctx, `(a => a.id + " " + getComputedStyle(a).outlineStyle + " " + getComputedStyle(a).outlineWidth)(document.activeElement)`)
		if got != want+" solid 3px" {
			t.Errorf("after Tab: got focus %q, want %q with a 3px solid outline", got, want)
		}
	}
}

// screenshots renders a meeting like a real one at desktop and phone sizes;
// with MEETD_UPDATE_SCREENSHOTS=1 it writes them to docs/ for the README.
func (f *joinFixture) screenshots(t *testing.T) {
	start := time.Now().UTC().Truncate(time.Hour).Add(27 * time.Hour)
	attendees := `[{"identity":{"user":{"id":"` + bob + `","displayName":"Bob Ngata"}},"upn":"bob@contoso.com","role":"presenter"},` +
		`{"identity":{"user":{"id":"` + carol + `","displayName":"Carol Jones"}},"upn":"carol@contoso.com","role":"attendee"},` +
		`{"identity":{"user":{"id":"1f35f2e6-9cab-44ad-8d5a-b74c14720004","displayName":"Priya Raman"}},"upn":"priya@contoso.com","role":"attendee"},` +
		`{"upn":"dave@fabrikam.com","role":"attendee"}]`
	m := f.e.do("POST", "/v1.0/me/onlineMeetings", f.e.organizer(), `{"subject":"Quarterly planning","startDateTime":"`+start.Format(time.RFC3339)+
		`","endDateTime":"`+start.Add(time.Hour).Format(time.RFC3339)+`","participants":{"attendees":`+attendees+`}}`).want(t, http.StatusCreated)
	f.e.requirePasscode(m)
	for _, c := range []struct {
		name   string
		w, h   int64
		scale  float64
		mobile bool
	}{
		{"desktop", 1280, 800, 1, false},
		{"phone", 375, 812, 2, true},
	} {
		ctx := f.b.tab(t, "America/Los_Angeles", "en_US")
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(c.scale)}
		if c.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		must(t, "viewport", chromedp.Do(ctx, chromedp.EmulateViewport(c.w, c.h, opts...)))
		open(t, ctx, m.str("joinWebUrl"))
		img, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(t, "screenshot", err)
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		must(t, "decode the screenshot", err)
		if w, h := int(float64(c.w)*c.scale), int(float64(c.h)*c.scale); cfg.Width != w || cfg.Height != h {
			t.Errorf("%s screenshot: got %d×%d, want %d×%d", c.name, cfg.Width, cfg.Height, w, h)
		}
		if os.Getenv("MEETD_UPDATE_SCREENSHOTS") == "1" {
			path := filepath.Join("..", "..", "docs", "join-page-"+c.name+".png")
			must(t, "write "+path, os.WriteFile(path, img, 0o644))
			t.Logf("wrote %s", path)
		}
	}
}
