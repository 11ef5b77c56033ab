package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
	"github.com/commsgate/commsgate/handlers/web"
)

// The pull requests the tests open in the sandbox's communications
// repository: an announcement and an embargoed security advisory.
const (
	announcementTitle = "Contributor summit notice"
	advisoryTitle     = "Kubelet proxy advisory"
	advisorySubject   = "CVE-2027-10231" // in the advisory's own title
)

func startSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{Reporter: t})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	read := func(name string) string { return readComms(t, name) }
	sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: announcementTitle, Draft: true,
		Files: map[string]string{"comms/2027-01-26-contributor-summit.md": read("2027-01-26-contributor-summit.md")},
	})
	sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: advisoryTitle,
		Files: map[string]string{"comms/2027-02-16-kubelet-proxy-cve.md": read("2027-02-16-kubelet-proxy-cve.md")},
	})
	return sb
}

// readComms is a notice of the example repository.
func readComms(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/repo/comms/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// browser is an HTTP client with a cookie jar, as a browser keeps cookies.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// signIn goes through /login, the fake's authorization and the callback
// as login, and returns the page it lands on.
func signIn(t *testing.T, sb *sandbox.Sandbox, c *http.Client, login string) string {
	t.Helper()
	sb.GitHub.SetOAuthUser(login)
	return get(t, c, sb.BaseURL+"/login", http.StatusOK)
}

func get(t *testing.T, c *http.Client, u string, status int) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: HTTP %d, want %d:\n%s", u, resp.StatusCode, status, body)
	}
	return string(body)
}

// The security rule: a person sees only the communications of
// repositories they can read. An outsider without read access to
// example/comms gets nothing of it, embargoed or not.
func TestOutsiderSeesNothingOfARepositoryTheyCannotRead(t *testing.T) {
	sb := startSandbox(t)
	member := signIn(t, sb, browser(t), sandbox.Steering[0])
	for _, want := range []string{sandbox.Steering[0], sandbox.CommsRepo, announcementTitle, advisoryTitle, "draft", "in review", "Calendar feeds"} {
		if !strings.Contains(member, want) {
			t.Errorf("a Steering member's page lacks %q:\n%s", want, member)
		}
	}
	c2 := browser(t)
	outsider := signIn(t, sb, c2, sandbox.Outsider)
	if !strings.Contains(outsider, sandbox.Outsider) || !strings.Contains(outsider, "None of the repositories you can read") {
		t.Errorf("the outsider's page does not say they can read nothing:\n%s", outsider)
	}
	for _, leak := range []string{sandbox.CommsRepo, announcementTitle, advisoryTitle, "kubelet", "/calendar/"} {
		if strings.Contains(strings.ToLower(outsider), strings.ToLower(leak)) {
			t.Errorf("the outsider's page shows %q:\n%s", leak, outsider)
		}
	}
	// Anyone with a GitHub account can sign in: one who can read nothing
	// here must not make the app list what it sees.
	sb.GitHub.ResetRequests()
	get(t, c2, sb.BaseURL+"/", http.StatusOK)
	for _, r := range sb.GitHub.Requests() {
		if strings.HasPrefix(r.Path, "/installation/") || strings.HasPrefix(r.Path, "/app/installations") {
			t.Errorf("the outsider's page made the app read %s %s", r.Method, r.Path)
		}
	}
}

func TestAccessIsWhatTheUsersOwnTokenReaches(t *testing.T) {
	sb := startSandbox(t)
	client := func(login string) *github.Client {
		c := github.NewClient(nil).WithAuthToken(sb.GitHub.UserToken(sb.App.ID, login))
		c.BaseURL, _ = url.Parse(sb.GitHub.URL() + "/")
		return c
	}
	member, err := web.LoadAccess(context.Background(), client(sandbox.Steering[0]))
	if err != nil {
		t.Fatal(err)
	}
	outsider, err := web.LoadAccess(context.Background(), client(sandbox.Outsider))
	if err != nil {
		t.Fatal(err)
	}
	if !member.CanRead(sandbox.CommsRepo) || outsider.CanRead(sandbox.CommsRepo) {
		t.Fatalf("CanRead(%s): member %v, outsider %v; want true, false", sandbox.CommsRepo, member.CanRead(sandbox.CommsRepo), outsider.CanRead(sandbox.CommsRepo))
	}
	items := []string{sandbox.CommsRepo, "EXAMPLE/Comms", "example/elsewhere"}
	same := func(s string) string { return s }
	if got := web.Visible(outsider, items, same); len(got) != 0 {
		t.Errorf("Visible for the outsider = %v, want nothing", got)
	}
	if got := web.Visible(member, items, same); len(got) != 2 {
		t.Errorf("Visible for the member = %v, want example/comms in both spellings", got)
	}
}

