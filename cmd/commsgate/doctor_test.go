package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// doctor reads the same configuration file serve does and exits 1 when
// anything is wrong. The checks themselves are tested one by one in
// handlers/doctor; this is the command as an administrator runs it.
func TestDoctorCommandExitsOneUntilTheBranchIsProtected(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Reporter: t})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	// The file demo --keep writes for the same purpose.
	path, err := writeSandboxConfig(sb, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	doctor := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"doctor", "--config", path}, &stdout, &stderr)
		if stderr.Len() > 0 {
			t.Errorf("stderr: %s", stderr.String())
		}
		return code, stdout.String()
	}

	code, out := doctor()
	if code != 1 || !strings.Contains(out, "✗ example/comms: `commsgate/approval` is not required") || !strings.Contains(out, "2 problems found.") {
		t.Fatalf("unprotected branch: exit %d, want 1 with the two missing checks:\n%s", code, out)
	}
	sb.GitHub.ProtectBranchChecks(sandbox.CommsRepo, "main",
		githubfake.AppCheck(report.CheckTemplate, sb.App.ID), githubfake.AppCheck(report.CheckApproval, sb.App.ID))
	if code, out = doctor(); code != 0 || !strings.Contains(out, "Everything checked is in order.") {
		t.Fatalf("after protecting the branch: exit %d, want 0:\n%s", code, out)
	}
}
