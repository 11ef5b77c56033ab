package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog/hlog"

	"github.com/commsgate/commsgate/handlers/calendar"
	"github.com/commsgate/commsgate/policy"
)

// Calendars lists a repository's communications; *calendar.Lister is
// one.
type Calendars interface {
	List(ctx context.Context, installationID int64, owner, repo string, from, to time.Time) (calendar.Calendar, error)
}

var _ Calendars = (*calendar.Lister)(nil)

// repoCalendar is one communications repository with its calendar.
type repoCalendar struct {
	Repo installedRepo
	Cal  calendar.Calendar
}

// calendars lists the calendar of each repository over [from, to): the
// open pull requests and those merged in the period.
func (h *Handler) calendars(ctx context.Context, repos []commsRepo, from, to time.Time) ([]repoCalendar, error) {
	var out []repoCalendar
	for _, r := range repos {
		cal, err := h.cfg.Calendar.List(ctx, r.InstallationID, r.Owner, r.Name, from, to)
		if errors.Is(err, calendar.ErrNoPolicy) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, repoCalendar{Repo: r.installedRepo, Cal: cal})
	}
	return out, nil
}

// signedIn is the session and the person's Access; when there is none it
// has answered (the sign-in page, or signed out) and says false.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request) (session, Access, bool) {
	s, ok := h.cookies.sessionFrom(r, h.now())
	if !ok {
		h.render(w, r, http.StatusOK, "signin.html", page{Title: "Sign in"})
		return session{}, Access{}, false
	}
	access, err := h.sessionAccess(r.Context(), s)
	switch {
	case tokenRefused(err):
		// A revoked or expired token: the person signs in again.
		hlog.FromRequest(r).Info().Err(err).Str("user", s.Login).Msg("web: GitHub refused the user's token; signed out")
		h.cookies.clear(w, sessionCookie)
		h.errorPage(w, r, http.StatusUnauthorized, "Signed out", "GitHub no longer accepts this sign-in. Sign in again.")
		return session{}, Access{}, false
	case err != nil:
		// GitHub slow or down: the sign-in is still good, and signing
		// everyone out would only add a wave of sign-ins to the outage.
		h.githubDown(w, r, err)
		return session{}, Access{}, false
	}
	return s, access, true
}

// tokenRefused tells GitHub refusing the person's token (401: revoked or
// expired; they must sign in again) from GitHub being slow or down, after
// which the sign-in is still good.
func tokenRefused(err error) bool {
	var refused *github.ErrorResponse
	return errors.As(err, &refused) && refused.Response != nil && refused.Response.StatusCode == http.StatusUnauthorized
}

// calendarReach is how far from today the calendar may be moved.
const calendarReach = 2 * 366 * 24 * time.Hour

// readable are the app's communications repositories, all of them and
// those the person can read: the rule of every page.
func (h *Handler) readable(ctx context.Context, access Access) (all, visible []commsRepo, err error) {
	if access.none() {
		// Anyone with a GitHub account can sign in; one who can read
		// nothing here must not make the app list everything it sees.
		return nil, nil, nil
	}
	all, err = h.commsRepos.all(ctx, h.reader)
	if err != nil {
		return nil, nil, err
	}
	return all, Visible(access, all, func(r commsRepo) string { return r.FullName }), nil
}

func (h *Handler) githubDown(w http.ResponseWriter, r *http.Request, err error) {
	hlog.FromRequest(r).Error().Err(err).Msg("web: reading GitHub failed")
	h.errorPage(w, r, http.StatusBadGateway, "GitHub did not answer", "The communications could not be read from GitHub. Try again in a minute.")
}

// zoneCookie keeps the viewer's last time zone (not a secret).
const zoneCookie = "commsgate_tz"

// viewerZone is the zone of ?tz=, remembered in a cookie, else the
// cookie's, else UTC; a zone that does not load is UTC with a note.
func (h *Handler) viewerZone(w http.ResponseWriter, r *http.Request) (*time.Location, string) {
	name, fromURL := r.URL.Query().Get("tz"), true
	if name == "" {
		fromURL = false
		if ck, err := r.Cookie(h.cookies.name(zoneCookie)); err == nil {
			name = ck.Value
		}
	}
	if name == "" {
		return time.UTC, ""
	}
	loc, err := loadZone(name)
	if err != nil {
		if fromURL {
			return time.UTC, fmt.Sprintf("There is no time zone %q: times are in UTC.", name)
		}
		return time.UTC, ""
	}
	if fromURL {
		h.cookies.set(w, zoneCookie, loc.String(), 365*24*time.Hour)
	}
	return loc, ""
}

// loadZone loads an IANA zone by name; "Local" (the server's) is not one.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, fmt.Errorf("no time zone %q", name)
	}
	return time.LoadLocation(name)
}

// zoneOption is one choice of the zone select.
type zoneOption struct {
	Name     string
	Selected bool
}