func TestSessionCookiesHeadersAndLogout(t *testing.T) {
	sb := startSandbox(t)
	c := browser(t)
	page := signIn(t, sb, c, sandbox.Steering[0])

	resp, err := http.Get(sb.BaseURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Errorf("security headers missing: %v", resp.Header)
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "style=") || strings.Contains(page, "<style") {
		t.Errorf("the page has inline script or style:\n%s", page)
	}

	// Signing in again records the Set-Cookie attributes (the jar hides them).
	sb.GitHub.SetOAuthUser(sandbox.Steering[0])
	noFollow := &http.Client{Jar: c.Jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err = noFollow.Get(sb.BaseURL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "commsgate_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.MaxAge <= 0 || session.MaxAge > 8*3600 {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on http, at most 8 hours", session)
	}
	if strings.Contains(session.Value, "ghu_") {
		t.Errorf("the session cookie shows the token")
	}

	// A sign-out without the form's CSRF token is refused.
	resp, err = c.PostForm(sb.BaseURL+"/logout", url.Values{"csrf": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a forged CSRF token: HTTP %d, want 403", resp.StatusCode)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(get(t, c, sb.BaseURL+"/", http.StatusOK))
	if csrf == nil {
		t.Fatal("no CSRF token in the sign-out form")
	}
	resp, err = c.PostForm(sb.BaseURL+"/logout", url.Values{"csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Sign in with GitHub") || strings.Contains(string(body), advisoryTitle) {
		t.Errorf("after signing out the page is not the sign-in page:\n%s", body)
	}
}

func TestCallbackRefusesAStateItDidNotIssue(t *testing.T) {
	sb := startSandbox(t)
	c := browser(t)
	get(t, c, sb.BaseURL+"/oauth/callback?code=abc&state=forged", http.StatusBadRequest)
	// A state of its own does not help another browser: the cookie is
	// this browser's.
	sb.GitHub.SetOAuthUser(sandbox.Steering[0])
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(sb.BaseURL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	get(t, c, resp.Header.Get("Location"), http.StatusBadRequest) // follows to the callback with the other browser's jar
}

func TestFeedIsRFC5545WithEmbargoedNoticesLeftOut(t *testing.T) {
	sb := startSandbox(t)
	page := signIn(t, sb, browser(t), sandbox.Steering[0])
	m := regexp.MustCompile(`value="(http://[^"]+\.ics)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no feed address on a Steering member's page:\n%s", page)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	body, _ := io.ReadAll(resp.Body)
	cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("the feed does not parse as iCalendar: %v\n%s", err, body)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1 (the embargoed advisory is left out):\n%s", len(events), body)
	}
	summaries := map[string]string{}
	for _, ev := range events {
		summaries[ev.GetProperty(ics.ComponentPropertySummary).Value] = ev.GetProperty(ics.ComponentPropertyDtStart).Value
	}
	if summaries["Contributor summit registration is open"] != "20270126T160000Z" {
		t.Errorf("events = %v", summaries)
	}
	if strings.Contains(string(body), advisorySubject) || strings.Contains(strings.ToLower(string(body)), "kubelet") || strings.Contains(string(body), "20270216T160000Z") {
		t.Errorf("the feed shows the embargoed notice, its subject or its time:\n%s", body)
	}
	wrong := strings.Replace(m[1], ".ics", "x.ics", 1)
	get(t, http.DefaultClient, wrong, http.StatusNotFound)
}

// Page loads share one listing of the app's repositories for a while:
// anyone with a GitHub account can sign in and reload, and each listing
// spends the installations' rate limits, which the approval gate needs.
func TestPagesShareTheAppsRepositoryListing(t *testing.T) {
	sb := startSandbox(t)
	c := browser(t)
	signIn(t, sb, c, sandbox.Steering[0]) // lists the repositories once
	sb.GitHub.ResetRequests()
	for _, page := range []string{"/", "/calendar", "/report"} {
		get(t, c, sb.BaseURL+page, http.StatusOK)
	}
	for _, r := range sb.GitHub.Requests() {
		if strings.HasPrefix(r.Path, "/installation/repositories") || strings.HasPrefix(r.Path, "/app/installations") {
			t.Errorf("a page listed the app's repositories again: %s %s", r.Method, r.Path)
		}
	}
}
