package policy

import "testing"

// BenchmarkEvaluate is the pure decision for one pull request: a tier-3
// ladder (SIG → comms → security → steering) with a busy review history,
// the work the handlers do per evaluation once the facts are gathered.
func BenchmarkEvaluate(b *testing.B) {
	facts := ladderFacts()
	facts.Rules.Tiers[1] = []string{StageSIG, "comms", "security", "steering"}
	// Forty reviews: comments, changes requested and withdrawn, and the
	// approvals every stage needs, in the order they came.
	people := []string{"alice", "ann", "nora", "carol", "cody", "sam", "s1", "s2", "s3", "s4", "s5", "mallory"}
	for i := 0; i < 40; i++ {
		state := ReviewCommented
		switch {
		case i >= 28:
			state = ReviewApproved
		case i%7 == 3:
			state = ReviewChangesRequested
		}
		facts.Reviews = append(facts.Reviews, review(people[i%len(people)], state, i+1))
	}
	var d Decision
	b.ReportAllocs()
	for b.Loop() {
		d = Evaluate(facts)
	}
	if len(d.Stages) != 4 {
		b.Fatalf("decision has %d stages, want 4: %+v", len(d.Stages), d)
	}
	b.ReportMetric(float64(len(facts.Reviews)), "reviews")
}
