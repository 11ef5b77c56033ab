package policy

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// CommandName is a comment command commsgate understands.
type CommandName string

const (
	CommandHold    CommandName = "hold"
	CommandUnhold  CommandName = "unhold"
	CommandRecheck CommandName = "recheck"
	// CommandRatify, on the follow-up issue of an expedited notice,
	// approves it after the fact for the normal ladder.
	CommandRatify CommandName = "ratify"
)

// Command is one command found in a comment body.
type Command struct {
	Name CommandName
	// Arg is the rest of the line: the reason of a /hold.
	Arg string
}

// ParseCommands finds the commands in a comment body. A command is a line
// of its own starting with the command; lines inside fenced code blocks
// and quoted lines ("> /hold") are someone else's words and never count.
// Prow's "/hold cancel" is accepted as /unhold because reviewers carry that
// habit over.
func ParseCommands(body string) []Command {
	var cmds []Command
	inFence := false
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(trimmed, "/") {
			continue
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToLower(word) {
		case "/hold":
			if strings.EqualFold(rest, "cancel") {
				cmds = append(cmds, Command{Name: CommandUnhold})
			} else {
				cmds = append(cmds, Command{Name: CommandHold, Arg: rest})
			}
		case "/unhold":
			cmds = append(cmds, Command{Name: CommandUnhold})
		case "/ratify":
			cmds = append(cmds, Command{Name: CommandRatify})
		case "/commsgate":
			if strings.EqualFold(rest, "recheck") {
				cmds = append(cmds, Command{Name: CommandRecheck})
			}
		}
	}
	return cmds
}

// Comment is a pull-request comment as the hold rules see it. Authorized
// is decided by the handlers (a member of a configured group, or someone
// with write permission) because it needs GitHub lookups.
type Comment struct {
	ID         int64
	User       string
	Body       string
	CreatedAt  time.Time
	Authorized bool
}

// IgnoredCommand is a command that was not applied, with the reason.
type IgnoredCommand struct {
	CommentID int64
	User      string
	Command   CommandName
	Reason    string
}

// HoldState is the result of replaying the hold commands of a PR.
type HoldState struct {
	Active  []Hold
	Ignored []IgnoredCommand
	// LiftedBy names who lifted the most recent hold, for the summary.
	LiftedBy string
}

// Ranker says how far up the approval ladder a person stands: the index
// of the highest stage they belong to and its name, or -1 and "" for
// someone who may hold by write access alone.
type Ranker func(user string) (rank int, stage string)

// LadderRanker ranks people by the top tier's ladder (e.g. sig < comms <
// security < steering), with the team members the evaluation read.
func LadderRanker(rules *Rules, teams map[string][]string) Ranker {
	ladder := rules.Tiers[rules.TopTier()]
	return func(user string) (int, string) {
		for i := len(ladder) - 1; i >= 0; i-- {
			for _, team := range stageTeams(rules, ladder[i]) {
				if containsFold(teams[team], user) {
					return i, ladder[i]
				}
			}
		}
		return -1, ""
	}
}

// stageTeams are the teams whose members stand on a stage.
func stageTeams(rules *Rules, stage string) []string {
	if stage == StageSIG {
		return slices.Sorted(maps.Values(rules.SIGs))
	}
	g := rules.Groups[stage]
	return []string{g.Team, g.EmbargoTeam}
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// ReplayHolds replays /hold and /unhold in comment order with everyone
// of equal standing: one /unhold lifts every hold.
func ReplayHolds(comments []Comment) HoldState {
	return ReplayRankedHolds(comments, func(string) (int, string) { return 0, "" })
}

// ReplayRankedHolds replays /hold and /unhold in comment order. Holds
// live in the PR's own conversation rather than in commsgate, so the app
// stays stateless and every replica reaches the same answer. An /unhold
// lifts the holds its author may lift: their own, and those of people at
// the same stage of the ladder or below. The author of a notice, who
// holds by write access alone, cannot lift a reviewer's hold; a Steering
// member can lift anyone's. Holds it may not lift stay, and the /unhold
// is named as ignored for them.
func ReplayRankedHolds(comments []Comment, rank Ranker) HoldState {
	var st HoldState
	for _, c := range comments {
		for _, cmd := range ParseCommands(c.Body) {
			if cmd.Name == CommandRecheck {
				continue
			}
			if !c.Authorized {
				st.Ignored = append(st.Ignored, IgnoredCommand{
					CommentID: c.ID, User: c.User, Command: cmd.Name,
					Reason: "only members of a reviewing group or people with write access may use /" + string(cmd.Name),
				})
				continue
			}
			switch cmd.Name {
			case CommandHold:
				_, stage := rank(c.User)
				st.Active = upsertHold(st.Active, Hold{By: c.User, Reason: cmd.Arg, At: c.CreatedAt, CommentID: c.ID, Stage: stage})
			case CommandUnhold:
				st = unhold(st, c, rank)
			}
		}
	}
	return st
}

func unhold(st HoldState, c Comment, rank Ranker) HoldState {
	mine, _ := rank(c.User)
	var kept []Hold
	lifted := false
	for _, h := range st.Active {
		theirs, _ := rank(h.By)
		if strings.EqualFold(h.By, c.User) || mine >= theirs {
			lifted = true
			continue
		}
		kept = append(kept, h)
		st.Ignored = append(st.Ignored, IgnoredCommand{
			CommentID: c.ID, User: c.User, Command: CommandUnhold,
			Reason: "may not lift @" + h.By + "'s hold: " + LiftableBy(h),
		})
	}
	if lifted {
		st.LiftedBy = c.User
	}
	st.Active = kept
	return st
}

// LiftableBy says who may lift a hold, for the check.
func LiftableBy(h Hold) string {
	if h.Stage == "" {
		return "@" + h.By + " or anyone who may hold"
	}
	return "@" + h.By + " or a member of " + h.Stage + " or a later stage"
}

func upsertHold(holds []Hold, h Hold) []Hold {
	for i := range holds {
		if holds[i].By == h.By {
			holds[i] = h
			return holds
		}
	}
	return append(holds, h)
}
