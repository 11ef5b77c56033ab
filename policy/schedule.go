package policy

import (
	"fmt"
	"time"
)

// ScheduleResult is the timing verdict for one communication.
type ScheduleResult struct {
	File      string
	PublishAt time.Time
	// Local shows publish_at in each configured zone, in order.
	Local []ZoneTime
	// Findings are schedule problems at the offending field.
	Findings []Finding
	// NextSlot is the next allowed publication time when publish_at is
	// rejected; zero when publish_at is fine.
	NextSlot time.Time
	// Due is set once publish_at has arrived (and is not past its grace).
	Due bool
}

// ZoneTime is an instant as a reader in one zone sees it.
type ZoneTime struct {
	Zone    string
	Display string
}

// Formats used in every message, so a time reads the same everywhere.
const (
	instantLayout = "Mon 2006-01-02 15:04 MST"
	localLayout   = "Mon 2 Jan 2006, 15:04 MST"
)

// FormatInstant renders an instant in UTC the way every message does:
// "Tue 2027-02-16 14:00 UTC".
func FormatInstant(t time.Time) string {
	return t.UTC().Format(instantLayout)
}

// CheckSchedule checks when a communication would be published: inside an
// allowed window, outside blackouts, not long past, and for embargoed
// communications with enough notice to distributors and a bounded embargo
// that ends by publication. A missing or unparsable publish_at yields no
// finding here; the template validation reports it.
func CheckSchedule(doc *Document, rules *Rules, now time.Time) ScheduleResult {
	if doc == nil {
		return ScheduleResult{}
	}
	res := ScheduleResult{File: doc.Path, PublishAt: doc.PublishAt}
	if rules == nil {
		return res
	}
	sched := rules.Schedule
	pa := doc.PublishAt
	if !pa.IsZero() {
		for _, loc := range sched.Timezones {
			if loc == nil {
				continue
			}
			res.Local = append(res.Local, ZoneTime{Zone: loc.String(), Display: pa.In(loc).Format(localLayout)})
		}
		if rules.Expedited(doc) {
			// The crisis path waives windows, blackouts and the late
			// grace: a time already passed means "as soon as approved".
			res.Due = !pa.After(now)
		} else {
			checkPublishAt(doc, sched, now, &res)
		}
	}
	if doc.Embargo {
		if rules.Expedited(doc) {
			// Distributors cannot be given a week's notice of a crisis.
			sched.MinDistributorNotice = 0
		}
		checkEmbargo(doc, sched, &res)
	}
	return res
}

func checkPublishAt(doc *Document, sched Schedule, now time.Time, res *ScheduleResult) {
	pa := doc.PublishAt
	at := fieldValuePos(doc, "publish_at")
	if late := now.Sub(pa); late > sched.LateGrace {
		next, ok := NextAllowedSlot(now, sched)
		res.NextSlot = next
		res.Findings = append(res.Findings, scheduleFinding(doc, at, RulePublishAtPast,
			fmt.Sprintf("publish_at %s is %s in the past, beyond the %s grace for a late merge; pick a new time%s",
				FormatInstant(pa), HumanDuration(late), HumanDuration(sched.LateGrace), slotHint(next, ok))))
		return
	}
	res.Due = !pa.After(now)

	// A time within the grace period is judged where it stands, but the
	// suggestion has to lie ahead of now.
	from := pa
	if now.After(from) {
		from = now
	}
	if len(sched.Windows) > 0 && !inWindow(pa, sched.Windows) {
		next, ok := NextAllowedSlot(from, sched)
		res.NextSlot = next
		res.Findings = append(res.Findings, scheduleFinding(doc, at, RuleOutsideWindow,
			fmt.Sprintf("publish_at %s is outside the allowed publication windows (%s)%s",
				FormatInstant(pa), describeWindows(sched.Windows), slotHint(next, ok))))
	}
	if b, ok := blackoutOn(pa, sched.Blackouts); ok {
		next, found := NextAllowedSlot(from, sched)
		res.NextSlot = next
		res.Findings = append(res.Findings, scheduleFinding(doc, at, RuleBlackout,
			fmt.Sprintf("publish_at %s falls in the blackout %s%s",
				FormatInstant(pa), describeBlackout(b), slotHint(next, found))))
	}
}

func checkEmbargo(doc *Document, sched Schedule, res *ScheduleResult) {
	pa, until, notified := doc.PublishAt, doc.EmbargoUntil, doc.DistributorsNotified
	if min := sched.MinDistributorNotice; min > 0 && !notified.IsZero() && !pa.IsZero() && pa.Sub(notified) < min {
		earliest, ok := NextAllowedSlot(notified.Add(min), sched)
		move := ""
		if ok {
			move = fmt.Sprintf(", or move publish_at to %s or later", FormatInstant(earliest))
			if res.NextSlot.IsZero() {
				res.NextSlot = earliest
			}
		}
		res.Findings = append(res.Findings, scheduleFinding(doc, fieldValuePos(doc, "distributors_notified_at"), RuleDistributorsNoticeTooShort,
			fmt.Sprintf("distributors are notified only %s before publish_at %s; embargoed communications need at least %s of notice. Notify distributors earlier%s",
				HumanDuration(pa.Sub(notified)), FormatInstant(pa), HumanDuration(min), move)))
	}
	if max := sched.MaxEmbargo; max > 0 && !until.IsZero() && !notified.IsZero() && until.Sub(notified) > max {
		res.Findings = append(res.Findings, scheduleFinding(doc, fieldValuePos(doc, "embargo_until"), RuleEmbargoTooLong,
			fmt.Sprintf("the embargo lasts %s, from distributors_notified_at %s to embargo_until %s; the policy allows at most %s, so set embargo_until no later than %s",
				HumanDuration(until.Sub(notified)), FormatInstant(notified), FormatInstant(until), HumanDuration(max), FormatInstant(notified.Add(max)))))
	}
	if !until.IsZero() && !pa.IsZero() && until.After(pa) {
		res.Findings = append(res.Findings, scheduleFinding(doc, fieldValuePos(doc, "embargo_until"), RuleEmbargoAfterPublish,
			fmt.Sprintf("embargo_until %s is after publish_at %s, so the notice would go public while the embargo still holds; set embargo_until at or before publish_at",
				FormatInstant(until), FormatInstant(pa))))
	}
}

func scheduleFinding(doc *Document, at Pos, rule, msg string) Finding {
	return Finding{File: doc.Path, Line: at.Line, Column: at.Column, Severity: SeverityError, Rule: rule, Message: msg}
}

// fieldValuePos points at a field's value, falling back to its key and then
// to the top of the file when the document was built without positions.
func fieldValuePos(doc *Document, key string) Pos {
	f, ok := doc.FieldByKey(key)
	switch {
	case ok && f.ValuePos.Line > 0:
		return f.ValuePos
	case ok && f.KeyPos.Line > 0:
		return f.KeyPos
	default:
		return Pos{Line: 1, Column: 1}
	}
}

func slotHint(next time.Time, ok bool) string {
	if !ok {
		return "; no allowed slot exists in the next year, so the schedule policy needs fixing"
	}
	return "; next allowed slot: " + FormatInstant(next)
}
