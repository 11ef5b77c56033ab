package policy

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CommunicationRecord is what happened to one communication, as the
// process report needs it. A zero time means "has not happened (yet)".
type CommunicationRecord struct {
	// Ref names the pull request, "org/repo#12".
	Ref  string
	Tier int
	// Opened is when the pull request was opened; it decides the period a
	// communication belongs to.
	Opened time.Time
	// Approved is when the last stage of the ladder approved (the crisis
	// ladder for an expedited notice).
	Approved time.Time
	// Published is when the communication went out.
	Published time.Time
	// Stages are the ladder's stages, each from its review request to the
	// approval that satisfied it.
	Stages    []StageRecord
	Expedited bool
	// Ratified is when the normal ladder ratified an expedited notice.
	Ratified time.Time
	// FollowUpDue and FollowUpClosed are the follow-up issue's due date and
	// when it was closed; FollowUpDue is zero when there is no follow-up.
	FollowUpDue, FollowUpClosed time.Time
	// Corrections counts the corrections published after it.
	Corrections int
}

// StageRecord is one stage of the ladder: when its review was requested
// and when it was satisfied.
type StageRecord struct {
	Name                string
	Requested, Approved time.Time
}

// ProcessReport is the process's feedback loop in numbers over a period:
// one row of figures per tier and one for all tiers together.
type ProcessReport struct {
	// From and To bound the period, [From, To): a communication belongs to
	// it when its pull request was opened inside it, so a period's figures
	// do not change when later periods' communications are approved.
	From, To time.Time
	// Now is when the figures were computed; follow-ups are judged at it.
	Now time.Time
	// Tiers has a row for each tier that had a communication, ascending.
	Tiers []TierFigures
	// All is every tier together.
	All TierFigures
	// StageNames are the stage names of every row in ladder order: the
	// top tier's stages first, each tier's in the order they first appear
	// in its communications by opening time, then the lower tiers' others.
	StageNames []string
}

// TierFigures are one row of the report.
type TierFigures struct {
	// Tier is 0 in the row for all tiers.
	Tier           int
	Communications int
	// OpenToApproved runs from opening the pull request to its approval.
	OpenToApproved Spread
	// Stages run from each stage's review request to its approval, in
	// ladder order (in All, the order of StageNames).
	Stages []StageSpread
	// ApprovalToPublication runs from approval to publication.
	ApprovalToPublication Spread
	// FollowUpsCounted are the follow-ups whose outcome is known: closed,
	// or due by Now. An open follow-up that is not yet due counts nowhere.
	FollowUpsCounted int
	// FollowUpsOnTime were closed by their due date.
	FollowUpsOnTime int
	// Corrections are all the corrections of the row's communications.
	Corrections int
	Expedited   int
	// Ratified counts the expedited notices ratified so far.
	Ratified int
	// RatificationLag runs from an expedited notice's publication, when
	// ratify_within starts, to its ratification; a notice whose pull
	// request already carried the ratifying approvals at merge has a lag
	// of zero.
	RatificationLag Spread
}

// Spread is the median and 90th percentile of some durations. N is how
// many there were; with none, Median and P90 are absent, not zero.
type Spread struct {
	N           int
	Median, P90 time.Duration
}

// StageSpread is one stage's spread.
type StageSpread struct {
	Name string
	Spread
}

// AbsentFigure is the text of a figure that has no data: never 0, never NaN.
const AbsentFigure = "—"

// FollowUpsOnTimePercent is the share of counted follow-ups closed by
// their due date; false when none is counted.
func (f TierFigures) FollowUpsOnTimePercent() (float64, bool) {
	if f.FollowUpsCounted == 0 {
		return 0, false
	}
	return 100 * float64(f.FollowUpsOnTime) / float64(f.FollowUpsCounted), true
}

// CorrectionsPerCommunication is the mean number of corrections; false
// when the row has no communication.
func (f TierFigures) CorrectionsPerCommunication() (float64, bool) {
	if f.Communications == 0 {
		return 0, false
	}
	return float64(f.Corrections) / float64(f.Communications), true
}

