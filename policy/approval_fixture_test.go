package policy

import "time"

// The fixtures below describe a small community: two SIGs, a comms team,
// a security team with a separate embargo team, and a five-member steering
// committee (majority 3).

// ladderNow is a Tuesday afternoon, inside the default window.
var ladderNow = time.Date(2027, 2, 16, 16, 30, 0, 0, time.UTC)

func ladderRules() *Rules {
	r := DefaultRules()
	r.Groups = map[string]Group{
		"comms":    {Name: "comms", Team: "example/comms", Count: 1},
		"security": {Name: "security", Team: "example/security", Count: 1, EmbargoTeam: "example/src"},
		"steering": {Name: "steering", Team: "example/steering", Majority: true},
	}
	r.SIGs = map[string]string{
		"sig-auth": "example/sig-auth-leads",
		"sig-node": "example/sig-node-leads",
	}
	return r
}

func ladderTeams() map[string][]string {
	return map[string][]string{
		"example/sig-auth-leads": {"alice", "ann"},
		"example/sig-node-leads": {"nora"},
		"example/comms":          {"carol", "cody"},
		"example/security":       {"sam"},
		"example/src":            {"sid"},
		"example/steering":       {"s1", "s2", "s3", "s4", "s5"},
	}
}

// ladderDoc is a tier-1 announcement owned by sig-auth, due ten minutes
// before ladderNow.
func ladderDoc() *Document {
	return &Document{
		Path:      "comms/a.md",
		Title:     "Meeting time change",
		Type:      "announcement",
		SIGs:      []string{"sig-auth"},
		Audience:  []string{"contributors"},
		Channels:  []string{"dev-list"},
		PublishAt: time.Date(2027, 2, 16, 16, 0, 0, 0, time.UTC),
		Fields: []Field{
			{Key: "publish_at", KeyPos: Pos{Line: 9, Column: 1}, ValuePos: Pos{Line: 9, Column: 13}},
			{Key: "embargo_until", KeyPos: Pos{Line: 11, Column: 1}, ValuePos: Pos{Line: 11, Column: 16}},
			{Key: "distributors_notified_at", KeyPos: Pos{Line: 12, Column: 1}, ValuePos: Pos{Line: 12, Column: 27}},
		},
	}
}

// ladderFacts uses tier 1 narrowed to sig → comms, so each test can reason
// about two stages; tests widen it where they need more.
func ladderFacts(reviews ...Review) Facts {
	rules := ladderRules()
	rules.Tiers = map[int][]string{1: {StageSIG, "comms"}, 2: {StageSIG, "comms", "steering"}, 3: {StageSIG, "comms", "security", "steering"}}
	return Facts{
		Rules:             rules,
		Author:            "alice",
		HeadSHA:           "head000",
		Documents:         []*Document{ladderDoc()},
		Reviews:           reviews,
		CommsChangedSince: map[string]bool{"head000": false, "old0000": true, "same000": false},
		TeamMembers:       ladderTeams(),
		Now:               ladderNow,
	}
}

// review builds a review submitted n minutes into the afternoon; n doubles
// as the review id so order and tie-breaks are explicit.
func review(user string, state ReviewState, n int) Review {
	return Review{
		ID: int64(n), User: user, State: state, CommitID: "head000",
		SubmittedAt: time.Date(2027, 2, 16, 12, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute),
	}
}

func approve(user string, n int) Review { return review(user, ReviewApproved, n) }
