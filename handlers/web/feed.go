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
		var comms []repoComms
		comms, err = h.reader.openCommunications(r.Context(), repos)
		if err == nil {
			w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
			w.Header().Set("Cache-Control", "private, max-age=300")
			_, _ = w.Write([]byte(h.calendar(comms).Serialize()))
			return
		}
	}
	hlog.FromRequest(r).Error().Err(err).Int64("installation_id", id).Msg("web: reading the feed's communications failed")
	http.Error(w, "GitHub did not answer; try again later.", http.StatusBadGateway)
}

// embargoedSummary stands for an embargoed notice's title: a feed is
// fetched by calendar services and shared more widely than the
// repository, so an embargo's subject never enters it.
const embargoedSummary = "Embargoed communication"

// eventUID is stable per communication of a pull request, and opaque: a
// notice's file name can name an embargo's subject.
func eventUID(ref, path string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(ref) + "\x00" + path))
	return hex.EncodeToString(sum[:16]) + "@commsgate"
}

// calendar is one event per communication with a publish_at, at that
// instant, tentative while its pull request is open.
func (h *Handler) calendar(comms []repoComms) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//commsgate//communications calendar//EN")
	cal.SetName("commsgate: communications")
	now := h.now().UTC()
	for _, rc := range comms {
		for _, pr := range rc.Pulls {
			for _, n := range pr.Notices {
				if n.PublishAt.IsZero() {
					continue
				}
				ref := fmt.Sprintf("%s#%d", pr.Repo, pr.Number)
				ev := cal.AddEvent(eventUID(ref, n.Path))
				ev.SetDtStampTime(now)
				ev.SetStartAt(n.PublishAt.UTC())
				ev.SetEndAt(n.PublishAt.UTC())
				ev.SetStatus(ics.ObjectStatusTentative)
				ev.SetURL(pr.URL)
				if n.Embargo {
					ev.SetSummary(embargoedSummary)
					ev.SetDescription(ref)
					ev.SetClass(ics.ClassificationConfidential)
					continue
				}
				title := n.Title
				if title == "" {
					title = n.Path
				}
				ev.SetSummary(title)
				ev.SetDescription(fmt.Sprintf("%s: %s (%s)", ref, pr.Title, n.Path))
			}
		}
	}
	return cal
}
