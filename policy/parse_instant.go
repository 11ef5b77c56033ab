package policy

import (
	"strings"
	"time"
)

// instantProblem says why a value is not a usable instant.
type instantProblem int

const (
	instantOK instantProblem = iota
	// instantNoOffset is a date and time without a UTC offset: it means a
	// different moment in every time zone.
	instantNoOffset
	instantInvalid
)

// localLayouts are the ways authors write a time without an offset; each is
// recognised so the finding can say exactly that the offset is missing.
var localLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseInstant accepts RFC 3339 with an explicit offset ("Z" or "+02:00")
// and nothing else: a communication's moments must mean one instant
// worldwide.
func parseInstant(s string) (time.Time, instantProblem) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, instantOK
	}
	for _, layout := range localLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return time.Time{}, instantNoOffset
		}
	}
	return time.Time{}, instantInvalid
}

// suggestUTC rewrites a local time as the same wall-clock time in UTC, to
// show the shape a fix takes ("2026-12-01T16:00:00Z").
func suggestUTC(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range localLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == "2006-01-02" {
				t = t.Add(16 * time.Hour)
			}
			return t.UTC().Format(time.RFC3339)
		}
	}
	return "2026-12-01T16:00:00Z"
}
