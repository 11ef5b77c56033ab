package sandbox_test

import (
	"fmt"
	"strings"
)

// notice writes a valid communication; tweak adjusts the front matter
// lines before they are joined.
func notice(title, publishAt string, tweak func(fields map[string]string)) string {
	fields := map[string]string{
		"title":      title,
		"summary":    "The node team moves its weekly meeting to Thursdays at 16:00 UTC from March on.",
		"type":       "announcement",
		"sigs":       "[sig-node]",
		"audience":   "[contributors]",
		"priority":   "priority-info",
		"channels":   "[announce, dev-list, slack-announce, status-page]",
		"publish_at": publishAt,
		"contacts":   "[alice]",
	}
	if tweak != nil {
		tweak(fields)
	}
	order := []string{"title", "summary", "type", "sigs", "audience", "priority", "channels", "publish_at", "contacts",
		"embargo", "embargo_until", "distributors_notified_at", "cve", "severity", "cvss_score", "cvss_vector",
		"status", "next_update_at", "expedite", "expedite_reason"}
	var b strings.Builder
	b.WriteString("---\n")
	for _, k := range order {
		if v, ok := fields[k]; ok {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("---\n\n## Summary\n\nSIG Node's weekly meeting moves from Tuesdays to Thursdays at 16:00 UTC,\nstarting the first week of March.\n\n")
	switch fields["type"] {
	case "security-advisory":
		b.WriteString(advisorySections)
	case "incident":
		b.WriteString(incidentSections)
	}
	b.WriteString("## Contact\n\nAsk in `#sig-node` on Slack or on the SIG's mailing list.\n")
	return b.String()
}

const advisorySections = `## Am I vulnerable?

Clusters running kubelet-proxy 1.4.0 to 1.4.6 with the debug endpoint on.

## How do I mitigate?

ACTION REQUIRED: turn the debug endpoint off, then upgrade.

## Fixed versions

kubelet-proxy 1.4.7 and 1.5.1.

## Detection

Requests to /debug/exec in the proxy's access log.

## Acknowledgements

Reported by Dana Reyes; fixed by the SIG Node leads.

`

const incidentSections = `## What happened

The image registry serves truncated layers for some tags since 01:15 UTC.

## What you need to do

Pin images by digest until the next update.

`
