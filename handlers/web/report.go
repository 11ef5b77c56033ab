package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/rs/zerolog/hlog"

	"github.com/commsgate/commsgate/handlers/calendar"
	"github.com/commsgate/commsgate/policy"
)

// Reports are what the process report reads of one repository: its
// calendar and its follow-up issues. *calendar.Lister is one.
type Reports interface {
	List(ctx context.Context, installationID int64, owner, repo string, from, to time.Time) (calendar.Calendar, error)
	FollowUps(ctx context.Context, installationID int64, owner, repo string) (map[int]calendar.FollowUp, error)
}

var _ Reports = (*calendar.Lister)(nil)

// Report period bounds.
const (
	// reportDefaultDays is the period when none is chosen: the last 90
	// days up to today.
	reportDefaultDays = 90
	// reportMaxDays bounds a period: the listing of merged pull requests
	// is bounded too (calendar.maxClosedPages), and a longer one would
	// quietly miss some.
	reportMaxDays = 366
	// reportHorizonDays is how far back a period may start.
	reportHorizonDays = 2 * 366
	reportDate        = "2006-01-02"
)

// ServeReports adds the process report: /report, a page of figures per
// tier over a period, and /report.csv, the same as a spreadsheet. Both
// count only the communications of repositories the signed-in person can
// read, as the dashboard does. Call it before serving.
func (h *Handler) ServeReports(src Reports) {
	rp := &reportPages{h: h, src: src}
	h.mux.HandleFunc("GET /report", rp.page)
	h.mux.HandleFunc("GET /report.csv", rp.csv)
}

type reportPages struct {
	h   *Handler
	src Reports
}

// reportPeriod is the chosen period: whole days in UTC, both inclusive,
// so the report covers [From 00:00, To+1 00:00).
type reportPeriod struct {
	From, To string // as chosen, YYYY-MM-DD
	from, to time.Time
}

