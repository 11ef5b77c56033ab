package policy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func assignReq(label string, count int, members ...string) Requirement {
	return Requirement{Stage: label, Label: label, Team: "example/" + label, Count: count, Members: members}
}

func TestAssignApprovers(t *testing.T) {
	tests := []struct {
		name      string
		reqs      []Requirement
		approvers []string
		distinct  bool
		want      [][]string
	}{
		{
			// First come, first served would give a to comms and leave
			// steering empty; a matching moves a to steering.
			name:      "matching beats first-come",
			reqs:      []Requirement{assignReq("comms", 1, "a", "b"), assignReq("steering", 1, "a")},
			approvers: []string{"a", "b"},
			distinct:  true,
			want:      [][]string{{"b"}, {"a"}},
		},
		{
			name:      "chains of moves",
			reqs:      []Requirement{assignReq("sig", 1, "a", "b"), assignReq("comms", 1, "b", "c"), assignReq("steering", 1, "a")},
			approvers: []string{"a", "b", "c"},
			distinct:  true,
			want:      [][]string{{"b"}, {"c"}, {"a"}},
		},
		{
			name:      "one person counts once",
			reqs:      []Requirement{assignReq("comms", 1, "a"), assignReq("steering", 1, "a")},
			approvers: []string{"a"},
			distinct:  true,
			want:      [][]string{{"a"}, nil},
		},
		{
			name:      "a stage that cannot be filled does not keep people from a later one",
			reqs:      []Requirement{assignReq("steering", 3, "a", "b"), assignReq("comms", 1, "a")},
			approvers: []string{"a", "b"},
			distinct:  true,
			want:      [][]string{{"b"}, {"a"}},
		},
		{
			// Filling steering with the first two approvers (c, a) would
			// leave comms, which only c can serve, empty.
			name:      "a stage needing several approvals leaves the scarce approver free",
			reqs:      []Requirement{assignReq("steering", 2, "a", "b", "c"), assignReq("comms", 1, "c")},
			approvers: []string{"c", "a", "b"},
			distinct:  true,
			want:      [][]string{{"a", "b"}, {"c"}},
		},
		{
			name:      "independent stages count the same person twice",
			reqs:      []Requirement{assignReq("comms", 1, "a"), assignReq("steering", 1, "a")},
			approvers: []string{"a"},
			distinct:  false,
			want:      [][]string{{"a"}, {"a"}},
		},
		{
			name:      "requirements with a problem get nobody",
			reqs:      []Requirement{{Label: "x", Count: 1, Members: []string{"a"}, Problem: "broken"}, assignReq("comms", 1, "a")},
			approvers: []string{"a"},
			distinct:  true,
			want:      [][]string{nil, {"a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AssignApprovers(tt.reqs, tt.approvers, tt.distinct)
			for i := range tt.reqs {
				g := slices.Clone(got[i])
				slices.Sort(g)
				if !slices.Equal(g, tt.want[i]) {
					t.Errorf("requirement %s got %v, want %v", tt.reqs[i].Label, g, tt.want[i])
				}
			}
		})
	}
}

// TestAssignApproversFindsAFullAssignmentWheneverOneExists compares the
// matching with brute force on many small random ladders.
func TestAssignApproversFindsAFullAssignmentWheneverOneExists(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	users := []string{"a", "b", "c", "d", "e"}
	for round := range 2000 {
		var reqs []Requirement
		for r := range 1 + rng.IntN(4) {
			var members []string
			for _, u := range users {
				if rng.IntN(2) == 0 {
					members = append(members, u)
				}
			}
			reqs = append(reqs, assignReq(fmt.Sprintf("r%d", r), 1+rng.IntN(2), members...))
		}
		approvers := slices.Clone(users[:1+rng.IntN(len(users))])
		rng.Shuffle(len(approvers), func(i, j int) { approvers[i], approvers[j] = approvers[j], approvers[i] })

		got := AssignApprovers(reqs, approvers, true)
		full := true
		seen := map[string]bool{}
		for i, r := range reqs {
			if len(got[i]) < r.Count {
				full = false
			}
			for _, u := range got[i] {
				if seen[u] || !r.isMember(u) {
					t.Fatalf("round %d: %s assigned twice or to a team they are not in: %v", round, u, got)
				}
				seen[u] = true
			}
		}
		if want := bruteForceFull(reqs, approvers); full != want {
			t.Fatalf("round %d: full=%v, brute force says %v\nreqs %+v\napprovers %v\ngot %v", round, full, want, reqs, approvers, got)
		}
	}
}

// bruteForceFull tries every way to give each approver to one requirement
// or none.
func bruteForceFull(reqs []Requirement, approvers []string) bool {
	counts := make([]int, len(reqs))
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(approvers) {
			for k, r := range reqs {
				if counts[k] < r.Count {
					return false
				}
			}
			return true
		}
		if try(i + 1) {
			return true
		}
		for k, r := range reqs {
			if r.isMember(approvers[i]) && counts[k] < r.Count {
				counts[k]++
				ok := try(i + 1)
				counts[k]--
				if ok {
					return true
				}
			}
		}
		return false
	}
	return try(0)
}
