package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/commsgate/commsgate/policy"
)

var (
	clockPattern          = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)
	policyDurationPattern = regexp.MustCompile(`^(?:[0-9]{1,6}[dhm])+$`)
	policyDurationPart    = regexp.MustCompile(`([0-9]+)([dhm])`)
)

// maxPolicyDuration bounds every duration: ten years is beyond any embargo,
// notice or follow-up, and keeps the arithmetic far from overflow.
const maxPolicyDuration = 3650 * 24 * time.Hour

var weekdaysByName = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

var weekdayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// suggestedZones feed did-you-mean for a misspelt time zone.
var suggestedZones = append([]string{
	"UTC", "America/Chicago", "America/Sao_Paulo", "Europe/London", "Europe/Paris",
	"Asia/Shanghai", "Asia/Singapore", "Australia/Sydney",
}, policy.DefaultTimezones...)

// decodeSchedule overlays publication timing. Lists the file sets replace
// the defaults; blackouts default to none.
func (l *policyLoader) decodeSchedule(n *yaml.Node) {
	es, ok := l.entries(n, "schedule")
	if !ok {
		return
	}
	keys := l.known(es, "schedule", "timezones", "windows", "blackout", "distributor_notice", "max_embargo", "late_grace")
	s := &l.rules.Schedule
	if e, ok := keys["timezones"]; ok {
		l.decodeTimezones(e.Value, s)
	}
	if e, ok := keys["windows"]; ok {
		l.decodeWindows(e.Value, s)
	}
	if e, ok := keys["blackout"]; ok {
		l.decodeBlackouts(e.Value, s)
	}
	if e, ok := keys["distributor_notice"]; ok {
		if d, ok := l.duration(e.Value, "schedule.distributor_notice"); ok {
			s.MinDistributorNotice = d
		}
	}
	if e, ok := keys["max_embargo"]; ok {
		if d, ok := l.duration(e.Value, "schedule.max_embargo"); ok {
			s.MaxEmbargo = d
		}
	}
	if e, ok := keys["late_grace"]; ok {
		// 0m is allowed here: no grace means a missed moment fails at once.
		if d, ok := l.spanOrZero(e.Value, "schedule.late_grace"); ok {
			s.LateGrace = d
		}
	}
}

func (l *policyLoader) decodeTimezones(n *yaml.Node, s *policy.Schedule) {
	names, nodes, ok := l.scalars(n, "schedule.timezones")
	if !ok {
		return
	}
	if len(n.Content) == 0 {
		l.errorf(n, RuleTimezone, "schedule.timezones is empty; list the zones reviewers should see, e.g. [America/Los_Angeles, Europe/Berlin, Asia/Tokyo]")
		return
	}
	var zones []*time.Location
	seen := map[string]bool{}
	for i, name := range names {
		if seen[name] {
			l.errorf(nodes[i], RuleTimezone, "time zone %q is listed twice; keep one", clipValue(name))
			continue
		}
		seen[name] = true
		if loc, ok := l.zone(nodes[i], fmt.Sprintf("schedule.timezones[%d]", i)); ok {
			zones = append(zones, loc)
		}
	}
	if len(zones) > 0 {
		s.Timezones = zones
	}
}

// zone resolves an IANA time zone name. "Local" and the empty name are
// refused: they would mean whatever zone the server happens to run in.
func (l *policyLoader) zone(n *yaml.Node, where string) (*time.Location, bool) {
	name, ok := l.scalar(n, where)
	if !ok {
		return nil, false
	}
	if loc, ok := l.zones[name]; ok {
		return loc, true
	}
	loc, err := time.LoadLocation(name)
	if name == "Local" || strings.TrimSpace(name) == "" || err != nil {
		l.errorf(n, RuleTimezone, "%s is %q, which is not an IANA time zone%s; use a name such as UTC, Europe/Berlin or America/Los_Angeles",
			where, clipValue(name), didYouMean(name, suggestedZones))
		return nil, false
	}
	if l.zones == nil {
		l.zones = map[string]*time.Location{}
	}
	l.zones[name] = loc
	return loc, true
}

