package report

import (
	"testing"
	"time"

	"github.com/commsgate/commsgate/policy"
)

func TestCollisionsGolden(t *testing.T) {
	windows := rules().Schedule.Windows
	self := policy.Scheduled{Ref: "example/comms#7", Title: "Registry freeze", Tier: 2, PublishAt: now, Audience: []string{"end-users", "distributors"}}
	others := []policy.Scheduled{
		{Ref: "example/comms#12", Title: "Ingress controller\nretirement", Tier: 3, PublishAt: time.Date(2027, 2, 16, 14, 0, 0, 0, time.UTC), Audience: []string{"end-users"}},
		{Ref: "example/website#40", Title: "Slack migration", Tier: 2, PublishAt: time.Date(2027, 2, 17, 9, 0, 0, 0, time.UTC), Audience: []string{"everyone"}},
		{Ref: "example/comms#13", Title: "Contributor summit", Tier: 2, PublishAt: time.Date(2027, 2, 16, 15, 0, 0, 0, time.UTC), Audience: []string{"contributors"}},
	}
	tests := map[string][]policy.Scheduled{
		"one": others[:1],
		"two": others,
	}
	for name, list := range tests {
		t.Run(name, func(t *testing.T) {
			golden(t, "collisions-"+name+".md", Collisions(policy.Collisions(self, list, windows)))
		})
	}
	if got := Collisions(nil); got != "" {
		t.Errorf("no collision renders %q, want nothing", got)
	}
}
