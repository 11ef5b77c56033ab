package policy

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// commandSeeds are comment bodies around the edges of the command syntax.
var commandSeeds = []string{
	"", "/hold", "/hold cancel", "/HOLD Cancel", "/unhold", "/commsgate recheck", "/commsgate", "/commsgate recheck now",
	"/hold waiting for legal\n/unhold", "  /hold indented", "\t/hold\r\n", "> /hold quoted", "```\n/hold\n```", "~~~\n/hold\n~~~\n/hold",
	"```\n/hold", "/holdx", "/hold\u00a0reason", "／hold", "/ho\u200bld", "\u200b/hold", "/hоld", "\u2215hold",
	"text /hold in a sentence", "/hold " + strings.Repeat("x", 1000), strings.Repeat("/hold\n", 200), "/\n/ \n//hold",
	"\xff/hold\xfe", "/hold\x00reason", "/unhold\n```\n/hold\n```\n/hold again",
}

// FuzzParseCommands checks that any comment parses without panicking into
// known commands, one line each at most, and that text which only looks
// like a command (quoted, or behind an invisible character) never is one.
func FuzzParseCommands(f *testing.F) {
	for _, s := range commandSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		cmds := ParseCommands(body)
		if again := ParseCommands(body); !reflect.DeepEqual(cmds, again) {
			t.Fatalf("two parses of %q differ: %v then %v", body, cmds, again)
		}
		slashLines := 0
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "/") {
				slashLines++
			}
		}
		if len(cmds) > slashLines {
			t.Fatalf("%d commands from %d lines starting with a slash in %q", len(cmds), slashLines, body)
		}
		for _, c := range cmds {
			switch c.Name {
			case CommandHold, CommandUnhold, CommandRecheck:
			default:
				t.Fatalf("unknown command %q from %q", c.Name, body)
			}
			if strings.ContainsAny(c.Arg, "\n") {
				t.Fatalf("argument %q spans lines", c.Arg)
			}
			if c.Name != CommandHold && c.Arg != "" {
				t.Fatalf("%s carries an argument %q", c.Name, c.Arg)
			}
		}

		// The same words quoted, or behind a zero-width space, are never
		// commands: a reviewer must be able to quote "/hold" safely and
		// an invisible character must not hide one.
		for _, prefix := range []string{"> ", "\u200b"} {
			lines := strings.Split(body, "\n")
			for i := range lines {
				lines[i] = prefix + lines[i]
			}
			if got := ParseCommands(strings.Join(lines, "\n")); len(got) != 0 {
				t.Fatalf("with every line prefixed by %q, %q still gave commands %v", prefix, body, got)
			}
		}
	})
}

// FuzzReplayHolds splits the input into comments (on "\x1e"), alternately
// from an authorised lead and an outsider, and checks what any sequence of
// commands may leave: holds only by authorised people, one per person,
// and every outsider's hold or unhold reported as ignored.
func FuzzReplayHolds(f *testing.F) {
	f.Add("/hold\x1e/unhold")
	f.Add("/hold a\x1e/hold b\x1e/hold c")
	f.Add("/unhold\x1e/hold\x1e/hold cancel\x1e/hold")
	f.Add("```\n/hold\n```\x1e/commsgate recheck")
	f.Fuzz(func(t *testing.T, input string) {
		start := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
		var comments []Comment
		outsiderCommands := 0
		for i, body := range strings.Split(input, "\x1e") {
			c := Comment{ID: int64(i + 1), Body: body, CreatedAt: start.Add(time.Duration(i) * time.Minute)}
			if i%2 == 0 {
				c.User, c.Authorized = "carla", true
			} else {
				c.User = "mallory"
				for _, cmd := range ParseCommands(body) {
					if cmd.Name != CommandRecheck {
						outsiderCommands++
					}
				}
			}
			comments = append(comments, c)
		}
		st := ReplayHolds(comments)
		if len(st.Active) > 1 {
			t.Fatalf("only carla may hold, yet %d holds are active: %+v", len(st.Active), st.Active)
		}
		for _, h := range st.Active {
			if h.By != "carla" {
				t.Fatalf("an unauthorised hold is active: %+v", h)
			}
		}
		if len(st.Ignored) != outsiderCommands {
			t.Fatalf("mallory gave %d commands, %d were reported ignored", outsiderCommands, len(st.Ignored))
		}
		for _, ig := range st.Ignored {
			if ig.User != "mallory" || ig.Reason == "" {
				t.Fatalf("ignored command without the outsider or a reason: %+v", ig)
			}
		}
	})
}