// parseReportPeriod reads from and to; a missing one is the default's.
func parseReportPeriod(q url.Values, now time.Time) (reportPeriod, error) {
	today := time.Date(now.UTC().Year(), now.UTC().Month(), now.UTC().Day(), 0, 0, 0, 0, time.UTC)
	p := reportPeriod{from: today.AddDate(0, 0, -reportDefaultDays), to: today}
	for _, f := range []struct {
		name string
		into *time.Time
	}{{"from", &p.from}, {"to", &p.to}} {
		v := q.Get(f.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(reportDate, v)
		if err != nil {
			return reportPeriod{From: q.Get("from"), To: q.Get("to")}, fmt.Errorf("%q is not a date for %q: write it as YYYY-MM-DD, e.g. %s", v, f.name, today.Format(reportDate))
		}
		*f.into = t
	}
	p.From, p.To = p.from.Format(reportDate), p.to.Format(reportDate)
	switch {
	case p.to.Before(p.from):
		return p, fmt.Errorf("the period ends (%s) before it starts (%s)", p.To, p.From)
	case p.to.Sub(p.from) >= reportMaxDays*24*time.Hour:
		return p, fmt.Errorf("the period is longer than %d days: choose a shorter one", reportMaxDays)
	case today.Sub(p.from) >= reportHorizonDays*24*time.Hour:
		// The listing walks merged pull requests from today back to the
		// start, so an old start costs as much as a long period.
		return p, fmt.Errorf("the period starts more than %d days ago (%s): the report reaches back %d days from today", reportHorizonDays, p.From, reportHorizonDays)
	}
	p.to = p.to.AddDate(0, 0, 1)
	return p, nil
}

// reportData is the report page.
type reportData struct {
	Period reportPeriod
	// Repos are the repositories counted; Unread those that could not be
	// read, each with why: the figures leave them out.
	Repos  []string
	Unread []string
	Report policy.ProcessReport
	Rows   []reportRow
	CSVURL string
	Error  string
}

// reportRow is one tier's table, with every figure as text.
type reportRow struct {
	Caption string
	Tier    policy.TierFigures
	Stages  []policy.StageSpread
	OnTime  string
	PerComm string
}

func (rp *reportPages) page(w http.ResponseWriter, r *http.Request) {
	h := rp.h
	s, ok := h.cookies.sessionFrom(r, h.now())
	if !ok {
		h.render(w, r, http.StatusOK, "signin.html", page{Title: "Sign in"})
		return
	}
	pg := page{Title: "Process report", Login: s.Login, CSRF: s.CSRF}
	period, err := parseReportPeriod(r.URL.Query(), h.now())
	if err != nil {
		pg.Status, pg.Data = http.StatusBadRequest, reportData{Period: period, Error: err.Error()}
		h.render(w, r, http.StatusBadRequest, "report.html", pg)
		return
	}
	data, status, err := rp.read(r, s, period)
	if err != nil {
		h.errorPage(w, r, status, http.StatusText(status), err.Error())
		return
	}
	pg.Data = data
	h.render(w, r, http.StatusOK, "report.html", pg)
}

func (rp *reportPages) csv(w http.ResponseWriter, r *http.Request) {
	h := rp.h
	s, ok := h.cookies.sessionFrom(r, h.now())
	if !ok {
		h.errorPage(w, r, http.StatusUnauthorized, "Sign in", "Sign in to download the report.")
		return
	}
	period, err := parseReportPeriod(r.URL.Query(), h.now())
	if err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "Not a period", err.Error())
		return
	}
	data, status, err := rp.read(r, s, period)
	if err != nil {
		h.errorPage(w, r, status, http.StatusText(status), err.Error())
		return
	}
	var b bytes.Buffer
	if err := data.Report.CSV(&b); err != nil {
		hlog.FromRequest(r).Error().Err(err).Msg("web: writing the report's CSV failed")
		h.errorPage(w, r, http.StatusInternalServerError, "Internal error", "The report could not be written.")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="commsgate-report-`+period.From+"-"+period.To+`.csv"`)
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// errReportSignedOut is a token GitHub no longer accepts.
var errReportSignedOut = errors.New("GitHub no longer accepts this sign-in. Sign in again.")

// read computes the report over the repositories the person can read,
// with an HTTP status and a message for the person when it cannot.
func (rp *reportPages) read(r *http.Request, s session, p reportPeriod) (reportData, int, error) {
	h, ctx, log := rp.h, r.Context(), hlog.FromRequest(r)
	access, err := h.sessionAccess(ctx, s)
	switch {
	case tokenRefused(err):
		log.Info().Err(err).Str("user", s.Login).Msg("web: GitHub refused the user's token")
		return reportData{}, http.StatusUnauthorized, errReportSignedOut
	case err != nil:
		log.Warn().Err(err).Str("user", s.Login).Msg("web: reading the user's access failed")
		return reportData{}, http.StatusBadGateway, errors.New("GitHub did not answer; try again in a minute")
	}
	// The rule of every page: only what the person can read, as GitHub
	// told their own token.
	_, visible, err := h.readable(ctx, access)
	if err != nil {
		log.Error().Err(err).Msg("web: listing the app's repositories failed")
		return reportData{}, http.StatusBadGateway, errors.New("the repositories could not be read from GitHub; try again in a minute")
	}
	now := h.now()
	data := reportData{Period: p, CSVURL: "/report.csv?" + url.Values{"from": {p.From}, "to": {p.To}}.Encode()}
	var records []policy.CommunicationRecord
	for _, repo := range visible {
		recs, err := rp.records(ctx, repo, p, now)
		if err != nil {
			log.Warn().Err(err).Str("repository", repo.FullName).Msg("web: reading a repository for the report failed")
			data.Unread = append(data.Unread, repo.FullName)
			continue
		}
		data.Repos = append(data.Repos, repo.FullName)
		records = append(records, recs...)
	}
	data.Report = policy.NewProcessReport(records, p.from, p.to, now)
	for _, f := range data.Report.Tiers {
		data.Rows = append(data.Rows, reportRowOf("Tier "+strconv.Itoa(f.Tier), f))
	}
	if len(data.Report.Tiers) > 1 {
		data.Rows = append(data.Rows, reportRowOf("All tiers", data.Report.All))
	}
	return data, http.StatusOK, nil
}

// records are one repository's communications opened in the period. The
// calendar lists the open pull requests and those merged since the
// period began until now: a pull request opened in it cannot have
// merged before, and may have merged since.
func (rp *reportPages) records(ctx context.Context, repo commsRepo, p reportPeriod, now time.Time) ([]policy.CommunicationRecord, error) {
	until := p.to
	if now.After(until) {
		until = now
	}
	cal, err := rp.src.List(ctx, repo.InstallationID, repo.Owner, repo.Name, p.from, until.Add(time.Minute))
	if err != nil {
		return nil, err
	}
	if len(cal.Unread) > 0 {
		return nil, fmt.Errorf("%d pull requests could not be read: %w", len(cal.Unread), cal.Unread[0].Err)
	}
	followUps, err := rp.src.FollowUps(ctx, repo.InstallationID, repo.Owner, repo.Name)
	if err != nil {
		return nil, err
	}
	return calendar.Records(cal.Entries, followUps), nil
}

func reportRowOf(caption string, f policy.TierFigures) reportRow {
	row := reportRow{Caption: caption, Tier: f, Stages: f.Stages}
	row.OnTime = policy.AbsentFigure
	if pct, ok := f.FollowUpsOnTimePercent(); ok {
		row.OnTime = strconv.FormatFloat(pct, 'f', 1, 64) + " %"
	}
	row.PerComm = policy.AbsentFigure
	if v, ok := f.CorrectionsPerCommunication(); ok {
		row.PerComm = strconv.FormatFloat(v, 'f', 2, 64)
	}
	return row
}