// Stage is the spread of the named stage; an absent spread when the row's
// communications have no such stage.
func (f TierFigures) Stage(name string) Spread {
	for _, s := range f.Stages {
		if s.Name == name {
			return s.Spread
		}
	}
	return Spread{}
}

// NewProcessReport computes the report's figures for the communications
// opened in [from, to), as of now.
//
// Percentiles are nearest-rank: the p-th percentile of n sorted durations
// is the one at rank ⌈p·n/100⌉, so every figure is a duration that really
// happened. The median of two is the shorter one; the 90th percentile of
// ten is the ninth. A span whose end lies before its start (clock or data
// trouble) is left out rather than counted as negative.
func NewProcessReport(records []CommunicationRecord, from, to, now time.Time) ProcessReport {
	r := ProcessReport{From: from, To: to, Now: now}
	var in []CommunicationRecord
	for _, c := range records {
		if !c.Opened.IsZero() && !c.Opened.Before(from) && c.Opened.Before(to) {
			in = append(in, c)
		}
	}
	slices.SortStableFunc(in, func(a, b CommunicationRecord) int {
		if c := a.Opened.Compare(b.Opened); c != 0 {
			return c
		}
		return strings.Compare(a.Ref, b.Ref)
	})
	byTier := map[int][]CommunicationRecord{}
	for _, c := range in {
		byTier[c.Tier] = append(byTier[c.Tier], c)
	}
	tiers := make([]int, 0, len(byTier))
	for t := range byTier {
		tiers = append(tiers, t)
	}
	slices.Sort(tiers)
	for _, t := range tiers {
		row := tierFigures(byTier[t], now)
		row.Tier = t
		r.Tiers = append(r.Tiers, row)
	}
	// The top tier's ladder holds the lower ones' stages, so its order
	// comes first.
	for i := len(r.Tiers) - 1; i >= 0; i-- {
		for _, s := range r.Tiers[i].Stages {
			if !slices.Contains(r.StageNames, s.Name) {
				r.StageNames = append(r.StageNames, s.Name)
			}
		}
	}
	r.All = tierFigures(in, now)
	slices.SortStableFunc(r.All.Stages, func(a, b StageSpread) int {
		return slices.Index(r.StageNames, a.Name) - slices.Index(r.StageNames, b.Name)
	})
	return r
}

func tierFigures(records []CommunicationRecord, now time.Time) TierFigures {
	f := TierFigures{Communications: len(records)}
	var openToApproved, toPublication, lag []time.Duration
	var stageNames []string
	stages := map[string][]time.Duration{}
	for _, c := range records {
		openToApproved = appendSpan(openToApproved, c.Opened, c.Approved)
		toPublication = appendSpan(toPublication, c.Approved, c.Published)
		for _, s := range c.Stages {
			if !slices.Contains(stageNames, s.Name) {
				stageNames = append(stageNames, s.Name)
			}
			stages[s.Name] = appendSpan(stages[s.Name], s.Requested, s.Approved)
		}
		if due := c.FollowUpDue; !due.IsZero() && (!c.FollowUpClosed.IsZero() || !due.After(now)) {
			f.FollowUpsCounted++
			if !c.FollowUpClosed.IsZero() && !c.FollowUpClosed.After(due) {
				f.FollowUpsOnTime++
			}
		}
		f.Corrections += c.Corrections
		if c.Expedited {
			f.Expedited++
			if !c.Ratified.IsZero() {
				f.Ratified++
				if !c.Published.IsZero() {
					lag = append(lag, max(c.Ratified.Sub(c.Published), 0))
				}
			}
		}
	}
	f.OpenToApproved = newSpread(openToApproved)
	f.ApprovalToPublication = newSpread(toPublication)
	f.RatificationLag = newSpread(lag)
	for _, name := range stageNames {
		f.Stages = append(f.Stages, StageSpread{Name: name, Spread: newSpread(stages[name])})
	}
	return f
}

