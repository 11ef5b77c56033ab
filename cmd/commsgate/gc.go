package main

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the garbage collector's target for serve and bench
// when GOGC is not set. commsgate's live heap is a few MiB, so at Go's
// default of 100 the collector ran several times a second under load, and
// on two cores its background workers and assists made the tail of the
// webhook acknowledgement: at 500 webhooks/s, p99 3.8–12 ms over seven
// runs at 100 against 2.9–4.1 ms at 400, for about 11 MiB more RSS (see
// the README's performance section).
const serverGCPercent = 400

// tuneGC applies serverGCPercent unless the operator chose with GOGC.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}

// gcPercent is the percentage in force (reading it means setting it).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
