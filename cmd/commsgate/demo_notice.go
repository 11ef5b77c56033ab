package main

import (
	"strings"
	"time"
)

// The demo's calendar: its clock starts on a Monday morning, eight days
// before the notice is due on a Tuesday at 16:00 UTC (inside the default
// publication window).
var (
	demoStart     = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	demoPublishAt = time.Date(2027, 2, 9, 16, 0, 0, 0, time.UTC)
)

const demoNoticePath = "comms/2027-02-09-node-meeting.md"

// demoDraft is the author's first attempt, with three mistakes a newcomer
// makes: a misspelled priority, a publication time outside the window
// (a Friday) and a section named "Contacts" instead of "Contact".
var demoDraft = strings.TrimLeft(`
---
title: SIG Node's weekly meeting moves to Thursdays
summary: From March on, SIG Node meets on Thursdays at 16:00 UTC instead of Tuesdays.
type: announcement
sigs: [sig-node]
audience: [contributors, end-users]
priority: priority-infos
channels: [announce, dev-list, slack-announce, status-page]
publish_at: 2027-02-12T16:00:00Z
contacts: [alice]
---

## Summary

SIG Node's weekly meeting moves from Tuesdays to Thursdays at 16:00 UTC,
starting the first week of March. The agenda document stays the same.

## Contacts

Ask in #sig-node on Slack or on the SIG's mailing list.
`, "\n")

// demoFixed is the draft with the mistakes corrected.
var demoFixed = strings.NewReplacer(
	"priority: priority-infos", "priority: priority-info",
	"publish_at: 2027-02-12T16:00:00Z", "publish_at: "+demoPublishAt.Format(time.RFC3339),
	"## Contacts", "## Contact",
).Replace(demoDraft)

// demoEdited is the author's later wording change, made after the first
// approval: it makes that approval stale.
var demoEdited = strings.Replace(demoFixed,
	"The agenda document stays the same.",
	"The agenda document and the meeting link stay the same.", 1)
