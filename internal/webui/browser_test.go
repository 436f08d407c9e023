package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium headless through the journeys
// of the workbench, finding fields by their labels and buttons and links
// by their names, as a person does. One browser serves every test of the
// binary; each test gets its own tab in its own browser context (its own
// cookies), so two tabs are two people.

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
	browserStop = func() {}
)

func TestMain(m *testing.M) {
	code := m.Run()
	browserStop()
	os.Exit(code)
}

// inCI reports whether a missing outside tool must fail the test.
func inCI() bool { return os.Getenv("CI") == "true" }

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if inCI() {
		t.Fatal("no chromium on PATH; CI must install it (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: install it to run the browser tests")
	return ""
}

// tab is one person's browser tab.
type tab struct {
	t    *testing.T
	e    *env
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

func (e *env) tab(t *testing.T) *tab {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	path := chromiumPath(t)
	browserOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.WindowSize(1280, 1000))
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelB := chromedp.NewContext(actx)
		browserStop = func() { cancelB(); cancelA() }
		browserCtx, browserErr = bctx, chromedp.Do(bctx)
	})
	if browserErr != nil {
		t.Fatalf("start chromium: %v", browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	tb := &tab{t: t, e: e, ctx: ctx}
	if err := chromedp.Listen(ctx, tb.listen); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, m := range tb.errs {
			t.Errorf("browser console: %s", m)
		}
	})
	return tb
}

// listen collects what a page writes to the console as errors: no page
// may write any.
func (tb *tab) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			msg = "console.error: " + strings.Join(parts, " ")
		}
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			msg = "log: " + ev.Entry.Text + " " + ev.Entry.URL
		}
	}
	if msg != "" {
		tb.mu.Lock()
		tb.errs = append(tb.errs, msg)
		tb.mu.Unlock()
	}
}

// run runs steps with a deadline, failing the test on error.
func (tb *tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v\npage text:\n%s", what, err, tb.textNoFail())
	}
}

func eval[T any](tb *tab, js string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		tb.t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

func (tb *tab) textNoFail() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	if len(s) > 4000 {
		s = s[:4000]
	}
	return s
}

// open goes to a path of the test service and waits for the page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.run("open "+path, chromedp.Navigate(tb.e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// xq quotes a string for XPath.
func xq(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// field selects the control a label names, optionally inside a section
// or form found by its heading or label (scope is an XPath prefix).
func field(scope, label string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`%s//*[@id=string(%s//label[normalize-space(.)=%s][1]/@for)]`, scope, scope, xq(label)))
}

// named selects a button or link by its name (its text, hidden parts
// included), optionally inside scope.
func named(scope, name string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`%s//*[self::button or self::a][normalize-space(.)=%s]`, scope, xq(name)))
}

// formWith is the scope of the form holding a field labelled label.
func formWith(label string) string {
	return fmt.Sprintf(`//form[.//label[normalize-space(.)=%s]]`, xq(label))
}

// fill types into the field a label names, replacing what was there.
func (tb *tab) fill(scope, label, text string) {
	tb.t.Helper()
	tb.run("fill "+label, chromedp.Clear(field(scope, label)), chromedp.SendKeys(field(scope, label), text))
}

// choose picks the option shown as text in the drop-down a label names.
func (tb *tab) choose(scope, label, text string) {
	tb.t.Helper()
	tb.run("choose "+label+": "+text, chromedp.Query(field(scope, label), chromedp.After(func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) error {
		js := fmt.Sprintf(`(() => { const s = document.evaluate(%q, document, null, 9, null).singleNodeValue;
			const o = [...s.options].find(o => o.text.trim() === %q); if (!o) throw new Error("no option " + %q);
			s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`,
			strings.TrimPrefix(string(field(scope, label)), ""), text, text)
		_, err := chromedp.Evaluate[bool](js)(ctx, t)
		return err
	})))
}

// submit clicks a button or link that loads another page, and waits for it.
func (tb *tab) submit(scope, name string) {
	tb.t.Helper()
	tb.run("mark page", chromedp.Evaluate[chromedp.Void]("window.__stale = true"))
	tb.run("click "+name, chromedp.Click(named(scope, name)))
	tb.waitNewPage()
}