func (l *policyLoader) decodeWindows(n *yaml.Node, s *policy.Schedule) {
	items, ok := l.list(n, "schedule.windows")
	if !ok {
		return
	}
	if len(items) == 0 {
		l.errorf(n, RuleWindow, "schedule.windows is empty, so nothing could ever be published; list at least one window, e.g. {days: [mon, tue, wed, thu], from: \"14:00\", to: \"18:00\", tz: UTC}")
		return
	}
	var windows []policy.Window
	for i, it := range items {
		if w, ok := l.decodeWindow(it, fmt.Sprintf("schedule.windows[%d]", i)); ok {
			windows = append(windows, w)
		}
	}
	if len(windows) > 0 {
		s.Windows = windows
	}
}

func (l *policyLoader) decodeWindow(n *yaml.Node, where string) (policy.Window, bool) {
	w := policy.Window{TZ: time.UTC}
	es, ok := l.entries(n, where)
	if !ok {
		return w, false
	}
	keys := l.known(es, where, "days", "from", "to", "tz")
	valid := true
	for _, key := range []string{"days", "from", "to"} {
		if _, ok := keys[key]; !ok {
			l.errorf(n, RuleMissingKey, "%s has no %s; a window needs days, from and to (tz defaults to UTC)", where, key)
			valid = false
		}
	}
	if e, ok := keys["days"]; ok {
		days, nodes, ok := l.scalars(e.Value, where+".days")
		if ok && len(e.Value.Content) == 0 {
			l.errorf(e.Value, RuleWindow, "%s.days is empty; list days such as [mon, tue, wed, thu]", where)
			valid = false
		}
		seen := map[string]bool{}
		for i, d := range days {
			wd, known := weekdaysByName[d]
			if !known {
				l.errorf(nodes[i], RuleWindow, "%q is not a day%s; use mon, tue, wed, thu, fri, sat or sun", clipValue(d), suggestDay(d))
				valid = false
				continue
			}
			if seen[d] {
				l.errorf(nodes[i], RuleWindow, "day %s is listed twice in %s.days; keep one", d, where)
				valid = false
				continue
			}
			seen[d] = true
			w.Days = append(w.Days, wd)
		}
		valid = valid && ok
	}
	from, fromOK := l.clock(keys, "from", where, false)
	to, toOK := l.clock(keys, "to", where, true)
	valid = valid && fromOK && toOK
	if fromOK && toOK && from >= to {
		l.errorf(keys["to"].Value, RuleWindow, "%s ends at %s, not after it starts at %s; a window cannot cross midnight, so split it in two", where, keys["to"].Value.Value, keys["from"].Value.Value)
		valid = false
	}
	w.From, w.To = from, to
	if e, ok := keys["tz"]; ok {
		loc, ok := l.zone(e.Value, where+".tz")
		valid = valid && ok
		if ok {
			w.TZ = loc
		}
	}
	return w, valid
}

// suggestDay maps a full or misspelt day name to its three-letter form.
func suggestDay(d string) string {
	lower := strings.ToLower(d)
	if len(lower) > 3 {
		if _, ok := weekdaysByName[lower[:3]]; ok {
			return fmt.Sprintf(" (did you mean %q?)", lower[:3])
		}
	}
	return didYouMean(d, weekdayNames)
}

// clock reads "HH:MM" as minutes after midnight. "24:00" is allowed for the
// end of a window so a window can run to the end of the day.
func (l *policyLoader) clock(keys map[string]policyEntry, key, where string, end bool) (int, bool) {
	e, ok := keys[key]
	if !ok {
		return 0, false
	}
	at := where + "." + key
	s, ok := l.scalar(e.Value, at)
	if !ok {
		return 0, false
	}
	if end && s == "24:00" {
		return 24 * 60, true
	}
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		l.errorf(e.Value, RuleWindow, "%s is %q; write a 24-hour time as \"HH:MM\" in quotes, e.g. \"09:00\" or \"16:30\"", at, clipValue(s))
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return h*60 + mi, true
}

