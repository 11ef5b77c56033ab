package calendar

import (
	"fmt"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/policy"
)

var now = time.Date(2027, 2, 8, 10, 0, 0, 0, time.UTC)

// read is a pull request with one tier 2 notice owned by SIG Node (on a
// Tuesday afternoon, in the window), under
// a ladder of SIG leads then comms; approvers approve it.
func read(n int, approvers ...string) Read {
	rules := policy.DefaultRules()
	rules.Tiers = map[int][]string{1: {policy.StageSIG}, 2: {policy.StageSIG, "comms"}, 3: {policy.StageSIG, "comms"}}
	rules.SIGs = map[string]string{"sig-node": "example/sig-node-leads"}
	rules.Groups = map[string]policy.Group{"comms": {Name: "comms", Team: "example/comms", Count: 1}}
	doc := &policy.Document{
		Path: fmt.Sprintf("comms/n%d.md", n), Title: fmt.Sprintf("Notice %d", n), Type: "announcement",
		SIGs: []string{"sig-node"}, Audience: []string{"end-users"}, Channels: []string{"dev-list"},
		PublishAt: time.Date(2027, 2, 9, 14, 0, 0, 0, time.UTC).Add(time.Duration(n%4)*time.Hour + time.Duration(n/4)*7*24*time.Hour),
	}
	var reviews []policy.Review
	for i, u := range approvers {
		reviews = append(reviews, policy.Review{ID: int64(i + 1), User: u, State: policy.ReviewApproved, CommitID: "head", SubmittedAt: now.Add(-time.Duration(10-i) * time.Hour)})
	}
	return Read{
		PR: PR{Ref: fmt.Sprintf("example/comms#%d", n), Repository: "example/comms", Number: n, URL: fmt.Sprintf("https://github.com/example/comms/pull/%d", n), Head: "head"},
		Evaluation: facts.Evaluation{Facts: policy.Facts{
			Rules: rules, Author: "alice", HeadSHA: "head", Documents: []*policy.Document{doc}, Reviews: reviews,
			CommsChangedSince: map[string]bool{"head": false}, OpenedAt: now.Add(-24 * time.Hour),
			TeamMembers: map[string][]string{"example/sig-node-leads": {"nina"}, "example/comms": {"carla"}},
		}},
	}
}

func TestBuildStates(t *testing.T) {
	merged := func(r Read, o *publication.Outcome) Read {
		r.PR.Merged, r.PR.MergedAt, r.Publication = true, now.Add(-time.Hour), o
		return r
	}
	draft := read(1)
	draft.PR.Draft, draft.Evaluation.Draft = true, true
	tests := []struct {
		name  string
		read  Read
		state State
		stage string
	}{
		{"draft", draft, Draft, ""},
		{"in review at the first stage", read(1), InReview, "sig"},
		{"in review at comms after the SIG lead", read(1, "nina"), InReview, "comms"},
		{"approved, waiting for publish_at", read(1, "nina", "carla"), Scheduled, ""},
		{"merged, publication not started", merged(read(1, "nina", "carla"), nil), Scheduled, ""},
		{"published", merged(read(1, "nina", "carla"), &publication.Outcome{Completed: true, Conclusion: "success",
			Deliveries: []publication.DeliveryOutcome{{Path: "comms/n1.md", Target: "announce", Kind: "github-issue", Status: "succeeded", URL: "https://github.com/example/announce/issues/3"}},
			FollowUps:  map[string]int{"comms/n1.md": 9}}), Published, ""},
		{"refused", merged(read(1), &publication.Outcome{Completed: true, Conclusion: "failure"}), Refused, ""},
		{"failed", merged(read(1, "nina", "carla"), &publication.Outcome{Completed: true, Conclusion: "failure",
			Deliveries: []publication.DeliveryOutcome{{Path: "comms/n1.md", Target: "announce", Status: "failed"}}}), Failed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := Build([]Read{tt.read}, now)
			if len(es) != 1 {
				t.Fatalf("entries = %d, want 1", len(es))
			}
			e := es[0]
			if e.State != tt.state || e.Stage != tt.stage {
				t.Fatalf("state %s at %q, want %s at %q (%s)", e.State, e.Stage, tt.state, tt.stage, e.Decision.Headline)
			}
			if tt.stage != "" && e.AwaitedSince.IsZero() {
				t.Errorf("stage %s is awaited since an unknown time", e.Stage)
			}
			if e.State == Published && (e.Links.FollowUp != "https://github.com/example/comms/issues/9" || len(e.Links.Publications) != 1) {
				t.Errorf("links = %+v", e.Links)
			}
		})
	}
	if got := read(1, "nina").Evaluation.Facts.OpenedAt; !Build([]Read{read(1, "nina")}, now)[0].AwaitedSince.Equal(now.Add(-10 * time.Hour)) {
		t.Errorf("comms should be awaited since nina's approval, not the opening (%v)", got)
	}
}

// BenchmarkBuild200 is the pure half of a listing of 200 communications:
// each pull request decided at now, entries built and sorted, and every
// colliding pair found.
func BenchmarkBuild200(b *testing.B) {
	reads := make([]Read, 200)
	for i := range reads {
		reads[i] = read(i+1, "nina")
	}
	windows := reads[0].Evaluation.Rules.Schedule.Windows
	b.ReportAllocs()
	for b.Loop() {
		Collisions(Build(reads, now), windows)
	}
}
