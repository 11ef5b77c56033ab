package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// DraftOptions fill in what `commsgate new` knows before the author writes.
type DraftOptions struct {
	// Title is the communication's title; empty leaves a gap to fill in.
	Title string
	// SIGs are the owning SIGs; empty leaves a gap to fill in.
	SIGs []string
	// Now is the current time; the draft proposes a publication slot at
	// least a week later.
	Now time.Time
	// Expedite drafts a notice for the crisis path: it publishes as soon
	// as the crisis ladder approves, and asks why it cannot wait.
	Expedite bool
}

// draftLeadTime is how far ahead a draft proposes to publish: enough for
// staged review and for the seven days' distributor notice an embargoed
// advisory needs.
const draftLeadTime = 7 * 24 * time.Hour

// NewDraft writes a new communication of the type with every required
// field and section present. What only the author can know is a
// `<fill in: guidance>` gap, which the placeholder rule reports until it is
// replaced, so an unfinished draft cannot be published. The filename is
// under rules.CommsPath, named by the proposed publication date and a slug
// of the title.
func NewDraft(rules *Rules, typeName string, opts DraftOptions) (filename string, content []byte, err error) {
	if rules == nil {
		return "", nil, errors.New("new draft: no rules")
	}
	spec, ok := rules.Types[typeName]
	if !ok {
		return "", nil, fmt.Errorf("new draft: unknown communication type %q: choose one of %s", typeName, strings.Join(slices.Sorted(maps.Keys(rules.Types)), ", "))
	}
	if opts.Now.IsZero() {
		return "", nil, errors.New("new draft: the current time is needed to propose a publication date")
	}
	for _, sig := range opts.SIGs {
		if _, known := rules.SIGs[sig]; !known {
			return "", nil, fmt.Errorf("new draft: unknown SIG %q%s: known SIGs are %s", sig, didYouMean(sig, slices.Sorted(maps.Keys(rules.SIGs))), strings.Join(slices.Sorted(maps.Keys(rules.SIGs)), ", "))
		}
	}
	if opts.Expedite && !rules.Expedite.Allows(typeName) {
		if !rules.Expedite.Enabled {
			return "", nil, errors.New("new draft: this repository's policy switches the crisis path off, so no notice can be expedited")
		}
		return "", nil, fmt.Errorf("new draft: type %q cannot be expedited: only %s may take the crisis path", typeName, strings.Join(rules.Expedite.Types, ", "))
	}
	publishAt := proposePublishAt(rules.Schedule, opts.Now)
	when := "# Proposed: the first publication window at least a week from now.\n"
	if opts.Expedite {
		// Windows are waived; a time already passed means "at once".
		publishAt = opts.Now.UTC().Truncate(time.Minute)
		when = "# Expedited: publishes as soon as the crisis ladder approves (a time already passed means at once).\n"
	}

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("---\n")
	w("# %s: %s\n", spec.Name, spec.Description)
	w("# Replace every fill-in gap below; commsgate reports any that are left.\n")
	w("# Times are RFC 3339 with a UTC offset, e.g. 2027-02-16T16:00:00Z.\n")
	if opts.Title != "" {
		w("title: %s\n", yamlQuote(opts.Title))
	} else {
		w("title: %s\n", gap("a short subject line, under %d characters", rules.Limits.TitleChars))
	}
	w("summary: %s\n", gap("who is affected and what happens, in at most two sentences"))
	w("type: %s\n", spec.Name)
	w("sigs:\n")
	if len(opts.SIGs) > 0 {
		for _, sig := range opts.SIGs {
			w("  - %s\n", yamlQuote(sig))
		}
	} else {
		w("  - %s\n", gap("the owning SIG: %s", oneOf(slices.Sorted(maps.Keys(rules.SIGs)))))
	}
	w("audience:\n  - %s\n", gap("%s", oneOf(Audiences)))
	w("priority: %s\n", gap("%s", oneOf(Priorities)))
	w("channels:\n  - %s\n", gap("%s", oneOf(slices.Sorted(maps.Keys(rules.Targets)))))
	w("%s", when)
	w("publish_at: %s\n", publishAt.UTC().Format(time.RFC3339))
	w("contacts:\n  - %s\n", gap("a GitHub username readers can ask"))
	for _, field := range spec.Fields {
		writeDraftField(&b, field)
	}
	if opts.Expedite {
		w("# The crisis path: %s asked at once, ratified by the normal ladder within %s.\n",
			strings.Join(rules.Expedite.Stages, " + "), HumanDuration(rules.Expedite.RatifyWithin))
		w("expedite: true\n")
		w("expedite_reason: %s\n", gap("why waiting for the next publication window would harm people, in one or two sentences"))
	}
	if slices.ContainsFunc(spec.Fields, func(f FieldSpec) bool { return f.Kind == KindCVE }) {
		w("# Under embargo, uncomment and set both dates (distributors at least a week ahead):\n")
		w("# embargo: true\n# embargo_until: %s\n", publishAt.UTC().Format(time.RFC3339))
		w("# distributors_notified_at: %s\n", publishAt.Add(-8*24*time.Hour).UTC().Format(time.RFC3339))
	}
	w("---\n")
	for _, section := range requiredSections(rules, spec.Name) {
		w("\n## %s\n\n<fill in: %s>\n", section.Title, section.Guidance)
	}

	slug := slugify(opts.Title)
	if slug == "" {
		slug = spec.Name
	}
	filename = rules.CommsPath + publishAt.UTC().Format("2006-01-02") + "-" + slug + ".md"
	return filename, []byte(b.String()), nil
}