// zoneOptions are UTC, the policies' zones and the viewer's, in that
// order, once each.
func zoneOptions(chosen *time.Location, cals []repoCalendar) []zoneOption {
	names := []string{"UTC"}
	for _, c := range cals {
		for _, z := range c.Cal.Timezones {
			if z != nil && !slices.Contains(names, z.String()) {
				names = append(names, z.String())
			}
		}
	}
	if !slices.Contains(names, chosen.String()) {
		names = append(names, chosen.String())
	}
	out := make([]zoneOption, len(names))
	for i, n := range names {
		out[i] = zoneOption{Name: n, Selected: n == chosen.String()}
	}
	return out
}

// calendarData is the calendar page.
type calendarData struct {
	View  string // "month" or "week"
	Month *monthView
	Week  *weekView
	At    string
	Zone  string
	Zones []zoneOption
	Note  string
	// Collisions are every colliding pair in the period.
	Collisions []collisionView
	// Unread are pull requests GitHub did not give, by ref.
	Unread []string
	Repos  []string
}

// collisionView is one collision, each side with its notice page.
type collisionView struct {
	A, B       refLink
	Reason     string
	PublishesA string
	PublishesB string
}

type refLink struct {
	Ref, Title, URL string
}

func (h *Handler) calendarPage(w http.ResponseWriter, r *http.Request) {
	s, access, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	zone, note := h.viewerZone(w, r)
	q := r.URL.Query()
	view := q.Get("view")
	if view != "week" {
		view = "month"
	}
	at := h.now().In(zone)
	if a := q.Get("at"); a != "" {
		d, err := time.ParseInLocation(dateLayout, a, zone)
		switch {
		case err != nil:
			note = strings.TrimSpace(note + fmt.Sprintf(" %q is not a date (YYYY-MM-DD): this is today.", a))
		case d.Sub(at).Abs() > calendarReach:
			// The listing walks merged pull requests back to the period's
			// start: a far date would cost a walk through all of them.
			note = strings.TrimSpace(note + fmt.Sprintf(" %s is more than two years away: this is today.", a))
		default:
			at = d
		}
	}
	// The period shown: the month's whole weeks, or the week.
	from := startOfWeek(time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, zone))
	to := from.AddDate(0, 0, 42)
	if view == "week" {
		from = startOfWeek(at)
		to = from.AddDate(0, 0, 7)
	}
	_, visible, err := h.readable(r.Context(), access)
	var cals []repoCalendar
	if err == nil {
		cals, err = h.calendars(r.Context(), visible, from, to)
	}
	if err != nil {
		h.githubDown(w, r, err)
		return
	}
	items, windows, blackouts := itemsOf(cals)
	d := calendarData{View: view, At: at.Format(dateLayout), Zone: zone.String(), Zones: zoneOptions(zone, cals), Note: note}
	if view == "week" {
		wv := buildWeek(items, at, zone, windows, blackouts)
		wv.markToday(h.now().In(zone))
		d.Week = &wv
	} else {
		mv := buildMonth(items, at, zone, windows, blackouts)
		mv.markToday(h.now().In(zone))
		d.Month = &mv
	}
	for _, c := range cals {
		d.Repos = append(d.Repos, c.Repo.FullName)
		for _, p := range c.Cal.Collisions {
			if inPeriod(p.A.PublishAt, from, to) || inPeriod(p.B.PublishAt, from, to) {
				d.Collisions = append(d.Collisions, collisionOf(p, zone))
			}
		}
		for _, u := range c.Cal.Unread {
			d.Unread = append(d.Unread, u.Ref)
		}
	}
	h.render(w, r, http.StatusOK, "calendar.html", page{Title: "Calendar", Login: s.Login, CSRF: s.CSRF, Data: d})
}

func inPeriod(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func collisionOf(p policy.CollisionPair, zone *time.Location) collisionView {
	return collisionView{
		A: refLink{Ref: p.A.Ref, Title: p.A.Title, URL: refURL(p.A.Ref)}, B: refLink{Ref: p.B.Ref, Title: p.B.Title, URL: refURL(p.B.Ref)},
		Reason: strings.Join(p.Reasons, "; "), PublishesA: inZone(p.A.PublishAt, zone), PublishesB: inZone(p.B.PublishAt, zone),
	}
}

func inZone(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return "no publish_at"
	}
	return t.In(zone).Format("Mon 2 Jan 2006, 15:04 ") + zone.String()
}

// refURL is the notice page of "org/repo#12".
func refURL(ref string) string {
	repo, number, ok := strings.Cut(ref, "#")
	if !ok {
		return ""
	}
	return "/notice/" + repo + "/" + number
}

// itemsOf are the calendars' entries with their zones and collisions,
// and the windows and blackouts of them all.
func itemsOf(cals []repoCalendar) ([]item, []policy.Window, []policy.Blackout) {
	var items []item
	var windows []policy.Window
	var blackouts []policy.Blackout
	for _, c := range cals {
		others := collidesWith(c.Cal.Collisions)
		for _, e := range c.Cal.Entries {
			items = append(items, item{Entry: e, Zones: c.Cal.Timezones, Collides: others[strings.ToLower(e.Ref)]})
		}
		windows = append(windows, c.Cal.Windows...)
		blackouts = append(blackouts, c.Cal.Blackouts...)
	}
	return items, windows, blackouts
}

