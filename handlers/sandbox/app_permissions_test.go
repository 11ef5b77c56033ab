package sandbox_test

import (
	"strings"
	"testing"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// The fake GitHub enforces app.yml's permissions, so the rule the other
// end-to-end tests rely on can fail: an app registered without checks
// cannot post its check runs, and says so in the refusals.
func TestAppWithoutChecksPermissionCannotPostItsChecks(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Clock: sandbox.NewClock(monday), Reporter: t})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	perms := config.Manifest().DefaultPermissions
	delete(perms, "checks")
	sb.GitHub.SetAppPermissions(sb.App.ID, perms)

	pr := openNotice(t, sb, notice("SIG Node meeting moves to Thursdays", publishAt, nil))
	if runs := sb.GitHub.CheckRuns(sandbox.CommsRepo, pr.HeadSHA); len(runs) != 0 {
		t.Errorf("without checks permission the app still posted %d check runs", len(runs))
	}
	refused := strings.Join(sb.GitHub.PermissionRefusals(), "\n")
	if !strings.Contains(refused, "/check-runs: needs checks: ") {
		t.Errorf("refusals = %q, want the check-run calls refused for checks", refused)
	}
}
