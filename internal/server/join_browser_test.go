package server_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The join page is for people, so its tests run it in a real headless
// Chromium: one browser for the test, a fresh tab for each case, and
// deadlines on both so a stuck browser fails the test instead of holding CI.
const (
	browserDeadline = 3 * time.Minute
	tabDeadline     = 30 * time.Second
)

// chromium finds a headless-capable Chromium: $MEETD_TEST_CHROMIUM (which
// scripts/test.sh sets), else one on PATH. Without one the test skips, but
// under CI=true it fails: CI must prove the page.
func chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("MEETD_TEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("MEETD_TEST_CHROMIUM: %v", err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found and CI=true: install Debian's chromium (scripts/test.sh does) or set MEETD_TEST_CHROMIUM")
	}
	t.Skip("no Chromium found: install Debian's chromium or set MEETD_TEST_CHROMIUM")
	return ""
}

// chrome is a running headless Chromium.
type chrome struct {
	ctx context.Context
}

// startBrowser starts Chromium with a throw-away profile, offline but for
// the loopback server, and stops it when the test ends.
func startBrowser(t *testing.T) *chrome {
	t.Helper()
	path := chromium(t)
	// Not t.TempDir: Chromium's helpers may still write in the profile just
	// after it exits, and a failed removal would fail the test.
	profile, err := os.MkdirTemp("", "meetd-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.Flag("lang", "en-US"),
	)
	ctx, cancel := context.WithTimeout(context.Background(), browserDeadline)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &chrome{ctx: bctx}
}

// tab opens a tab that reads the page as a person in the zone and locale
// would, closed when the test ends.
func (b *chrome) tab(t *testing.T, zone, locale string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, tabDeadline)
	tctx, tcancel := chromedp.NewContext(ctx)
	t.Cleanup(func() { tcancel(); cancel() })
	must(t, "open tab", chromedp.Do(tctx))
	_, err := chromedp.Call(tctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
	must(t, "time zone "+zone, err)
	_, err = chromedp.Call(tctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale})
	must(t, "locale "+locale, err)
	// Headless tabs are never focused; the Clipboard API needs focus.
	_, err = chromedp.Call(tctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
	must(t, "focus", err)
	return tctx
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// open navigates the tab and returns the HTTP status of the page.
func open(t testing.TB, ctx context.Context, url string) int64 {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	must(t, "navigate to "+url, err)
	return res.Status
}

// text returns the rendered text (innerText) of the element with the id.
func text(t testing.TB, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, `document.getElementById(`+jsonString(id)+`).innerText`)
}

// eval evaluates a script in the tab, awaiting a promise.
func eval[T any](t testing.TB, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	must(t, "evaluate "+script, err)
	return v
}

// requests records the URL of every request the tab makes until stop.
func requests(ctx context.Context) (stop func() []string) {
	ctx, cancel := context.WithCancel(ctx)
	var (
		mu   sync.Mutex
		urls []string
		done = make(chan struct{})
	)
	events := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			urls = append(urls, ev.Request.URL)
			mu.Unlock()
		}
	}()
	return func() []string {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return urls
	}
}

// consoleMessages records what the tab writes to its console (errors,
// refused loads, CSP violations) until stop.
func consoleMessages(ctx context.Context) (stop func() []string) {
	ctx, cancel := context.WithCancel(ctx)
	var (
		mu   sync.Mutex
		msgs []string
		done = make(chan struct{})
	)
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			msgs = append(msgs, string(m.Type)+": "+m.String())
			mu.Unlock()
		}
	}()
	return func() []string {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return msgs
	}
}

// overflow lists the elements that stick out past the right edge of the
// viewport, and the page's scroll width against its inner width.
const overflowScript = `(() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5) out.push((el.id || el.tagName.toLowerCase()) + " ends at " + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, out: out};
})()`

type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Out         []string `json:"out"`
}

func (o overflow) String() string {
	return fmt.Sprintf("scrollWidth %d, innerWidth %d; past the edge: %s", o.ScrollWidth, o.InnerWidth, strings.Join(o.Out, ", "))
}