// writeDraftField writes one type-specific field as a gap, with a comment
// when it is required only sometimes.
func writeDraftField(b *strings.Builder, field FieldSpec) {
	if len(field.RequiredWhen) > 0 {
		var conds []string
		for _, key := range slices.Sorted(maps.Keys(field.RequiredWhen)) {
			conds = append(conds, fmt.Sprintf("%s is %s", key, strings.Join(field.RequiredWhen[key], " or ")))
		}
		fmt.Fprintf(b, "# Required while %s.\n", strings.Join(conds, ", "))
	}
	guidance := field.Guidance
	if field.Kind == KindEnum {
		guidance = oneOf(field.Enum)
	}
	if field.Kind == KindHandles {
		fmt.Fprintf(b, "%s:\n  - %s\n", field.Name, gap("%s", guidance))
		return
	}
	fmt.Fprintf(b, "%s: %s\n", field.Name, gap("%s", guidance))
}

// proposePublishAt returns the middle of the first publication window at
// least draftLeadTime after now that is outside every blackout, or 16:00
// UTC a week later when the schedule has no windows.
func proposePublishAt(s Schedule, now time.Time) time.Time {
	earliest := now.Add(draftLeadTime)
	fallback := time.Date(earliest.Year(), earliest.Month(), earliest.Day(), 16, 0, 0, 0, time.UTC)
	if fallback.Before(earliest) {
		fallback = fallback.AddDate(0, 0, 1)
	}
	var best time.Time
	for _, win := range s.Windows {
		tz := win.TZ
		if tz == nil {
			tz = time.UTC
		}
		start := earliest.In(tz)
		for d := 0; d <= 62; d++ {
			day := time.Date(start.Year(), start.Month(), start.Day()+d, 0, 0, 0, 0, tz)
			if !slices.Contains(win.Days, day.Weekday()) {
				continue
			}
			mid := day.Add(time.Duration((win.From+win.To)/2) * time.Minute)
			if mid.Before(earliest) || inBlackout(s.Blackouts, mid) {
				continue
			}
			if best.IsZero() || mid.Before(best) {
				best = mid
			}
			break
		}
	}
	if best.IsZero() {
		return fallback
	}
	return best
}

func inBlackout(blackouts []Blackout, t time.Time) bool {
	day := time.Date(t.UTC().Year(), t.UTC().Month(), t.UTC().Day(), 0, 0, 0, 0, time.UTC)
	for _, b := range blackouts {
		if !day.Before(b.From) && !day.After(b.To) {
			return true
		}
	}
	return false
}

// gap is a quoted `<fill in: ...>` placeholder.
func gap(format string, args ...any) string {
	return yamlQuote("<fill in: " + fmt.Sprintf(format, args...) + ">")
}

// oneOf phrases the allowed values inside a gap.
func oneOf(values []string) string {
	if len(values) == 0 {
		return "a name from the repository's policy"
	}
	return "one of " + strings.Join(values, ", ")
}

// yamlQuote writes s as a double-quoted YAML string.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`).Replace(s) + `"`
}

// slugify turns a title into a short file name part: lower-case ASCII
// letters and digits joined by single hyphens.
func slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}
