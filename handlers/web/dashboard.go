package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/rs/zerolog/hlog"
)

// dashboardData is the signed-in page: the repositories the person can
// read with commsgate installed, each with its open communication pull
// requests, and the feeds they may subscribe to.
type dashboardData struct {
	Repos []repoComms
	Feeds []feedLink
}

// feedLink is an installation's calendar feed, offered to a person who
// can read every repository of the installation.
type feedLink struct {
	Account string
	URL     string
}

// sessionAccess returns the person's Access, from the cache or GitHub.
func (h *Handler) sessionAccess(ctx context.Context, s session) (Access, error) {
	now := h.now()
	if a, ok := h.access.get(s.ID, now); ok {
		return a, nil
	}
	a, err := LoadAccess(ctx, h.userClient(s.Token))
	if err != nil {
		return Access{}, err
	}
	h.access.put(s.ID, a, now)
	return a, nil
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	s, ok := h.cookies.sessionFrom(r, h.now())
	if !ok {
		h.render(w, r, http.StatusOK, "signin.html", page{Title: "Sign in"})
		return
	}
	log := hlog.FromRequest(r)
	access, err := h.sessionAccess(r.Context(), s)
	if err != nil {
		// A revoked or expired token: the person signs in again.
		log.Warn().Err(err).Str("user", s.Login).Msg("web: reading the user's access failed")
		h.cookies.clear(w, sessionCookie)
		h.errorPage(w, r, http.StatusUnauthorized, "Signed out", "GitHub no longer accepts this sign-in. Sign in again.")
		return
	}
	installed, err := h.reader.installedRepos(r.Context(), 0)
	var all []commsRepo
	if err == nil {
		all, err = h.reader.commsRepos(r.Context(), installed)
	}
	if err != nil {
		log.Error().Err(err).Msg("web: listing the app's repositories failed")
		h.errorPage(w, r, http.StatusBadGateway, "GitHub did not answer", "The repositories could not be read from GitHub. Try again in a minute.")
		return
	}
	// The rule of every page: only what the person can read, as GitHub
	// told their own token.
	visible := Visible(access, all, func(r commsRepo) string { return r.FullName })
	comms, err := h.reader.openCommunications(r.Context(), visible)
	if err != nil {
		log.Error().Err(err).Msg("web: reading the communications failed")
		h.errorPage(w, r, http.StatusBadGateway, "GitHub did not answer", "The pull requests could not be read from GitHub. Try again in a minute.")
		return
	}
	h.render(w, r, http.StatusOK, "dashboard.html", page{
		Title: "Communications", Login: s.Login, CSRF: s.CSRF,
		Data: dashboardData{Repos: comms, Feeds: h.feedLinks(access, all)},
	})
}

// feedLinks offers an installation's feed only to a person who can read
// every communications repository it reaches: the feed shows them all.
func (h *Handler) feedLinks(access Access, all []commsRepo) []feedLink {
	readsAll := map[int64]bool{}
	account := map[int64]string{}
	var order []int64
	for _, r := range all {
		if _, seen := readsAll[r.InstallationID]; !seen {
			readsAll[r.InstallationID] = true
			account[r.InstallationID] = r.Owner
			order = append(order, r.InstallationID)
		}
		readsAll[r.InstallationID] = readsAll[r.InstallationID] && access.CanRead(r.FullName)
	}
	var out []feedLink
	for _, id := range order {
		if readsAll[id] {
			out = append(out, feedLink{Account: account[id], URL: h.public.String() + h.feedPath(id)})
		}
	}
	return out
}

func (h *Handler) feedPath(installationID int64) string {
	return "/calendar/" + strconv.FormatInt(installationID, 10) + "/" + h.feedToken(installationID) + ".ics"
}

// trimICS is the token of a feed file name, "" when it is not one.
func trimICS(file string) string {
	token, ok := strings.CutSuffix(file, ".ics")
	if !ok {
		return ""
	}
	return token
}