// collidesWith maps each ref (lower case) to the refs it collides with.
func collidesWith(pairs []policy.CollisionPair) map[string][]string {
	out := map[string][]string{}
	add := func(ref, other string) {
		k := strings.ToLower(ref)
		if !slices.Contains(out[k], other) {
			out[k] = append(out[k], other)
		}
	}
	for _, p := range pairs {
		add(p.A.Ref, p.B.Ref)
		add(p.B.Ref, p.A.Ref)
	}
	return out
}

// noticeData is the notice page.
type noticeData struct {
	Entry    calendar.Entry
	State    string
	Reasons  []string
	Headline string
	NextStep string
	Times    []string
	Stages   []stageView
	// Collisions name the other notice, with its page.
	Collisions []collisionWith
	// Others are the pull request's other documents.
	Others []refLink
}

type stageView struct {
	Name       string
	Teams      string
	Progress   string
	Approvers  string
	ApprovedAt string
	Awaited    string
	Missing    string
	Satisfied  bool
}

type collisionWith struct {
	Other  refLink
	At     string
	Reason string
}

// noticeLookback is how far back the notice page looks for a merge:
// further back, a merged notice's page is 404 (GitHub keeps it all).
const noticeLookback = 90 * 24 * time.Hour

func (h *Handler) noticePage(w http.ResponseWriter, r *http.Request) {
	s, access, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	number, err := strconv.Atoi(r.PathValue("number"))
	full := owner + "/" + repo
	// Not readable is the same answer as not there: the page must not
	// confirm that an embargoed notice exists.
	if err != nil || number <= 0 || !access.CanRead(full) {
		h.notFound(w, r)
		return
	}
	_, visible, err := h.readable(r.Context(), access)
	if err != nil {
		h.githubDown(w, r, err)
		return
	}
	var target []commsRepo
	for _, c := range visible {
		if strings.EqualFold(c.FullName, full) {
			target = append(target, c)
		}
	}
	now := h.now()
	cals, err := h.calendars(r.Context(), target, now.Add(-noticeLookback), now.Add(time.Hour))
	if err != nil {
		h.githubDown(w, r, err)
		return
	}
	if len(cals) == 0 {
		h.notFound(w, r)
		return
	}
	d, ok := noticeOf(cals[0].Cal, number, r.URL.Query().Get("path"), now)
	if !ok {
		h.notFound(w, r)
		return
	}
	h.render(w, r, http.StatusOK, "notice.html", page{Title: d.Entry.Title, Login: s.Login, CSRF: s.CSRF, Data: d})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusNotFound, "Not found", "There is no page at this address.")
}

// noticeOf is the notice page of pull request number's document path
// (its first when path is empty), false when there is none. Pure.
func noticeOf(cal calendar.Calendar, number int, path string, now time.Time) (noticeData, bool) {
	var docs []calendar.Entry
	for _, e := range cal.Entries {
		if e.Number == number {
			docs = append(docs, e)
		}
	}
	i := slices.IndexFunc(docs, func(e calendar.Entry) bool { return path == "" || e.Path == path })
	if i < 0 {
		return noticeData{}, false
	}
	e := docs[i]
	d := noticeData{Entry: e, State: stateText(e), Reasons: e.Decision.Reasons, Headline: e.Decision.Headline, NextStep: e.Decision.NextStep}
	if !e.PublishAt.IsZero() {
		d.Times = append(d.Times, e.PublishAt.UTC().Format("Mon 2 Jan 2006, 15:04 UTC"))
		for _, z := range cal.Timezones {
			if z != nil && z.String() != "UTC" {
				d.Times = append(d.Times, e.PublishAt.In(z).Format("Mon 2 Jan 2006, 15:04 MST ")+"("+z.String()+")")
			}
		}
	}
	for _, st := range e.Decision.Stages {
		v := stageView{
			Name: st.Name, Teams: strings.Join(st.Teams, ", "), Progress: fmt.Sprintf("%d of %d approvals", st.Approved, st.Required),
			Approvers: strings.Join(st.Approvers, ", "), Missing: st.Missing, Satisfied: st.Satisfied,
		}
		if !st.ApprovedAt.IsZero() {
			v.ApprovedAt = formatUTC(st.ApprovedAt)
		}
		if !st.Satisfied && !st.AwaitedSince.IsZero() {
			v.Awaited = "awaited since " + formatUTC(st.AwaitedSince) + " (" + ago(now, st.AwaitedSince) + ")"
		}
		d.Stages = append(d.Stages, v)
	}
	for _, p := range cal.Collisions {
		if c, ok := p.For(e.Ref); ok {
			d.Collisions = append(d.Collisions, collisionWith{
				Other:  refLink{Ref: c.With.Ref, Title: c.With.Title, URL: refURL(c.With.Ref)},
				At:     formatUTC(c.With.PublishAt),
				Reason: c.Reason(),
			})
		}
	}
	for j, o := range docs {
		if j != i {
			d.Others = append(d.Others, refLink{Ref: o.Path, Title: o.Title, URL: noticeURL(o)})
		}
	}
	return d, true
}

// ago is how long before now t was, in words.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "from now"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
