package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// versionLine describes the binary from the build information the Go
// toolchain embeds: the module version ("v1.2.0" for go install …@v1.2.0,
// a pseudo-version or "(devel)" for a local build), and the commit and its
// time when it was built from a checkout. Nothing is stamped by hand, so
// the answer cannot drift from the code.
func versionLine(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "commsgate (no build information: built without module support)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var details []string
	if info.GoVersion != "" {
		details = append(details, info.GoVersion)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		details = append(details, "revision "+rev)
	}
	if t := settings["vcs.time"]; t != "" {
		details = append(details, "committed "+t)
	}
	if settings["vcs.modified"] == "true" {
		details = append(details, "with uncommitted changes")
	}
	line := "commsgate " + version
	if len(details) > 0 {
		line += " (" + strings.Join(details, ", ") + ")"
	}
	return line
}

func printVersion() string {
	info, ok := debug.ReadBuildInfo()
	return fmt.Sprintln(versionLine(info, ok))
}