func (l *policyLoader) decodeBlackouts(n *yaml.Node, s *policy.Schedule) {
	items, ok := l.list(n, "schedule.blackout")
	if !ok {
		return
	}
	var out []policy.Blackout
	for i, it := range items {
		if b, ok := l.decodeBlackout(it, fmt.Sprintf("schedule.blackout[%d]", i)); ok {
			out = append(out, b)
		}
	}
	s.Blackouts = out
}

func (l *policyLoader) decodeBlackout(n *yaml.Node, where string) (policy.Blackout, bool) {
	var b policy.Blackout
	es, ok := l.entries(n, where)
	if !ok {
		return b, false
	}
	keys := l.known(es, where, "from", "to", "reason")
	valid := true
	for _, key := range []string{"from", "to", "reason"} {
		if _, ok := keys[key]; !ok {
			l.errorf(n, RuleMissingKey, "%s has no %s; a blackout needs from, to (dates, inclusive) and a reason authors will read", where, key)
			valid = false
		}
	}
	date := func(key string) (time.Time, bool) {
		e, ok := keys[key]
		if !ok {
			return time.Time{}, false
		}
		s, ok := l.scalar(e.Value, where+"."+key)
		if !ok {
			return time.Time{}, false
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			l.errorf(e.Value, RuleBlackout, "%s.%s is %q; write a calendar date as YYYY-MM-DD, e.g. 2026-12-21", where, key, clipValue(s))
			return time.Time{}, false
		}
		return t, true
	}
	from, fromOK := date("from")
	to, toOK := date("to")
	valid = valid && fromOK && toOK
	if fromOK && toOK && to.Before(from) {
		l.errorf(keys["to"].Value, RuleBlackout, "%s ends on %s, before it starts on %s; swap the dates", where, to.Format(time.DateOnly), from.Format(time.DateOnly))
		valid = false
	}
	if e, ok := keys["reason"]; ok {
		r, ok := l.scalar(e.Value, where+".reason")
		if ok && strings.TrimSpace(r) == "" {
			l.errorf(e.Value, RuleBlackout, "%s.reason is blank; say why nothing is published then, e.g. end-of-year break", where)
			ok = false
		}
		valid = valid && ok
		b.Reason = r
	}
	b.From, b.To = from, to
	return b, valid
}

// duration reads a positive span written as days, hours and minutes, e.g.
// 14d, 36h, 90m or 1d12h. Go's "336h0m0s" form is refused: policy authors
// think in days.
func (l *policyLoader) duration(n *yaml.Node, where string) (time.Duration, bool) {
	return l.span(n, where, false)
}

// spanOrZero is duration that also accepts a zero span such as 0m.
func (l *policyLoader) spanOrZero(n *yaml.Node, where string) (time.Duration, bool) {
	return l.span(n, where, true)
}

func (l *policyLoader) span(n *yaml.Node, where string, zeroOK bool) (time.Duration, bool) {
	s, ok := l.scalar(n, where)
	if !ok {
		return 0, false
	}
	fix := "write a positive number of days, hours or minutes, e.g. 14d, 36h, 90m or 1d12h"
	if !policyDurationPattern.MatchString(s) {
		l.errorf(n, RuleDuration, "%s is %q; %s", where, clipValue(s), fix)
		return 0, false
	}
	var total time.Duration
	for _, m := range policyDurationPart.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.Atoi(m[1]) // at most six digits, by the pattern
		unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[m[2]]
		// Checking each part before adding keeps the sum from overflowing.
		if time.Duration(v) > maxPolicyDuration/unit || total+time.Duration(v)*unit > maxPolicyDuration {
			l.errorf(n, RuleDuration, "%s is %q, more than ten years; %s", where, clipValue(s), fix)
			return 0, false
		}
		total += time.Duration(v) * unit
	}
	if total <= 0 && !zeroOK {
		l.errorf(n, RuleDuration, "%s is %q, which is no time at all; %s", where, clipValue(s), fix)
		return 0, false
	}
	return total, true
}
