package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// loadAuthorPolicy loads the policy of the repository around dir for the
// author commands; a broken policy is an error here, since a schema or a
// template built from it would mislead.
func loadAuthorPolicy(explicit, dir string) (*policy.Rules, string, error) {
	rules, findings, root, err := loadCheckPolicy(explicit, dir)
	if err != nil {
		return nil, "", err
	}
	if rules == nil {
		var lines []string
		for _, f := range findings {
			lines = append(lines, f.String())
		}
		return nil, "", fmt.Errorf("the policy file does not load:\n%s", strings.Join(lines, "\n"))
	}
	return rules, root, nil
}

// runSchema is `commsgate schema`: a JSON Schema of the front matter, per
// type, for an editor's YAML language server.
func runSchema(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("schema", flag.ContinueOnError)
	fset.SetOutput(stderr)
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml, else built-in defaults)")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	rules, _, err := loadAuthorPolicy(*configPath, ".")
	if err != nil {
		fmt.Fprintf(stderr, "commsgate schema: %v\n", err)
		return 1
	}
	schema, err := policy.Schema(rules)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate schema: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(schema); err != nil {
		return 1
	}
	return 0
}

const newUsage = `usage: commsgate new TYPE [--title TITLE] [--sigs SIG,...] [--config FILE] [--stdout]

Writes a new draft of TYPE into the communications folder, with every
required field and section present and guidance in place of content.
The guidance is flagged by "commsgate check" until it is replaced.
`

// runNew is `commsgate new`.
func runNew(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("new", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, newUsage) }
	title := fset.String("title", "", "the notice's title")
	sigs := fset.String("sigs", "", "owning SIGs, comma-separated")
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml)")
	toStdout := fset.Bool("stdout", false, "print the draft instead of writing it")
	// The type comes first on the command line; flags may follow it.
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, newUsage)
		return 2
	}
	typeName := args[0]
	if err := fset.Parse(args[1:]); err != nil {
		return 2
	}
	rules, root, err := loadAuthorPolicy(*configPath, ".")
	if err != nil {
		fmt.Fprintf(stderr, "commsgate new: %v\n", err)
		return 1
	}
	var sigList []string
	for _, s := range strings.Split(*sigs, ",") {
		if s = strings.TrimSpace(s); s != "" {
			sigList = append(sigList, s)
		}
	}
	name, content, err := policy.NewDraft(rules, typeName, policy.DraftOptions{Title: *title, SIGs: sigList, Now: time.Now()})
	if err != nil {
		fmt.Fprintf(stderr, "commsgate new: %v\n", err)
		return 1
	}
	if *toStdout {
		_, _ = stdout.Write(content)
		return 0
	}
	dest := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		fmt.Fprintf(stderr, "commsgate new: %v\n", err)
		return 1
	}
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stderr, "commsgate new: %s already exists; choose another --title\n", dest)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "commsgate new: %v\n", err)
		return 1
	}
	defer f.Close()
	if _, err := f.Write(content); err != nil {
		fmt.Fprintf(stderr, "commsgate new: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\nfill in every <fill in: …> gap, then run: commsgate check %s\n", dest, dest)
	return 0
}
