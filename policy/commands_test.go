package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseCommands(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Command
	}{
		{"hold with reason", "/hold waiting for the distributors list", []Command{{Name: CommandHold, Arg: "waiting for the distributors list"}}},
		{"bare hold", "/hold", []Command{{Name: CommandHold}}},
		{"unhold", "/unhold", []Command{{Name: CommandUnhold}}},
		{"prow hold cancel", "/hold cancel", []Command{{Name: CommandUnhold}}},
		{"recheck", "/commsgate recheck", []Command{{Name: CommandRecheck}}},
		{"case and spaces", "  /HOLD  Embargo moved ", []Command{{Name: CommandHold, Arg: "Embargo moved"}}},
		{"inside prose", "please /hold this", nil},
		{"quoted", "> /hold\nI disagree", nil},
		{"fenced", "```\n/hold\n```\n", nil},
		{"after fence", "```\n/hold\n```\n/unhold", []Command{{Name: CommandUnhold}}},
		{"unknown", "/approve\n/lgtm", nil},
		{"commsgate other word", "/commsgate publish", nil},
		{"two commands", "/hold\n/commsgate recheck", []Command{{Name: CommandHold}, {Name: CommandRecheck}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseCommands(tt.body)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseCommands(%q) = %#v, want %#v", tt.body, got, tt.want)
			}
		})
	}
}

func TestReplayHolds(t *testing.T) {
	at := time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)
	c := func(id int64, user, body string, ok bool) Comment {
		return Comment{ID: id, User: user, Body: body, CreatedAt: at.Add(time.Duration(id) * time.Minute), Authorized: ok}
	}
	tests := []struct {
		name        string
		comments    []Comment
		wantHolders []string
		wantIgnored int
		wantLifted  string
	}{
		{"no commands", []Comment{c(1, "alice", "LGTM", true)}, nil, 0, ""},
		{"hold", []Comment{c(1, "alice", "/hold vendors not ready", true)}, []string{"alice"}, 0, ""},
		{"hold then unhold by another", []Comment{c(1, "alice", "/hold", true), c(2, "bob", "/unhold", true)}, nil, 0, "bob"},
		{"two holders one unhold lifts all", []Comment{c(1, "alice", "/hold", true), c(2, "bob", "/hold", true), c(3, "carol", "/unhold", true)}, nil, 0, "carol"},
		{"unauthorized hold ignored", []Comment{c(1, "mallory", "/hold", false)}, nil, 1, ""},
		{"unauthorized unhold cannot lift", []Comment{c(1, "alice", "/hold", true), c(2, "mallory", "/unhold", false)}, []string{"alice"}, 1, ""},
		{"re-hold after unhold", []Comment{c(1, "alice", "/hold", true), c(2, "bob", "/unhold", true), c(3, "bob", "/hold again", true)}, []string{"bob"}, 0, "bob"},
		{"same person holds twice counts once", []Comment{c(1, "alice", "/hold a", true), c(2, "alice", "/hold b", true)}, []string{"alice"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ReplayHolds(tt.comments)
			var holders []string
			for _, h := range st.Active {
				holders = append(holders, h.By)
			}
			if !reflect.DeepEqual(holders, tt.wantHolders) {
				t.Errorf("holders = %v, want %v", holders, tt.wantHolders)
			}
			if len(st.Ignored) != tt.wantIgnored {
				t.Errorf("ignored = %v, want %d", st.Ignored, tt.wantIgnored)
			}
			if st.LiftedBy != tt.wantLifted {
				t.Errorf("lifted by %q, want %q", st.LiftedBy, tt.wantLifted)
			}
		})
	}
}

func TestReplayHoldsKeepsLatestReason(t *testing.T) {
	st := ReplayHolds([]Comment{
		{ID: 1, User: "alice", Body: "/hold first", Authorized: true},
		{ID: 2, User: "alice", Body: "/hold second", Authorized: true},
	})
	if len(st.Active) != 1 || st.Active[0].Reason != "second" || st.Active[0].CommentID != 2 {
		t.Fatalf("holds = %+v, want alice's second reason", st.Active)
	}
}

func TestRankedUnholdLiftsOnlyWhatItsAuthorMay(t *testing.T) {
	rules := ladderRules()
	rules.Tiers = map[int][]string{1: {StageSIG, "comms"}, 3: {StageSIG, "comms", "security", "steering"}}
	rank := LadderRanker(rules, ladderTeams())
	c := func(id int64, user, body string) Comment {
		return Comment{ID: id, User: user, Body: body, Authorized: true}
	}
	tests := []struct {
		name       string
		comments   []Comment
		wantActive []string
		wantIgnore int
	}{
		{"the holder lifts their own", []Comment{c(1, "carol", "/hold"), c(2, "carol", "/unhold")}, nil, 0},
		{"the author (write access only) cannot lift comms's hold",
			[]Comment{c(1, "carol", "/hold not yet"), c(2, "writer", "/unhold")}, []string{"carol"}, 1},
		{"a SIG lead cannot lift comms's hold", []Comment{c(1, "carol", "/hold"), c(2, "alice", "/unhold")}, []string{"carol"}, 1},
		{"another member of the same stage can", []Comment{c(1, "carol", "/hold"), c(2, "cody", "/unhold")}, nil, 0},
		{"steering lifts anyone's", []Comment{c(1, "carol", "/hold"), c(2, "sam", "/hold"), c(3, "s1", "/unhold")}, nil, 0},
		{"comms lifts a SIG lead's but not security's",
			[]Comment{c(1, "alice", "/hold"), c(2, "sam", "/hold"), c(3, "cody", "/unhold")}, []string{"sam"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ReplayRankedHolds(tt.comments, rank)
			var active []string
			for _, h := range st.Active {
				active = append(active, h.By)
			}
			if !slices.Equal(active, tt.wantActive) || len(st.Ignored) != tt.wantIgnore {
				t.Fatalf("active %v, ignored %+v; want active %v and %d ignored", active, st.Ignored, tt.wantActive, tt.wantIgnore)
			}
			for _, ig := range st.Ignored {
				if !strings.Contains(ig.Reason, "may not lift @") || !strings.Contains(ig.Reason, "or a later stage") {
					t.Errorf("ignored /unhold should say who may lift the hold: %q", ig.Reason)
				}
			}
		})
	}
}
