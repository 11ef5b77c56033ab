package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/calendar"
)

// noCalls fails the test on any GitHub client it is asked for: a feed
// request with a wrong token must not reach GitHub at all.
type noCalls struct{ t *testing.T }

func (n noCalls) NewAppClient() (*github.Client, error) {
	n.t.Error("the app client was asked for")
	return github.NewClient(nil), nil
}

func (n noCalls) NewInstallationClient(id int64) (*github.Client, error) {
	n.t.Errorf("installation %d's client was asked for", id)
	return github.NewClient(nil), nil
}

func (n noCalls) List(context.Context, int64, string, string, time.Time, time.Time) (calendar.Calendar, error) {
	n.t.Error("the calendar was listed")
	return calendar.Calendar{}, errors.New("no calls")
}

func feedHandler(t *testing.T, generations map[int64]int) *Handler {
	t.Helper()
	h, err := New(Config{
		PublicURL: "https://commsgate.example.org", GitHubWebURL: "https://github.com", APIURL: "https://api.github.com/",
		ClientID: "Iv1.x", ClientSecret: "s", SessionKey: []byte(strings.Repeat("k", 32)),
		FeedGenerations: generations, Apps: noCalls{t}, Calendar: noCalls{t},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestFeedTokensArePerInstallationAndRotate(t *testing.T) {
	before := feedHandler(t, nil)
	after := feedHandler(t, map[int64]int{7: 1})
	switch {
	case before.feedToken(7) == before.feedToken(8):
		t.Error("two installations share a feed token")
	case before.feedToken(7) == after.feedToken(7):
		t.Error("bumping the generation did not rotate installation 7's token")
	case before.feedToken(8) != after.feedToken(8):
		t.Error("rotating installation 7 changed installation 8's token")
	case len(before.feedToken(7)) < 40:
		t.Errorf("token %q is short", before.feedToken(7))
	}
	for _, path := range []string{
		"/calendar/7/" + before.feedToken(7) + ".ics", // rotated away
		"/calendar/8/" + after.feedToken(7) + ".ics",  // another installation's
		"/calendar/7/" + after.feedToken(7),           // not .ics
		"/calendar/x/" + after.feedToken(7) + ".ics",
		"/calendar/7/.ics",
	} {
		rec := httptest.NewRecorder()
		after.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: HTTP %d, want 404", path, rec.Code)
		}
	}
}

// On https the cookies are Secure and carry the __Host- prefix.
func TestCookiesAreSecureOnHTTPS(t *testing.T) {
	h := feedHandler(t, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
	res := rec.Result()
	cks := res.Cookies()
	if len(cks) != 1 || cks[0].Name != "__Host-commsgate_oauth" || !cks[0].Secure || !cks[0].HttpOnly || cks[0].SameSite != http.SameSiteLaxMode || cks[0].Path != "/" {
		t.Fatalf("state cookie %+v: want __Host-, Secure, HttpOnly, SameSite=Lax, Path=/", cks)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "https://github.com/login/oauth/authorize?") || !strings.Contains(loc, "redirect_uri=https%3A%2F%2Fcommsgate.example.org%2Foauth%2Fcallback") || !strings.Contains(loc, "state=") {
		t.Errorf("login redirects to %q", loc)
	}
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS on https")
	}
}

// A carriage return in a title must not reach the feed: lenient calendar
// parsers read it as a line break, and the title is written in a pull
// request.
func TestICSTextKeepsAValueOnItsLine(t *testing.T) {
	if got := icsText("Freeze\r\nDTSTART:20000101T000000Z\x7f"); got != "Freeze  DTSTART:20000101T000000Z " {
		t.Errorf("icsText = %q", got)
	}
}
