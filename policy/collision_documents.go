package policy

import "strings"

// ScheduledDocuments is the documents of one pull request (ref,
// "org/repo#12") as the collision rule sees them. Each is at its own tier
// (its type, scope and declared tier): a pull request holding a tier 1
// and a tier 3 notice is reviewed at tier 3, but only the tier 3 notice
// is a sensitive publication of its own.
func ScheduledDocuments(ref string, docs []*Document, rules *Rules) []Scheduled {
	out := make([]Scheduled, 0, len(docs))
	for _, d := range docs {
		if d == nil {
			continue
		}
		out = append(out, Scheduled{
			Ref: ref, Title: d.Title, Tier: ComputeTier([]*Document{d}, rules, false).Tier,
			PublishAt: d.PublishAt, Audience: d.Audience,
		})
	}
	return out
}

// CollisionsOf is Collisions for every document of one pull request: each
// other communication is named once, with the reasons of its first
// collision in own's order.
func CollisionsOf(own, others []Scheduled, windows []Window) []Collision {
	var out []Collision
	seen := map[string]bool{}
	for _, s := range own {
		for _, c := range Collisions(s, others, windows) {
			key := strings.ToLower(c.With.Ref) + "\x00" + c.With.Title + "\x00" + c.With.PublishAt.String()
			if !seen[key] {
				seen[key] = true
				out = append(out, c)
			}
		}
	}
	return out
}
