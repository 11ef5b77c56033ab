package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/doctor"
)

func init() {
	registerCommand("doctor", "check a deployment from the outside: credentials, app settings, policies, secrets, teams, branch protection", runDoctor)
}

const doctorUsage = `usage: commsgate doctor [--config FILE]

Checks the deployment that the server configuration describes, from the
outside, as an administrator would by clicking through GitHub's settings,
and prints one line per check: ✓ in order, ✗ wrong (with the fix under
it), · nothing to check. It checks that:

  - GitHub accepts the app's credentials (its JWT and an installation token);
  - the app's permissions and events, and each installation's, match app.yml;
  - on every installed repository with a .github/commsgate.yml, the policy loads;
  - every publish target's secret is configured, with the right kind, and an
    issue target's repository is one the installation reaches;
  - every team the policy counts exists and can be asked for reviews;
  - the default branch requires commsgate/template and commsgate/approval
    from this app (not from any source).

It only reads; it changes nothing. Exit status 0 when every check passes,
1 when any fails. --config defaults to $COMMSGATE_CONFIG, and the
environment overrides the file, exactly as for serve.
`

// runDoctor is `commsgate doctor`.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("doctor", flag.ContinueOnError)
	configPath := fset.String("config", os.Getenv("COMMSGATE_CONFIG"), "server configuration file (YAML), as given to serve")
	extra, code, ok := parseArgs(fset, doctorUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(extra) > 0 {
		return unexpectedArgs(stderr, "doctor", extra, "doctor takes only flags")
	}
	cfg, err := config.LoadServer(*configPath, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate doctor: %v\n", err)
		return 1
	}
	manifest := config.Manifest()
	opts, err := doctor.OptionsFor(cfg, doctor.Settings{Permissions: manifest.DefaultPermissions, Events: manifest.DefaultEvents})
	if err != nil {
		fmt.Fprintf(stderr, "commsgate doctor: %v\n", err)
		return 1
	}
	report := doctor.Run(ctx, opts)
	if err := report.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "commsgate doctor: %v\n", err)
		return 1
	}
	if report.Failures() > 0 {
		return 1
	}
	return 0
}