// waitNewPage waits until the marked page has been replaced and the new
// one has loaded; evaluating fails while the page is changing, so it
// retries.
func (tb *tab) waitNewPage() {
	tb.t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a loaded machine under the race detector is slow
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__stale && document.readyState === "complete"`))
		cancel()
		if err == nil && done {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.t.Fatalf("the next page never loaded; page text:\n%s", tb.textNoFail())
}

func (tb *tab) text() string {
	tb.t.Helper()
	return eval[string](tb, "document.body.innerText")
}

func (tb *tab) sees(wants ...string) {
	tb.t.Helper()
	txt := tb.text()
	for _, w := range wants {
		if !strings.Contains(txt, w) {
			tb.t.Errorf("page does not show %q; it shows:\n%s", w, clip(txt))
		}
	}
}

// seesSoon is sees for text a script writes after its request returns:
// the server may have saved before the page has heard back.
func (tb *tab) seesSoon(wants ...string) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		txt, missing := tb.text(), ""
		for _, w := range wants {
			if !strings.Contains(txt, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Errorf("page does not show %q; it shows:\n%s", missing, clip(txt))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tb *tab) seesNot(wants ...string) {
	tb.t.Helper()
	txt := tb.text()
	for _, w := range wants {
		if strings.Contains(txt, w) {
			tb.t.Errorf("page shows %q, which it should not", w)
		}
	}
}

func (tb *tab) path() string {
	tb.t.Helper()
	return eval[string](tb, "location.pathname + location.search + location.hash")
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// signIn signs in through the sign-in page, as a person does.
// The sign-in page speaks the browser's language (the person is not known
// yet), so the labels depend on it.
func (tb *tab) signIn(mail string) {
	tb.t.Helper()
	tb.open("/login")
	emailLabel, passLabel, button := "E-mailadres", "Wachtwoord", "Aanmelden"
	if eval[string](tb, "document.documentElement.lang") == "en" {
		emailLabel, passLabel, button = "E-mail address", "Password", "Sign in"
	}
	tb.fill("", emailLabel, mail)
	tb.fill("", passLabel, password)
	tb.submit("//form", button)
}

// axeViolation is one serious or critical accessibility problem.
type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

var (
	axeOnce sync.Once
	axeSrc  string
)

// axe runs axe-core (from npm, pinned in .ci/axe) on the open page and
// fails on every serious or critical violation of WCAG 2.1 A and AA.
func (tb *tab) axe() {
	tb.t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("..", "..", ".ci", "axe", "node_modules", "axe-core", "axe.min.js"))
		if err == nil {
			axeSrc = string(b)
		}
	})
	if axeSrc == "" {
		if inCI() {
			tb.t.Fatal("axe-core is missing: run npm ci in .ci/axe")
		}
		tb.t.Skip("axe-core is missing: run npm ci in .ci/axe to check accessibility")
	}
	eval[chromedp.Void](tb, axeSrc+";void 0")
	raw := eval[string](tb, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + (n.failureSummary || ""))}))))`,
		chromedp.EvalAwaitPromise)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		tb.t.Fatalf("axe result: %v: %s", err, raw)
	}
	for _, v := range vs {
		tb.t.Errorf("axe on %s: %s (%s): %s", tb.path(), v.ID, v.Help, strings.Join(v.Nodes, " | "))
	}
}

// keys sends key presses to whatever has the focus.
func (tb *tab) keys(k string) {
	tb.t.Helper()
	tb.run("keys", chromedp.KeyEvent(k))
}

// enter presses Enter as a keyboard does: one key-down that carries the
// character, then key-up. (chromedp's KeyEvent sends the character as an
// event of its own, which a page cannot cancel from its key-down handler,
// unlike a real key press.)
func (tb *tab) enter() {
	tb.t.Helper()
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
	up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
	tb.run("Enter", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, k := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, k); err != nil {
				return err
			}
		}
		return nil
	}))
}

// tabTo presses Tab until the element sel selects has the focus: proof
// that a keyboard reaches it. It gives up after 150 presses.
func (tb *tab) tabTo(sel chromedp.Search) {
	tb.t.Helper()
	js := fmt.Sprintf(`document.activeElement === document.evaluate(%q, document, null, 9, null).singleNodeValue`, string(sel))
	for range 150 {
		if eval[bool](tb, js) {
			return
		}
		tb.keys("\t")
	}
	tb.t.Fatalf("Tab never reached %s", sel)
}

// shot saves a screenshot of the page when STAKEMAP_SHOTS names a folder,
// for the README's tour.
func (tb *tab) shot(name string) {
	dir := os.Getenv("STAKEMAP_SHOTS")
	if dir == "" {
		return
	}
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// void drops an action's value, to run it among steps.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// forgive drops the console errors containing s that the test expects
// (a revoked link's image failing to load), waiting up to two seconds
// for them, and says how many there were.
func (tb *tab) forgive(s string) int {
	tb.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		tb.mu.Lock()
		n := 0
		kept := tb.errs[:0]
		for _, m := range tb.errs {
			if strings.Contains(m, s) {
				n++
			} else {
				kept = append(kept, m)
			}
		}
		tb.errs = kept
		tb.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openURL goes to an address of another server and waits for the page.
func (tb *tab) openURL(u string) {
	tb.t.Helper()
	tb.run("open "+u, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body")))
}
