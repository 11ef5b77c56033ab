package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Scheduled is one communication as the collision rule sees it: which
// pull request it is, how far up the ladder it goes, when it publishes and
// to whom.
type Scheduled struct {
	// Ref names the pull request, "org/repo#12"; two documents of one
	// pull request share it.
	Ref   string
	Title string
	Tier  int
	// PublishAt is zero while the document has no valid publish_at.
	PublishAt time.Time
	Audience  []string
}

// Collision is another communication that publishes too close to this
// one for the same readers, and why.
type Collision struct {
	// With is the other communication.
	With Scheduled
	// Reasons are the timing reason first, then the audiences they share.
	Reasons []string
}

// Reason is the reasons as one clause.
func (c Collision) Reason() string {
	return strings.Join(c.Reasons, "; ")
}

// CollisionPair is one collision on the calendar: A publishes first (on a
// tie, A has the smaller Ref).
type CollisionPair struct {
	A, B    Scheduled
	Reasons []string
}

// For is the collision as the pull request ref sees it, naming the other
// side; false when ref is on neither side.
func (p CollisionPair) For(ref string) (Collision, bool) {
	switch {
	case strings.EqualFold(p.A.Ref, ref):
		return Collision{With: p.B, Reasons: p.Reasons}, true
	case strings.EqualFold(p.B.Ref, ref):
		return Collision{With: p.A, Reasons: p.Reasons}, true
	}
	return Collision{}, false
}

// Collision rule constants.
const (
	// CollisionMinTier is the lowest tier that collides: tier 1 notices go
	// out routinely and nobody coordinates them.
	CollisionMinTier = 2
	// CollisionDistance is how close two publish_at may be before they
	// collide. It is inclusive: "within 24 h" is read as "24 hours or
	// less", so a notice at the same hour the next day still collides. A
	// collision is a warning, so the boundary errs toward telling.
	CollisionDistance = 24 * time.Hour
	// collisionSweep bounds the pairs the sweep looks at: beyond
	// CollisionDistance, two instants can still share one window
	// occurrence when a daylight-saving change makes a 24-hour window's
	// day 25 hours long.
	collisionSweep = CollisionDistance + 2*time.Hour
)

// AudienceEveryone reaches every audience.
const AudienceEveryone = "everyone"

// Collisions lists the communications in others that collide with c, by
// the others' publish_at. Two communications collide when
//
//   - both are of tier 2 or above,
//   - both have a publish_at,
//   - they are different pull requests (Ref, compared case-insensitively;
//     documents of one pull request are coordinated by its author),
//   - their publish_at fall in the same occurrence of a publication window
//     (the same window on the same day in the window's zone: Tuesday's and
//     Wednesday's 14:00–18:00 are different occurrences), or lie within
//     24 hours of each other, boundary included,
//   - and their audiences overlap. "everyone" overlaps every audience. An
//     empty audience counts as everyone: a document without a valid
//     audience may reach anyone, and since a collision only warns, an
//     unknown audience should warn rather than hide one.
//
// A collision never blocks: it is there so that two authors talk before
// their readers get two sensitive notices in one sitting.
func Collisions(c Scheduled, others []Scheduled, windows []Window) []Collision {
	if !collides(c) {
		return nil
	}
	self := newSlot(c, windows)
	var out []Collision
	for _, o := range others {
		if !collides(o) {
			continue
		}
		if reasons, ok := collision(self, newSlot(o, windows), windows); ok {
			out = append(out, Collision{With: o, Reasons: reasons})
		}
	}
	slices.SortStableFunc(out, func(a, b Collision) int { return compareScheduled(a.With, b.With) })
	return out
}

// AllCollisions lists every colliding pair among list once, for the
// calendar, in order of A's and then B's publish_at (ties by Ref, then
// Title). It sorts by time and compares each communication only with those
// that publish within a day or so after it, so a few hundred
// communications cost a sort and a short sweep.
func AllCollisions(list []Scheduled, windows []Window) []CollisionPair {
	slots := make([]slot, 0, len(list))
	for _, s := range list {
		if collides(s) {
			slots = append(slots, newSlot(s, windows))
		}
	}
	slices.SortStableFunc(slots, func(a, b slot) int { return compareScheduled(a.s, b.s) })
	var out []CollisionPair
	for i, a := range slots {
		for _, b := range slots[i+1:] {
			if b.s.PublishAt.Sub(a.s.PublishAt) > collisionSweep {
				break
			}
			if reasons, ok := collision(a, b, windows); ok {
				out = append(out, CollisionPair{A: a.s, B: b.s, Reasons: reasons})
			}
		}
	}
	return out
}

