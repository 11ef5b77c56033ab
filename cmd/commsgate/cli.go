package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseArgs parses one subcommand's flags wherever they stand among its
// arguments, so "check testdata/repo --format json" works as well as the
// other order, and answers -h/--help on stdout with exit status 0: help
// that was asked for is the answer, not an error. When ok is false the
// caller returns code; a bad flag has been explained on stderr (by the
// flag package) with a hint where the usage is.
func parseArgs(fset *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (positional []string, code int, ok bool) {
	fset.SetOutput(stderr)
	// The flag package prints the problem itself; the usage text is
	// printed here, on the stream that fits.
	fset.Usage = func() {}
	positional, err := parseInterspersed(fset, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return nil, 0, false
	}
	if err != nil {
		fmt.Fprint(stderr, usageHint(fset.Name()))
		return nil, 2, false
	}
	return positional, 0, true
}

// parseInterspersed parses flags wherever they stand among the arguments;
// everything after "--" is positional.
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// usageError explains a usage error of command name on stderr, points at
// its help, and returns the usage exit status, 2.
func usageError(stderr io.Writer, name, format string, args ...any) int {
	fmt.Fprintf(stderr, "commsgate %s: %s\n%s", name, fmt.Sprintf(format, args...), usageHint(name))
	return 2
}

// unexpectedArgs refuses positional arguments a command does not take:
// silently ignoring one hides a mistyped flag ("-config x" is fine, but
// "config x" would be two ignored words).
func unexpectedArgs(stderr io.Writer, name string, extra []string, why string) int {
	msg := fmt.Sprintf("unexpected argument %q", extra[0])
	if why != "" {
		msg += "; " + why
	}
	return usageError(stderr, name, "%s", msg)
}

func usageHint(name string) string {
	return fmt.Sprintf("run \"commsgate %s --help\" for its usage\n", name)
}
