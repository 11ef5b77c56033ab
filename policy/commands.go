package policy

import (
	"strings"
	"time"
)

// CommandName is a comment command commsgate understands.
type CommandName string

const (
	CommandHold    CommandName = "hold"
	CommandUnhold  CommandName = "unhold"
	CommandRecheck CommandName = "recheck"
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

// ReplayHolds replays /hold and /unhold in comment order. Holds live in
// the PR's own conversation rather than in commsgate, so the app stays
// stateless and every replica reaches the same answer. One /unhold lifts
// every hold, as Prow's hold label does: a hold is a shared timing gate,
// not a personal veto (a personal veto is a "request changes" review).
func ReplayHolds(comments []Comment) HoldState {
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
				st.Active = upsertHold(st.Active, Hold{By: c.User, Reason: cmd.Arg, At: c.CreatedAt, CommentID: c.ID})
			case CommandUnhold:
				if len(st.Active) > 0 {
					st.LiftedBy = c.User
				}
				st.Active = nil
			}
		}
	}
	return st
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