// appendSpan adds end-start when both happened and end is not before start.
func appendSpan(spans []time.Duration, start, end time.Time) []time.Duration {
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return spans
	}
	return append(spans, end.Sub(start))
}

func newSpread(ds []time.Duration) Spread {
	if len(ds) == 0 {
		return Spread{}
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return Spread{N: len(sorted), Median: nearestRank(sorted, 50), P90: nearestRank(sorted, 90)}
}

// nearestRank is the p-th percentile of sorted, which is not empty.
func nearestRank(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// MedianHours and P90Hours render the spread in hours with one decimal,
// or AbsentFigure.
func (s Spread) MedianHours() string { return s.hours(s.Median) }
func (s Spread) P90Hours() string    { return s.hours(s.P90) }

func (s Spread) hours(d time.Duration) string {
	if s.N == 0 {
		return AbsentFigure
	}
	return strconv.FormatFloat(d.Hours(), 'f', 1, 64)
}

// CSV writes the report for a spreadsheet: a header row, one row per tier
// and a last row "all". Durations are hours with one decimal (a reader
// compares them with review times in hours and days, and seconds hide
// that), the on-time share is a percentage with one decimal, corrections
// per communication have two decimals, and a figure without data is "—".
// The header is the same for the same stage names; each stage adds three
// columns at the end, in ladder order.
func (r ProcessReport) CSV(w io.Writer) error {
	header := []string{
		"from", "to", "tier", "communications",
		"open_to_approved_n", "open_to_approved_median_h", "open_to_approved_p90_h",
		"approval_to_publication_n", "approval_to_publication_median_h", "approval_to_publication_p90_h",
		"follow_ups_counted", "follow_ups_on_time", "follow_ups_on_time_pct",
		"corrections_per_communication",
		"expedited", "ratified", "ratification_lag_median_h", "ratification_lag_p90_h",
	}
	for _, name := range r.StageNames {
		header = append(header, "stage_"+name+"_n", "stage_"+name+"_median_h", "stage_"+name+"_p90_h")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write process report header: %w", err)
	}
	rows := append(slices.Clone(r.Tiers), r.All)
	for i, f := range rows {
		tier := strconv.Itoa(f.Tier)
		if i == len(rows)-1 {
			tier = "all"
		}
		if err := cw.Write(r.csvRow(tier, f)); err != nil {
			return fmt.Errorf("write process report row %s: %w", tier, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write process report: %w", err)
	}
	return nil
}

func (r ProcessReport) csvRow(tier string, f TierFigures) []string {
	row := []string{
		r.From.UTC().Format(time.RFC3339), r.To.UTC().Format(time.RFC3339), tier, strconv.Itoa(f.Communications),
	}
	row = appendSpread(row, f.OpenToApproved)
	row = appendSpread(row, f.ApprovalToPublication)
	row = append(row, strconv.Itoa(f.FollowUpsCounted), strconv.Itoa(f.FollowUpsOnTime), decimal(f.FollowUpsOnTimePercent()))
	corrections, ok := f.CorrectionsPerCommunication()
	row = append(row, decimals(corrections, ok, 2))
	row = append(row, strconv.Itoa(f.Expedited), strconv.Itoa(f.Ratified), f.RatificationLag.MedianHours(), f.RatificationLag.P90Hours())
	for _, name := range r.StageNames {
		row = appendSpread(row, f.Stage(name))
	}
	return row
}

func appendSpread(row []string, s Spread) []string {
	return append(row, strconv.Itoa(s.N), s.MedianHours(), s.P90Hours())
}

func decimal(v float64, ok bool) string { return decimals(v, ok, 1) }

func decimals(v float64, ok bool, places int) string {
	if !ok {
		return AbsentFigure
	}
	return strconv.FormatFloat(v, 'f', places, 64)
}
