package gate

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/facts/factstest"
	"github.com/commsgate/commsgate/policy"
)

// approvedFacts are the facts of an announcement owned by SIG Node, under
// a ladder narrowed to the SIG stage, that the SIG lead approved.
func approvedFacts(t *testing.T, lead string) policy.Facts {
	t.Helper()
	rules := policy.DefaultRules()
	rules.Tiers = map[int][]string{1: {policy.StageSIG}, 2: {policy.StageSIG}, 3: {policy.StageSIG}}
	rules.SIGs = map[string]string{"sig-node": "example/sig-node-leads"}
	now := time.Date(2027, 2, 16, 16, 30, 0, 0, time.UTC)
	doc := &policy.Document{
		Path: "comms/a.md", Title: "Meeting time change", Type: "announcement",
		SIGs: []string{"sig-node"}, Audience: []string{"contributors"}, Channels: []string{"dev-list"},
		PublishAt: now.Add(-10 * time.Minute),
	}
	return policy.Facts{
		Rules: rules, Author: "ann", HeadSHA: "abc123",
		Documents:         []*policy.Document{doc},
		Reviews:           []policy.Review{{User: lead, State: policy.ReviewApproved, CommitID: "abc123"}},
		CommsChangedSince: map[string]bool{"abc123": false},
		TeamMembers:       map[string][]string{"example/sig-node-leads": {"nina"}},
		Now:               now,
	}
}

func TestDecideNeverTurnsGreenOnCachedAnswersAlone(t *testing.T) {
	green := approvedFacts(t, "nina")
	if d := policy.Evaluate(green); !d.Satisfied() {
		t.Fatalf("fixture should be approved: %s %v", d.Headline, d.Reasons)
	}
	// Fresh from GitHub: nina has left the SIG leads since the cache
	// was filled.
	left := green
	left.TeamMembers = map[string][]string{"example/sig-node-leads": {}}

	tests := []struct {
		name      string
		cached    facts.Evaluation
		fresh     facts.Evaluation
		freshErr  error
		wantGreen bool
		wantErr   bool
		wantCalls []string
	}{
		{
			name:      "green on answers read fresh already is final",
			cached:    facts.Evaluation{Facts: green},
			wantGreen: true,
			wantCalls: []string{"Gather(cached)"},
		},
		{
			name:      "green on cached answers is decided again, fresh",
			cached:    facts.Evaluation{Facts: green, UsedCache: true},
			fresh:     facts.Evaluation{Facts: green},
			wantGreen: true,
			wantCalls: []string{"Gather(cached)", "Gather(fresh)"},
		},
		{
			name:      "fresh answers that take an approver away win",
			cached:    facts.Evaluation{Facts: green, UsedCache: true},
			fresh:     facts.Evaluation{Facts: left},
			wantCalls: []string{"Gather(cached)", "Gather(fresh)"},
		},
		{
			name:      "fresh answers that cannot be read are an error, not green",
			cached:    facts.Evaluation{Facts: green, UsedCache: true},
			freshErr:  errors.New("GitHub is down"),
			wantErr:   true,
			wantCalls: []string{"Gather(cached)", "Gather(fresh)"},
		},
		{
			name:      "a decision that is not green needs no fresh read",
			cached:    facts.Evaluation{Facts: left, UsedCache: true},
			wantCalls: []string{"Gather(cached)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &factstest.Reader{
				Evaluations: map[facts.ReadMode]facts.Evaluation{facts.ReadCached: tt.cached, facts.ReadFresh: tt.fresh},
				GatherErr:   map[facts.ReadMode]error{facts.ReadFresh: tt.freshErr},
			}
			g := New(nil, Options{Now: func() time.Time { return green.Now }})
			_, d, err := g.decide(context.Background(), &pass{reader: r}, green.Rules, facts.PRState{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if d.Satisfied() != tt.wantGreen {
				t.Errorf("green = %v, want %v (%s)", d.Satisfied(), tt.wantGreen, d.Headline)
			}
			if got := r.Calls(); !slices.Equal(got, tt.wantCalls) {
				t.Errorf("reads = %v, want %v", got, tt.wantCalls)
			}
		})
	}
}
