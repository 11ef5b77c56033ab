package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// The crisis story runs beside the calm one: an incident written at 03:00
// UTC on a Saturday, outside every publication window.
var demoCrisisAt = time.Date(2027, 2, 13, 3, 0, 0, 0, time.UTC)

const (
	demoCrisisPath  = "comms/2027-02-13-registry-incident.md"
	checkRatify     = "commsgate/ratification"
	demoCrisisTitle = "Incident: the image registry serves corrupted layers"
)

var demoCrisis = strings.TrimLeft(`
---
title: "Incident: the image registry serves corrupted layers"
summary: Since 01:15 UTC some image tags return layers that fail verification, so pods using them do not start; pin images by digest.
type: incident
sigs: [sig-node]
audience: [everyone]
priority: action-required
channels: [announce, dev-list, slack-announce, status-page]
publish_at: 2027-02-13T03:00:00Z
contacts: [alice]
status: ongoing
next_update_at: 2027-02-13T09:00:00Z
expedite: true
expedite_reason: Clusters fail to start pods right now; the next publication window is on Monday.
---

## Summary

Since 01:15 UTC some image tags return layers whose digests do not match
their manifests, so nodes refuse them and pods using those tags do not start.

## What happened

A storage backend in one region returned truncated objects after a
maintenance operation. Other regions are unaffected.

## What you need to do

Pin the images your clusters use by digest until the next update.

## Contact

Ask in `+"`#sig-node`"+` on Slack. The next update follows by 09:00 UTC.
`, "\n")

// crisisOpen opens the expedited incident and shows the crisis ladder
// asked all at once.
func (d *demoStory) crisisOpen(ctx context.Context) error {
	d.calm = d.pr
	pr, ev := d.sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: demoCrisisTitle,
		Files: map[string]string{demoCrisisPath: demoCrisis},
	})
	d.pr = pr
	if err := d.send(ctx, ev); err != nil {
		return err
	}
	run, err := d.expectApproval("NOT APPROVED")
	if err != nil {
		return err
	}
	if !strings.Contains(run.Summary, "Expedited") {
		return fmt.Errorf("the approval check does not show the crisis path:\n%s", run.Summary)
	}
	d.out.say("alice opened #%d with `expedite: true` and its reason; no window applies.", pr.Number)
	d.out.checkTitle(run)
	d.out.detail("Review requested from both at once: %s", d.requestedTeams())
	return nil
}

// crisisApprove has comms and two Steering members approve in any order;
// the check turns green at once and the merge publishes.
func (d *demoStory) crisisApprove(ctx context.Context) error {
	d.out.say("sue (Steering), carla (comms) and sid (Steering) approve, in that order.")
	for _, u := range []string{"sue", "carla", "sid"} {
		_, ev := d.sb.GitHub.SubmitReview(sandbox.CommsRepo, d.pr.Number, githubfake.ReviewSpec{User: u, State: "APPROVED"})
		if err := d.send(ctx, ev); err != nil {
			return err
		}
	}
	run, err := d.expectApproval("APPROVED — EXPEDITED")
	if err != nil {
		return err
	}
	d.out.checkTitle(run)
	if _, err := d.mergeAndPublish(ctx); err != nil {
		return err
	}
	if got, want := d.deliveries(), (deliveryCounts{2, 2, 2, 2}); got != want {
		return fmt.Errorf("deliveries are %+v after the incident, expected %+v", got, want)
	}
	return nil
}

// crisisRatify has the normal ladder ratify on the follow-up issue.
func (d *demoStory) crisisRatify(ctx context.Context) error {
	var fu githubfake.Issue
	for _, is := range d.sb.GitHub.Issues(sandbox.CommsRepo) {
		if is.Title == "Follow-up: "+demoCrisisTitle {
			fu = is
		}
	}
	if fu.Number == 0 {
		return fmt.Errorf("no follow-up issue for the incident")
	}
	run, ok := d.sb.GitHub.LatestCheckRun(sandbox.CommsRepo, d.pr.MergeCommitSHA, checkRatify)
	if !ok {
		return fmt.Errorf("no %s check on the merge commit", checkRatify)
	}
	d.out.checkTitle(run)
	d.out.say("nina (SIG Node lead) and sol (Steering) comment `/ratify` on the follow-up #%d.", fu.Number)
	for _, u := range []string{"nina", "sol"} {
		_, ev := d.sb.GitHub.Comment(sandbox.CommsRepo, fu.Number, u, "/ratify")
		if err := d.send(ctx, ev); err != nil {
			return err
		}
	}
	run, _ = d.sb.GitHub.LatestCheckRun(sandbox.CommsRepo, d.pr.MergeCommitSHA, checkRatify)
	if run.Conclusion != "success" {
		return fmt.Errorf("ratification check is %s/%s %q, expected success", run.Status, run.Conclusion, run.Title)
	}
	d.out.checkTitle(run)
	d.pr = d.calm
	return nil
}
