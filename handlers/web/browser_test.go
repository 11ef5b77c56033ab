package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/commsgate/commsgate/handlers/sandbox"
)

// chromiumPath finds the browser: Debian's chromium, which .ci/run
// installs. Without one the test skips on a workstation and fails in CI
// (CI set), where a missing browser is a broken machine, not a pass.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium on the PATH, and CI is set: the browser tests must run (apt-get install -y chromium)")
	}
	t.Skip("no Chromium on the PATH: install it (apt-get install -y chromium) to run the browser tests")
	return ""
}

// artifacts is where the screenshots go: $COMMSGATE_ARTIFACTS (CI keeps
// .ci/artifacts) or a temporary directory, logged either way.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("COMMSGATE_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = filepath.Join(dir, "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
		// A closed network: nothing but loopback is reachable.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// In a real browser: a Steering member signs in through the fake GitHub's
// OAuth with the keyboard and sees the communication pull requests; they
// sign out; an outsider without read access signs in and sees nothing of
// them, the embargoed advisory included.
func TestBrowserSignInSeeAndSignOut(t *testing.T) {
	ctx := newBrowser(t)
	sb := startSandbox(t)
	dir := artifacts(t)
	member := sandbox.Steering[0]

	sb.GitHub.SetOAuthUser(member)
	if err := chromedp.Do(ctx, chromedp.Navigate(sb.BaseURL+"/"), chromedp.WaitVisible("#sign-in")); err != nil {
		t.Fatalf("the sign-in page: %v", err)
	}
	screenshot(t, ctx, dir, "1-sign-in")
	// Keyboard only: the first Tab reaches the skip link, the next the
	// home link, the next the sign-in button; Enter follows it.
	for _, want := range []string{"Skip to content", "commsgate", "Sign in with GitHub"} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.activeElement.textContent"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(focused) != want {
			t.Fatalf("Tab focused %q, want %q", focused, want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible("#signed-in-user")); err != nil {
		t.Fatalf("signing in with the keyboard: %v", err)
	}
	if who := text(t, ctx, "#signed-in-user"); who != member {
		t.Errorf("signed in as %q, want %q", who, member)
	}
	main := text(t, ctx, "main")
	for _, want := range []string{sandbox.CommsRepo, announcementTitle, advisoryTitle, "draft", "in review", "Calendar feeds"} {
		if !strings.Contains(main, want) {
			t.Errorf("the member's page lacks %q:\n%s", want, main)
		}
	}
	screenshot(t, ctx, dir, "2-steering-member")

	if err := chromedp.Do(ctx, chromedp.Click(`button[type="submit"]`), chromedp.WaitVisible("#sign-in")); err != nil {
		t.Fatalf("signing out: %v", err)
	}
	screenshot(t, ctx, dir, "3-signed-out")

	sb.GitHub.SetOAuthUser(sandbox.Outsider)
	if err := chromedp.Do(ctx, chromedp.Click("#sign-in"), chromedp.WaitVisible("#no-repositories")); err != nil {
		t.Fatalf("the outsider signing in: %v", err)
	}
	if who := text(t, ctx, "#signed-in-user"); who != sandbox.Outsider {
		t.Errorf("signed in as %q, want %q", who, sandbox.Outsider)
	}
	html, err := chromedp.Run(ctx, chromedp.OuterHTML("html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{sandbox.CommsRepo, announcementTitle, advisoryTitle, advisorySubject, "kubelet", ".ics"} {
		if strings.Contains(strings.ToLower(html), strings.ToLower(leak)) {
			t.Errorf("the outsider's page shows %q", leak)
		}
	}
	screenshot(t, ctx, dir, "4-outsider")
}

// In a real browser: a Steering member opens the calendar, finds the
// scheduled notices on their days and the collision on both of its
// notices, opens a notice page and follows its pull request link; the
// week view; an outsider finds nothing of example/comms on the calendar
// and no notice page. Screenshots of the month, week and notice pages.
func TestBrowserCalendarAndNoticePage(t *testing.T) {
	ctx := newBrowser(t)
	sb := startSandbox(t)
	freeze, _ := openColliding(t, sb)
	dir := artifacts(t)

	sb.GitHub.SetOAuthUser(sandbox.Steering[0])
	if err := chromedp.Do(ctx, chromedp.Navigate(sb.BaseURL+"/login"), chromedp.WaitVisible("#signed-in-user")); err != nil {
		t.Fatalf("signing in: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#open-calendar"), chromedp.WaitVisible(".controls")); err != nil {
		t.Fatalf("opening the calendar from the first page: %v", err)
	}
	// The controls are a plain GET form: choose the month and the zone
	// with the keyboard-reachable fields and submit.
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#at", "2027-02-01"), chromedp.SetValue("#tz", "UTC"), chromedp.SetValue("#view", "month"),
		chromedp.Click(`.controls button[type="submit"]`), chromedp.WaitVisible("#day-2027-02-16"),
	); err != nil {
		t.Fatalf("choosing February 2027 in UTC: %v", err)
	}
	if h1 := text(t, ctx, "h1"); h1 != "Calendar: February 2027" {
		t.Errorf("heading %q", h1)
	}
	for day, wants := range map[string][]string{
		"#day-2027-02-16": {"16:00", "in review (sig)", "CVE-2027-10231"},
		"#day-2027-02-09": {"16:00 scheduled", freezeTitle, "⚠ collides with example/comms#4", "17:00", retirementTitle, "⚠ collides with example/comms#3", "window"},
	} {
		got := text(t, ctx, day)
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q: %q", day, want, got)
			}
		}
	}
	if got := text(t, ctx, "#collision-list"); !strings.Contains(got, freezeTitle) || !strings.Contains(got, retirementTitle) {
		t.Errorf("the collision list: %q", got)
	}
	screenshot(t, ctx, dir, "5-calendar-month")
	if png, err := chromedp.Run(ctx, chromedp.Screenshot("#month")); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "calendar-month-content.png"), png, 0o644)
	}

	// The freeze's entry leads to its notice page, which names the other.
	sel := fmt.Sprintf(`#day-2027-02-09 a[href^="/notice/example/comms/%d"]`, freeze.Number)
	if err := chromedp.Do(ctx, chromedp.Click(sel), chromedp.WaitVisible("#ladder")); err != nil {
		t.Fatalf("opening the freeze's notice page: %v", err)
	}
	notice := text(t, ctx, "main")
	for _, want := range []string{freezeTitle, "Approval ladder", "Approved by " + sandbox.SIGNodeLeads[0], "Asia/Tokyo", "collides with example/comms#4", "Its checks"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the notice page lacks %q:\n%s", want, notice)
		}
	}
	screenshot(t, ctx, dir, "6-notice")
	prURL := fmt.Sprintf("%s/%s/pull/%d", sb.GitHub.URL(), sandbox.CommsRepo, freeze.Number)
	if err := chromedp.Do(ctx, chromedp.Click("#pr-link")); err != nil {
		t.Fatal(err)
	}
	var at string
	for i := 0; i < 50 && at != prURL; i++ {
		at, _ = chromedp.Run(ctx, chromedp.Location())
		time.Sleep(100 * time.Millisecond)
	}
	if at != prURL {
		t.Errorf("following the pull request link went to %q, want %q", at, prURL)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(sb.BaseURL+"/calendar?view=week&at=2027-02-09&tz=UTC"), chromedp.WaitVisible("#week")); err != nil {
		t.Fatalf("the week view: %v", err)
	}
	if got := text(t, ctx, "#week"); !strings.Contains(got, freezeTitle) || !strings.Contains(got, "Tue 9 Feb") {
		t.Errorf("the week view lacks the freeze: %q", got)
	}
	screenshot(t, ctx, dir, "7-calendar-week")

	// The outsider: nothing of example/comms, and no notice page.
	if err := chromedp.Do(ctx, chromedp.Navigate(sb.BaseURL+"/"), chromedp.Click(".who button"), chromedp.WaitVisible("#sign-in")); err != nil {
		t.Fatalf("signing out: %v", err)
	}
	sb.GitHub.SetOAuthUser(sandbox.Outsider)
	if err := chromedp.Do(ctx, chromedp.Click("#sign-in"), chromedp.WaitVisible("#signed-in-user"),
		chromedp.Navigate(sb.BaseURL+"/calendar?view=month&at=2027-02-01&tz=UTC"), chromedp.WaitVisible("#month")); err != nil {
		t.Fatalf("the outsider's calendar: %v", err)
	}
	html, err := chromedp.Run(ctx, chromedp.OuterHTML("html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{sandbox.CommsRepo, advisorySubject, "kubelet", freezeTitle, "/notice/", "⚠ collides"} {
		if strings.Contains(strings.ToLower(html), strings.ToLower(leak)) {
			t.Errorf("the outsider's calendar shows %q", leak)
		}
	}
	screenshot(t, ctx, dir, "8-outsider-calendar")
	if err := chromedp.Do(ctx, chromedp.Navigate(sb.BaseURL+"/notice/example/comms/2"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	if h1, body := text(t, ctx, "h1"), text(t, ctx, "main"); h1 != "Not found" || strings.Contains(strings.ToLower(body), "kubelet") {
		t.Errorf("the outsider's notice page: %q, %q", h1, body)
	}
}
