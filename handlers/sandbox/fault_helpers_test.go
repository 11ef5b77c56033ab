package sandbox_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// skipKnownBug skips a test that shows a reported bug in code another
// engineer owns, unless COMMSGATE_KNOWN_BUGS is set, which runs it to see
// whether the bug is fixed.
func skipKnownBug(t *testing.T, bug string) {
	t.Helper()
	if os.Getenv("COMMSGATE_KNOWN_BUGS") == "" {
		t.Skip("bug: " + bug + " (set COMMSGATE_KNOWN_BUGS=1 to run)")
	}
}

// logBuffer collects the server's JSON logs so a test can check that they
// say what happened; safe for the server's concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// lines returns the log lines containing every one of the fragments.
func (l *logBuffer) lines(fragments ...string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		all := line != ""
		for _, f := range fragments {
			if !strings.Contains(line, f) {
				all = false
				break
			}
		}
		if all {
			out = append(out, line)
		}
	}
	return out
}

// requireLog fails unless some log line holds every fragment.
func (l *logBuffer) requireLog(t *testing.T, why string, fragments ...string) {
	t.Helper()
	if len(l.lines(fragments...)) == 0 {
		t.Errorf("the logs should say %s: no line contains all of %q\nlogs:\n%s", why, fragments, tail(l.String(), 40))
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startLogged starts a sandbox like start does, keeping its logs.
func startLogged(t *testing.T, opts sandbox.Options) (*sandbox.Sandbox, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	if opts.Clock == nil {
		opts.Clock = sandbox.NewClock(monday)
	}
	opts.Reporter = t
	opts.Logs = logs
	if testing.Verbose() {
		opts.Logs = io.MultiWriter(logs, os.Stderr)
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb, logs
}

// oneApprovalShort opens the standard notice and gives it every approval
// but the last Steering vote, with the clock past publish_at: the next
// approval turns the check green.
func oneApprovalShort(t *testing.T, sb *sandbox.Sandbox) githubfake.PR {
	t.Helper()
	pr := openNotice(t, sb, validNotice())
	for _, u := range []string{"nina", "sue", "sid"} {
		approve(t, sb, pr, u)
	}
	sb.Clock.Set(pastPublishAt)
	return pr
}

// recoverAndSweep clears every fault and runs the periodic sweep, which is
// how the app catches up with what it missed while GitHub was failing.
func recoverAndSweep(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	sb.GitHub.ClearFaults()
	if err := sb.Sweep(ctxFor(t)); err != nil {
		t.Fatalf("sweep after GitHub recovered: %v", err)
	}
}

// statusCounts counts the fake's answers by status, 0 for connections it
// reset or requests the client abandoned.
func statusCounts(reqs []githubfake.Request) map[int]int {
	out := map[int]int{}
	for _, r := range reqs {
		out[r.Status]++
	}
	return out
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
