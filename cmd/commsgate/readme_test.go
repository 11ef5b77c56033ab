package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

// farFuture stands for "whenever someone reads the README": a command
// whose answer depends on the day must pin --now or be documented to
// change.
const farFuture = "2100-01-01T00:00:00Z"

// readmeCommand is what the README documents for one command it shows.
type readmeCommand struct {
	// inExample runs it in a copy of testdata/repo, standing for "your
	// communications repository"; otherwise in the repository root.
	inExample bool
	// exit is the status as of when the examples were written (exampleNow);
	// later the status in the far future, when the examples' publish_at is
	// long past and the schedule rules refuse it (exit 1), unless the
	// command pins --now or does not judge the schedule.
	exit, later int
	// skip names the test that runs the command instead.
	skip string
}

var readmeCommands = map[string]readmeCommand{
	"go run ./cmd/commsgate demo":                                                                      {skip: "demo_test.go runs the demo"},
	"go run ./cmd/commsgate demo --keep":                                                               {skip: "TestDemoKeepPrintsCommandsThatWork runs it and the commands it prints"},
	"go run ./cmd/commsgate bench":                                                                     {skip: "bench_test.go runs the benchmark"},
	"go run ./cmd/commsgate check --now 2027-01-10T09:00:00Z testdata/repo":                            {exit: 0, later: 0},
	"go run ./cmd/commsgate check --config testdata/repo/.github/commsgate.yml testdata/invalid":       {exit: 1, later: 1},
	"commsgate --version":                                                                              {inExample: true},
	"commsgate check comms/2027-02-16-kubelet-proxy-cve.md":                                            {inExample: true, exit: 0, later: 1},
	"commsgate check .":                                                                                {inExample: true, exit: 0, later: 1},
	"commsgate check --format github .":                                                                {inExample: true, exit: 0, later: 1},
	"commsgate check --format json --now 2027-01-10T09:00:00Z comms/":                                  {inExample: true, exit: 0, later: 0},
	"commsgate check .github/commsgate.yml":                                                            {inExample: true},
	`commsgate check --format github --changed-from "$BASE" .`:                                         {skip: "TestExampleWorkflowChecksThePullRequest runs it in a git repository"},
	"commsgate preview comms/2027-02-16-kubelet-proxy-cve.md --channel announce":                       {inExample: true, exit: 0, later: 1},
	"commsgate preview comms/2027-02-16-kubelet-proxy-cve.md --channel email --part html > mail.html":  {inExample: true, exit: 0, later: 1},
	`commsgate new security-advisory --title "kubelet-proxy skips node authorization" --sigs sig-node`: {inExample: true},
	"commsgate new incident --expedite":                                                                {inExample: true},
	"commsgate schema --policy > .github/commsgate.schema.json":                                        {inExample: true},
	"commsgate schema > .commsgate.schema.json":                                                        {inExample: true},
	"commsgate serve --config /etc/commsgate/config.yaml":                                              {skip: "serve_test.go runs serve"},
	"commsgate register --org example --public-url https://commsgate.example.org":                      {skip: "register_test.go runs register against the fake GitHub, with the test as the browser"},
	"commsgate register --org ORG --public-url https://commsgate.example.org":                          {skip: "register_test.go runs register against the fake GitHub, with the test as the browser"},
	"commsgate doctor --config commsgate.yaml":                                                         {skip: "doctor_test.go runs doctor against the fake GitHub, and handlers/doctor each of its checks"},
	`commsgate new announcement --title "Test"`:                                                        {inExample: true},
}

// readmeShownCommands are the commsgate commands the README shows: lines
// of its sh code blocks and inline code of three words or more.
func readmeShownCommands(t *testing.T) []string {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	isCommand := func(s string) bool {
		return (strings.HasPrefix(s, "commsgate ") || strings.HasPrefix(s, "go run ./cmd/commsgate ")) && len(strings.Fields(s)) >= 3 ||
			s == "commsgate --version"
	}
	var out []string
	inSh := false
	var prose strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```"):
			inSh = !inSh && trimmed == "```sh"
			continue
		case inSh:
			cmd, _, _ := strings.Cut(trimmed, " # ")
			if cmd = strings.TrimSpace(cmd); isCommand(cmd) {
				out = append(out, cmd)
			}
			continue
		}
		prose.WriteString(line + "\n")
	}
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(prose.String(), -1) {
		if cmd := strings.Join(strings.Fields(m[1]), " "); isCommand(cmd) {
			out = append(out, cmd)
		}
	}
	return out
}

// Every commsgate command the README shows runs, in-process, with the
// exit status the README gives it, now and in the far future.
func TestReadmeCommands(t *testing.T) {
	shown := readmeShownCommands(t)
	seen := map[string]bool{}
	for _, cmd := range shown {
		want, ok := readmeCommands[cmd]
		if !ok {
			t.Errorf("the README shows %q, which this test does not know: add it to readmeCommands with its documented exit status", cmd)
			continue
		}
		if seen[cmd] {
			continue
		}
		seen[cmd] = true
		if want.skip != "" {
			continue
		}
		for _, phase := range []struct {
			name, now string
			exit      int
		}{{"as written", exampleNow, want.exit}, {"far future", farFuture, want.later}} {
			t.Run(cmd+" "+phase.name, func(t *testing.T) {
				line, _, _ := strings.Cut(cmd, " > ") // the output goes to a buffer
				words := shellWords(t, line, nil)
				args := words[1:]
				if words[0] == "go" {
					args = words[3:] // go run ./cmd/commsgate …
				}
				if (args[0] == "check" || args[0] == "preview") && !strings.Contains(cmd, "--now") {
					args = append(args, "--now", phase.now)
				}
				if want.inExample {
					dir := t.TempDir()
					copyTree(t, "../../testdata/repo", dir)
					t.Chdir(dir)
				} else {
					t.Chdir("../..")
				}
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), args, &stdout, &stderr)
				if code != phase.exit {
					t.Errorf("exit %d, want %d\nstdout:\n%.2000s\nstderr:\n%s", code, phase.exit, stdout.String(), stderr.String())
				}
				// Clean GitHub annotations are no lines at all.
				if stdout.Len() == 0 && !strings.Contains(cmd, "--format github") {
					t.Errorf("no output")
				}
			})
		}
	}
	for cmd := range readmeCommands {
		if !seen[cmd] {
			t.Errorf("readmeCommands lists %q, which the README no longer shows", cmd)
		}
	}
}

// The README's install line names this module, so it installs this
// command and not a stale fork's.
func TestReadmeInstallsThisModule(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "go install " + modulePath(t) + "/cmd/commsgate@latest"
	if !strings.Contains(string(data), "\n"+want+"\n") {
		t.Errorf("the README has no line %q", want)
	}
}
