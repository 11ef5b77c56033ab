package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/commsgate/commsgate/config"
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

const schemaUsage = `usage: commsgate schema [--config FILE]
       commsgate schema --policy

Prints a JSON Schema (draft-07, what yaml-language-server understands) for
editors.

Without --policy: the front matter of this repository's communications,
built from its policy (types, SIGs, channels, limits), e.g.
    commsgate schema > .commsgate.schema.json
yaml-language-server does not look inside .md files, so editors do not
apply it to front matter on their own; "commsgate check" checks all it
does and more (see the README's editor support).

With --policy: the policy file .github/commsgate.yml itself. It is the same
for every repository; write it next to the policy file, whose first line
names it:
    commsgate schema --policy > .github/commsgate.schema.json
    # yaml-language-server: $schema=./commsgate.schema.json
`

// runSchema is `commsgate schema`: a JSON Schema of the front matter, per
// type, or with --policy of the policy file, for an editor's YAML language
// server.
func runSchema(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("schema", flag.ContinueOnError)
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml, else built-in defaults)")
	policySchema := fset.Bool("policy", false, "print the schema of the policy file instead of the front matter's")
	extra, code, ok := parseArgs(fset, schemaUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(extra) > 0 {
		return unexpectedArgs(stderr, "schema", extra, "the schema goes to standard output, e.g. commsgate schema > .commsgate.schema.json")
	}
	var schema []byte
	var err error
	if *policySchema {
		if *configPath != "" {
			return usageError(stderr, "schema", "--policy takes no --config: the policy file's schema is the same for every repository")
		}
		// The policy is not loaded: the schema helps most while the policy
		// is broken.
		schema, err = config.RepoPolicySchema()
	} else {
		var rules *policy.Rules
		rules, _, err = loadAuthorPolicy(*configPath, ".")
		if err == nil {
			schema, err = policy.Schema(rules)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "commsgate schema: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(schema); err != nil {
		fmt.Fprintf(stderr, "commsgate schema: write: %v\n", err)
		return 1
	}
	return 0
}

const newUsage = `usage: commsgate new TYPE [--title TITLE] [--sigs SIG,...] [--expedite] [--config FILE] [--stdout]

Writes a new draft of TYPE into the communications folder, with every
required field and section present and guidance in place of content.
The guidance is flagged by "commsgate check" until it is replaced.
--expedite drafts a notice for the crisis path (an incident or a
security advisory that cannot wait for the next publication window).
`

// runNew is `commsgate new`.
func runNew(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("new", flag.ContinueOnError)
	title := fset.String("title", "", "the notice's title")
	sigs := fset.String("sigs", "", "owning SIGs, comma-separated")
	configPath := fset.String("config", "", "policy file (default: the repository's .github/commsgate.yml)")
	toStdout := fset.Bool("stdout", false, "print the draft instead of writing it")
	expedite := fset.Bool("expedite", false, "draft for the crisis path: publish as soon as approved, ratified afterwards")
	positional, code, ok := parseArgs(fset, newUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(positional) > 1 {
		return unexpectedArgs(stderr, "new", positional[1:], "new takes one TYPE; quote a --title that has spaces")
	}
	rules, root, err := loadAuthorPolicy(*configPath, ".")
	if err != nil {
		fmt.Fprintf(stderr, "commsgate new: %v\n", err)
		return 1
	}
	if len(positional) == 0 {
		types := slices.Sorted(maps.Keys(rules.Types))
		return usageError(stderr, "new", "give the TYPE of the communication, one of: %s", strings.Join(types, ", "))
	}
	typeName := positional[0]
	var sigList []string
	for _, s := range strings.Split(*sigs, ",") {
		if s = strings.TrimSpace(s); s != "" {
			sigList = append(sigList, s)
		}
	}
	name, content, err := policy.NewDraft(rules, typeName, policy.DraftOptions{Title: *title, SIGs: sigList, Now: time.Now(), Expedite: *expedite})
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
