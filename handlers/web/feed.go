package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"
	"github.com/rs/zerolog/hlog"
)

// feedToken is the installation's calendar feed token: an HMAC of the
// installation id and its generation (web.feed_generations) under a key
// derived from the session key. Nothing is stored: bumping the
// generation gives the feed a new token and the old one stops working.
func (h *Handler) feedToken(installationID int64) string {
	mac := hmac.New(sha256.New, h.feedKey)
	fmt.Fprintf(mac, "installation %d generation %d", installationID, h.cfg.FeedGenerations[installationID])
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// feed serves an installation's communications as iCalendar (RFC 5545).
// A wrong, old or malformed token is 404, like an installation that does
// not exist.
func (h *Handler) feed(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("installation"), 10, 64)
	token := trimICS(r.PathValue("file"))
	if err != nil || id <= 0 || token == "" || !hmac.Equal([]byte(token), []byte(h.feedToken(id))) {
		h.errorPage(w, r, http.StatusNotFound, "Not found", "There is no page at this address.")
		return
	}
	installed, err := h.reader.installedRepos(r.Context(), id)
	var repos []commsRepo
	if err == nil {
		repos, err = h.reader.commsRepos(r.Context(), installed)
	}
	if err == nil {
		// The open pull requests: an empty period lists no merged one.
		now := h.now()
		var cals []repoCalendar
		cals, err = h.calendars(r.Context(), repos, now, now)
		if err == nil {
			w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
			w.Header().Set("Cache-Control", "private, max-age=300")
			_, _ = w.Write([]byte(h.calendar(cals).Serialize()))
			return
		}
	}
	hlog.FromRequest(r).Error().Err(err).Int64("installation_id", id).Msg("web: reading the feed's communications failed")
	http.Error(w, "GitHub did not answer; try again later.", http.StatusBadGateway)
}

// eventUID is stable per communication of a pull request, and opaque: a
// notice's file name can name its subject, and a plain hash of a guessable
// path could be confirmed offline, so it is keyed.
func (h *Handler) eventUID(ref, path string) string {
	mac := hmac.New(sha256.New, h.feedKey)
	mac.Write([]byte("uid\x00" + strings.ToLower(ref) + "\x00" + path))
	return hex.EncodeToString(mac.Sum(nil)[:16]) + "@commsgate"
}

// icsText keeps a value on its line: the library escapes newlines but not
// a bare carriage return or other control characters, which lenient
// calendar parsers read as line breaks, so a title written in a pull
// request could add properties to subscribers' events.
func icsText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// calendar is one event per communication with a publish_at, at that
// instant, tentative while its pull request is open.
func (h *Handler) calendar(cals []repoCalendar) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//commsgate//communications calendar//EN")
	cal.SetName("commsgate: communications")
	now := h.now().UTC()
	for _, rc := range cals {
		for _, e := range rc.Cal.Entries {
			// A feed is fetched by calendar services and shared more widely
			// than the repository, and nobody reading it is asked who they
			// are: an embargoed notice is left out entirely, its time and
			// its existence included.
			if e.PublishAt.IsZero() || !e.MergedAt.IsZero() || e.Embargoed {
				continue
			}
			ev := cal.AddEvent(h.eventUID(e.Ref, e.Path))
			ev.SetDtStampTime(now)
			ev.SetStartAt(e.PublishAt.UTC())
			ev.SetEndAt(e.PublishAt.UTC())
			ev.SetStatus(ics.ObjectStatusTentative)
			ev.SetURL(e.Links.PR)
			title := e.Title
			if title == "" {
				title = e.Path
			}
			ev.SetSummary(icsText(title))
			ev.SetDescription(icsText(fmt.Sprintf("%s: %s (%s)", e.Ref, e.PRTitle, e.Path)))
		}
	}
	return cal
}