// collides reports whether s takes part in the rule at all.
func collides(s Scheduled) bool {
	return s.Tier >= CollisionMinTier && !s.PublishAt.IsZero()
}

// slot is a communication with the window occurrences its publish_at falls
// in, worked out once.
type slot struct {
	s Scheduled
	// occurrences holds, per window index, the start of the occurrence
	// containing publish_at; zero when outside that window.
	occurrences []time.Time
}

func newSlot(s Scheduled, windows []Window) slot {
	sl := slot{s: s, occurrences: make([]time.Time, len(windows))}
	for i, w := range windows {
		if start, ok := w.occurrenceAt(s.PublishAt); ok {
			sl.occurrences[i] = start
		}
	}
	return sl
}

// collision decides one pair and says why, timing first.
func collision(a, b slot, windows []Window) ([]string, bool) {
	if strings.EqualFold(a.s.Ref, b.s.Ref) {
		return nil, false
	}
	apart := b.s.PublishAt.Sub(a.s.PublishAt)
	if apart < 0 {
		apart = -apart
	}
	var timing string
	for i, start := range a.occurrences {
		if !start.IsZero() && start.Equal(b.occurrences[i]) {
			timing = fmt.Sprintf("both publish in the %s window of %s (%s)", windows[i].hours(), start.Format("Mon 2006-01-02"), apartWords(apart))
			break
		}
	}
	if timing == "" {
		if apart > CollisionDistance {
			return nil, false
		}
		timing = "within 24 h of each other: " + apartWords(apart)
	}
	audience, ok := audienceOverlap(a.s, b.s)
	if !ok {
		return nil, false
	}
	return []string{timing, audience}, true
}

// apartWords counts a day or more in hours, so "24 hours apart" reads
// against the 24-hour rule and a 24½-hour gap is not rounded to a day.
func apartWords(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "at the same time"
	case d < CollisionDistance:
		return HumanDuration(d) + " apart"
	}
	words := pluralUnit(int(d/time.Hour), "hour")
	if m := int(d % time.Hour / time.Minute); m > 0 {
		words += " " + pluralUnit(m, "minute")
	}
	return words + " apart"
}

// audienceOverlap names the readers two communications share, in the
// process's order of audiences.
func audienceOverlap(a, b Scheduled) (string, bool) {
	var unset []string
	sets := make([]map[string]bool, 2)
	for i, s := range []Scheduled{a, b} {
		if sets[i] = audienceSet(s.Audience); len(sets[i]) == 0 {
			unset = append(unset, s.Ref)
			sets[i] = map[string]bool{AudienceEveryone: true}
		}
	}
	aa, bb := sets[0], sets[1]
	var shared []string
	viaEveryone := false
	switch {
	case aa[AudienceEveryone] && bb[AudienceEveryone]:
		shared = []string{AudienceEveryone}
	case aa[AudienceEveryone]:
		shared, viaEveryone = sortedAudiences(bb), true
	case bb[AudienceEveryone]:
		shared, viaEveryone = sortedAudiences(aa), true
	default:
		both := map[string]bool{}
		for v := range aa {
			if bb[v] {
				both[v] = true
			}
		}
		shared = sortedAudiences(both)
	}
	if len(shared) == 0 {
		return "", false
	}
	words := "audiences overlap: " + strings.Join(shared, ", ")
	switch {
	case len(unset) > 0:
		verb := "names"
		if len(unset) > 1 {
			verb = "name"
		}
		words += fmt.Sprintf(" (%s %s no audience, which counts as everyone)", strings.Join(unset, " and "), verb)
	case viaEveryone:
		words += " (one of them is for everyone)"
	}
	return words, true
}

// audienceSet is the trimmed, lower-cased audiences.
func audienceSet(audience []string) map[string]bool {
	set := map[string]bool{}
	for _, v := range audience {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			set[v] = true
		}
	}
	return set
}

// sortedAudiences orders audiences as Audiences lists them, unknown ones
// after in alphabetical order, so a reason reads the same every time.
func sortedAudiences(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	rank := func(v string) int {
		if i := slices.Index(Audiences, v); i >= 0 {
			return i
		}
		return len(Audiences)
	}
	slices.SortFunc(out, func(x, y string) int {
		if rx, ry := rank(x), rank(y); rx != ry {
			return rx - ry
		}
		return strings.Compare(x, y)
	})
	return out
}

func compareScheduled(a, b Scheduled) int {
	if c := a.PublishAt.Compare(b.PublishAt); c != 0 {
		return c
	}
	if c := strings.Compare(a.Ref, b.Ref); c != 0 {
		return c
	}
	return strings.Compare(a.Title, b.Title)
}
