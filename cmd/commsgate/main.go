// Command commsgate is the sensitive-communications GitHub App (`serve`)
// and the tools authors run locally (`check`, `new`, `schema`, `demo`).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// commandFunc runs one subcommand and returns the process exit status:
// 0 success, 1 failure, 2 usage error. ctx is cancelled on SIGINT/SIGTERM.
type commandFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) int

type command struct {
	summary string
	run     commandFunc
}

// commands is the subcommand table. REGISTRATION POINT: add a command here
// in one line, or from your own file with
//
//	func init() { registerCommand("demo", "run a local demonstration", runDemo) }
//
// Commands that need no context can be wrapped with withoutContext.
var commands = map[string]command{
	"serve":  {"run the GitHub App: receive webhooks, gate approvals, publish", runServe},
	"check":  {"lint communications and show each one's tier, stages and publish time", withoutContext(runCheck)},
	"new":    {"write a new communication draft from its type's template", withoutContext(runNew)},
	"schema": {"print a JSON Schema of the front matter (or with --policy, of the policy file) for editors", withoutContext(runSchema)},
	// "demo": registered from demo.go.
}

// registerCommand adds a subcommand from another file's init. A duplicate
// name is a programming error and stops the program before main runs.
func registerCommand(name, summary string, run commandFunc) {
	if _, dup := commands[name]; dup {
		panic(fmt.Sprintf("commsgate: command %q registered twice", name))
	}
	commands[name] = command{summary: summary, run: run}
}

// withoutContext adapts a command that does not watch for signals.
func withoutContext(run func(args []string, stdout, stderr io.Writer) int) commandFunc {
	return func(_ context.Context, args []string, stdout, stderr io.Writer) int {
		return run(args, stdout, stderr)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default so a second one
		// kills a shutdown that takes too long.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand; it is main without the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "--version", "-version", "version":
		fmt.Fprint(stdout, printVersion())
		return 0
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(ctx, []string{"--help"}, stdout, stderr)
			}
		}
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "commsgate: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	width := 0
	for name := range commands {
		names = append(names, name)
		width = max(width, len(name))
	}
	sort.Strings(names)
	fmt.Fprint(w, "usage: commsgate COMMAND [ARGS]\n       commsgate --version\n\nCommands:\n")
	for _, name := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, name, commands[name].summary)
	}
	fmt.Fprint(w, "\nRun \"commsgate COMMAND --help\" for a command's options.\n")
}
