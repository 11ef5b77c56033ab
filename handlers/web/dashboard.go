package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// dashboardData is the signed-in page: the repositories the person can
// read with commsgate installed, each with its communications as the
// calendar lists them, and the feeds they may subscribe to.
type dashboardData struct {
	Repos []repoCalendar
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
	s, access, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	// The rule of every page: only what the person can read, as GitHub
	// told their own token.
	all, visible, err := h.readable(r.Context(), access)
	var cals []repoCalendar
	if err == nil {
		// The open pull requests: nothing merged is listed here.
		now := h.now()
		cals, err = h.calendars(r.Context(), visible, now, now)
	}
	if err != nil {
		h.githubDown(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "dashboard.html", page{
		Title: "Communications", Login: s.Login, CSRF: s.CSRF,
		Data: dashboardData{Repos: cals, Feeds: h.feedLinks(access, all)},
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
