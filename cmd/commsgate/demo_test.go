package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func demoContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestDemoRunsTheWholeLifeOfANotice(t *testing.T) {
	outbox := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := runDemo(demoContext(t), []string{"--outbox", outbox}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("demo exited %d\nstderr:\n%s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	out := stdout.String()

	// Each step reached its state and showed it the way the issue asks.
	for _, want := range []string{
		"Step 1/10", "Template: 3 errors in 1 file",
		"line 7, column 11", "7 │ priority: priority-infos", // a finding with its line
		"Step 2/10", "Template OK", "Tier 2: type announcement requires tier 1; audience end-users",
		"Review requested from example/sig-node-leads",
		"GitHub refuses", `"author cannot approve their own notice"`,
		"@nina (sig): stale: comms/2027-02-09-node-meeting.md changed after",
		"waiting for steering (2 of 3 approvals)",
		"SCHEDULED — approved, publishes at Tue 2027-02-09 16:00 UTC",
		`merge button is blocked by branch protection: Required status check "commsgate/approval" is expected.`,
		"merge button is enabled",
		"BLOCKED — on hold by @carla", "the command was accepted",
		"APPROVED — tier 2, 3 stages approved",
		"Published: 4 deliveries", "mail to dev@example.org", "signature verified",
		"Nothing is sent twice",
		`"Follow-up: SIG Node's weekly meeting moves to Thursdays", assigned to alice`,
		"Due: Tue 2027-02-23",
		"Step 8/10", "Review requested from both at once: example/contribex-comms, example/steering-committee",
		"APPROVED — EXPEDITED", "NOT YET RATIFIED", "RATIFIED — tier 2's ladder approved the expedited notice",
		"Done in ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if n := strings.Count(out, "\n"); n > 150 {
		t.Errorf("demo output is %d lines; a newcomer should not have to scroll through more than 150", n)
	}
	if strings.Contains(out, "**") || strings.Contains(out, "<details>") || strings.Contains(out, "|---") {
		t.Errorf("markdown leaked into the terminal output:\n%s", out)
	}
	if stderr.Len() > 0 {
		t.Errorf("a successful demo wrote to stderr:\n%s", stderr.String())
	}

	// The outbox holds a copy of every publication, each in its own shape.
	read := func(glob string) string {
		t.Helper()
		// The calm notice went out first: its copy is the first match.
		matches, _ := filepath.Glob(filepath.Join(outbox, glob))
		if len(matches) == 0 {
			t.Fatalf("no outbox file matches %s", glob)
		}
		data, err := os.ReadFile(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	msg, err := mail.ReadMessage(strings.NewReader(read("mail-*.eml")))
	if err != nil {
		t.Fatalf("outbox mail does not parse: %v", err)
	}
	if to := msg.Header.Get("To"); !strings.Contains(to, "dev@example.org") {
		t.Errorf("outbox mail To = %q", to)
	}
	for _, glob := range []string{"slack-*.json", "webhook-*.json"} {
		if body := read(glob); !json.Valid([]byte(body)) || !strings.Contains(body, "weekly meeting moves to Thursdays") {
			t.Errorf("%s is not the notice as JSON:\n%s", glob, body)
		}
	}
	if ann := read("announcement-*.md"); !strings.HasPrefix(ann, "# [Priority Information] SIG Node's weekly meeting moves to Thursdays\n") ||
		!strings.Contains(ann, "first week of March") {
		t.Errorf("announcement copy:\n%s", ann)
	}
	if fu := read("follow-up-*.md"); !strings.Contains(fu, "- [ ]") || !strings.Contains(fu, "assigned to alice") {
		t.Errorf("follow-up copy:\n%s", fu)
	}
}

// A channel that never answers must stop the demo at the publication
// step with a message that says what was expected.
func TestDemoFailsAtTheStepThatDoesNotReachItsState(t *testing.T) {
	outbox := t.TempDir()
	reporter := &fixtureErrors{}
	sb, err := startDemoSandbox(outbox, nil, reporter)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	sb.Hooks.FailNext(1000) // Slack and the status page are down

	var out bytes.Buffer
	d := &demoStory{sb: sb, out: &demoPrinter{w: &out}, fixtures: reporter, outbox: outbox}
	err = d.run(demoContext(t))
	if err == nil {
		t.Fatalf("the demo succeeded with its webhook receivers down:\n%s", out.String())
	}
	if d.step != 6 || !strings.Contains(err.Error(), "publish check") {
		t.Errorf("failed at step %d with %q; want step 6 and the publish check named", d.step, err)
	}
}

func TestDemoRejectsUnknownArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runDemo(context.Background(), []string{"now"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit %d, want 2 (usage)", code)
	}
	if !strings.Contains(stderr.String(), `unexpected argument "now"`) {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// syncBuffer lets the test read what the demo printed while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// --keep prints ready-to-run commands; following them exactly must work:
// the signed webhook is accepted and the new notice gets its checks.
func TestDemoKeepPrintsCommandsThatWork(t *testing.T) {
	ctx, cancel := context.WithCancel(demoContext(t))
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- runDemo(ctx, []string{"--keep", "--outbox", t.TempDir()}, &stdout, &stderr) }()

	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "doctor --config") {
		select {
		case code := <-done:
			t.Fatalf("demo ended with %d before keeping running\n%s\n%s", code, stdout.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no --keep instructions after 30s:\n%s", stdout.String())
		}
	}
	time.Sleep(20 * time.Millisecond) // the last line may still be on its way
	out := stdout.String()
	find := func(re string) string {
		t.Helper()
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("--keep output lacks %s:\n%s", re, out)
		}
		return m[1]
	}
	hookURL := find(`curl -s (http://\S+/api/github/hook) `)
	signature := find(`X-Hub-Signature-256: (sha256=[0-9a-f]+)'`)
	payloadPath := find(`--data-binary @(\S+)`)
	token := find(`Authorization: token (\S+)'`)
	checksURL := find(`(?s)then read its template check:\n\s+curl -s -H '[^']+' (\S+)`)
	find(`webhook secret\s+(\S+)`)
	configPath := find(`go run ./cmd/commsgate doctor --config (\S+)`)

	payload, err := os.ReadFile(payloadPath)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hookURL, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "keep-test")
	req.Header.Set("X-Hub-Signature-256", signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("the printed webhook delivery was refused: HTTP %d", resp.StatusCode)
	}

	var body string
	for i := 0; i < 250 && !strings.Contains(body, "commsgate/template"); i++ {
		time.Sleep(20 * time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, checksURL, nil)
		req.Header.Set("Authorization", "token "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(data)
	}
	if !strings.Contains(body, "commsgate/template") {
		t.Fatalf("no template check on the second notice after delivering its webhook:\n%s", body)
	}

	var doctorOut, doctorErr bytes.Buffer
	if code := run(ctx, []string{"doctor", "--config", configPath}, &doctorOut, &doctorErr); code != 0 || !strings.Contains(doctorOut.String(), "Everything checked is in order.") {
		t.Errorf("the printed doctor command: exit %d, want 0 on the demo's installation:\n%s%s", code, doctorOut.String(), doctorErr.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("--keep ended with %d after Ctrl-C, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--keep did not stop after its context was cancelled")
	}
}
