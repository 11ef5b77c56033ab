package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
)

// Every command, registered now or later, answers -h and --help with its
// usage and exit status 0: scripts and people asking for help have not
// made a mistake.
func TestEveryCommandHelpExitsZero(t *testing.T) {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, flag := range []string{"-h", "--help"} {
			t.Run(name+" "+flag, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), []string{name, flag}, &stdout, &stderr)
				if code != 0 {
					t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr.String())
				}
				if !strings.Contains(stdout.String(), "usage: commsgate "+name) {
					t.Errorf("no usage of %s:\nstdout: %s\nstderr: %s", name, stdout.String(), stderr.String())
				}
			})
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		var stdout bytes.Buffer
		if code := run(context.Background(), args, &stdout, &bytes.Buffer{}); code != 0 || !strings.Contains(stdout.String(), "usage: commsgate COMMAND") {
			t.Errorf("%v: exit %d, stdout %q", args, code, stdout.String())
		}
	}
}

// A positional argument a command does not take is a usage error that
// says which and where the help is, never silently ignored.
func TestStrayArgumentsAreUsageErrors(t *testing.T) {
	t.Chdir("../../testdata/repo")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"schema", "comms/"}, `unexpected argument "comms/"`},
		{[]string{"new", "incident", "Registry", "outage"}, `unexpected argument "Registry"`},
		{[]string{"new", "--title", "x"}, "give the TYPE of the communication, one of: announcement, banner, deprecation,"},
		{[]string{"preview", "comms/a.md", "comms/b.md", "--channel", "email"}, `unexpected argument "comms/b.md"`},
		{[]string{"preview", "--channel", "email"}, "give the FILE to preview"},
		{[]string{"check"}, "give a PATH to check"},
		{[]string{"check", "--format", "xml", "."}, `--format must be text, json or github, not "xml"`},
		{[]string{"check", "--colour", "."}, "flag provided but not defined: -colour"},
		{[]string{"check", "--changed-from", "main", ".", "comms"}, "--changed-from takes one PATH, the repository root"},
		{[]string{"demo", "now"}, `unexpected argument "now"`},
		{[]string{"doctor", "commsgate.yaml"}, `unexpected argument "commsgate.yaml"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), `run "commsgate `+tt.args[0]+` --help"`) {
				t.Errorf("stderr does not say where the usage is:\n%s", stderr.String())
			}
		})
	}
}

func TestVersionLine(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "commsgate (no build information: built without module support)"},
		{"go install @version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, true,
			"commsgate v1.2.0 (go1.26.8)"},
		{"local build from a checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "c8173bb0d1"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}, true, "commsgate (devel) (go1.26.8, revision c8173bb0d1, committed 2026-12-01T10:00:00Z, with uncommitted changes)"},
		{"clean checkout", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-c8173bb0d1ab"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "c8173bb0d1ab"}, {Key: "vcs.modified", Value: "false"},
		}}, true, "commsgate v0.0.0-20261201100000-c8173bb0d1ab (revision c8173bb0d1ab)"},
		{"empty version", &debug.BuildInfo{}, true, "commsgate (devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine(tt.info, tt.ok); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	for _, flag := range []string{"--version", "-version", "version"} {
		var stdout bytes.Buffer
		code := run(context.Background(), []string{flag}, &stdout, &bytes.Buffer{})
		if code != 0 || !strings.HasPrefix(stdout.String(), "commsgate ") {
			t.Errorf("%s: exit %d, stdout %q", flag, code, stdout.String())
		}
	}
}

// `new` says why it refuses, whatever the reason.
func TestNewSaysWhyItRefuses(t *testing.T) {
	t.Chdir("../../testdata/repo")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"newsletter"}, 1, `unknown communication type "newsletter": choose one of announcement,`},
		{[]string{"deprecation", "--sigs", "sig-nope"}, 1, `unknown SIG "sig-nope"`},
		{[]string{"deprecation", "--expedite"}, 1, `type "deprecation" cannot be expedited`},
		{[]string{"deprecation", "--stdout", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runNew(tt.args, &stdout, &stderr); code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr.String())
			}
		})
	}
}
