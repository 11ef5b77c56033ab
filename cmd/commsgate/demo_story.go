package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// Check run names as the server creates them.
const (
	checkTemplate = "commsgate/template"
	checkApproval = "commsgate/approval"
	checkPublish  = "commsgate/publish"
)

// demoStory walks one communication through its life. Each step acts as
// a person would on GitHub (through the fake), delivers the webhook
// GitHub would send, waits for the server to finish, then checks what
// the server did and shows it.
type demoStory struct {
	sb       *sandbox.Sandbox
	out      *demoPrinter
	fixtures *fixtureErrors
	outbox   string

	step int
	pr   githubfake.PR
	// calm is the first story's pull request while the crisis runs.
	calm githubfake.PR
}

func (d *demoStory) run(ctx context.Context) error {
	day := func(d, h, m int) time.Time { return time.Date(2027, 2, d, h, m, 0, 0, time.UTC) }
	steps := []struct {
		title string
		// at is the demo clock's time when the step starts; zero leaves it.
		at  time.Time
		run func(context.Context) error
	}{
		{"An author opens a draft notice with mistakes", day(1, 9, 0), d.openDraft},
		{"The author fixes them; commsgate computes the tier", day(1, 11, 30), d.fixDraft},
		{"Approvals arrive stage by stage", day(2, 10, 0), d.approveInStages},
		{"A reviewer puts a /hold, then lifts it", day(4, 15, 0), d.holdAndLift},
		{"The scheduled time arrives", demoPublishAt.Add(time.Minute), d.reachPublishAt},
		{"The PR is merged; commsgate publishes to each channel once", day(9, 16, 20), d.publish},
		{"The follow-up issue", time.Time{}, d.followUp},
		{"In a crisis: an incident on a Saturday night, expedited", demoCrisisAt, d.crisisOpen},
		{"Comms and two Steering members approve; it goes out at once", demoCrisisAt.Add(20 * time.Minute), d.crisisApprove},
		{"The normal ladder ratifies it afterwards with /ratify", demoCrisisAt.Add(26 * time.Hour), d.crisisRatify},
	}
	for i, s := range steps {
		d.step = i + 1
		if !s.at.IsZero() {
			d.sb.Clock.Set(s.at)
		}
		d.out.step(d.step, len(steps), s.title, d.sb.Clock.Now())
		if err := s.run(ctx); err != nil {
			return err
		}
		if misuse := d.fixtures.take(); len(misuse) > 0 {
			return fmt.Errorf("the fake GitHub refused a step: %s", strings.Join(misuse, "; "))
		}
	}
	return nil
}

// send delivers a webhook and waits until the server and everything it
// caused have settled.
func (d *demoStory) send(ctx context.Context, ev githubfake.Event) error {
	if ev.Name == "" {
		return fmt.Errorf("the fake GitHub refused the action: %s", strings.Join(d.fixtures.take(), "; "))
	}
	return d.sb.Send(ctx, ev)
}

func (d *demoStory) check(name string) (githubfake.CheckRun, error) {
	sha := d.pr.HeadSHA
	if name == checkPublish {
		sha = d.pr.MergeCommitSHA
	}
	run, ok := d.sb.GitHub.LatestCheckRun(sandbox.CommsRepo, sha, name)
	if !ok {
		return run, fmt.Errorf("no %s check run on %.7s", name, sha)
	}
	return run, nil
}

// expectApproval reads the approval check and fails unless its title
// starts with want (e.g. "NOT APPROVED", "SCHEDULED").
func (d *demoStory) expectApproval(want string) (githubfake.CheckRun, error) {
	run, err := d.check(checkApproval)
	if err != nil {
		return run, err
	}
	if !strings.Contains(run.Title, want) {
		return run, fmt.Errorf("approval check is %q, expected %s", run.Title, want)
	}
	return run, nil
}

func (d *demoStory) openDraft(ctx context.Context) error {
	d.out.say("alice opens a pull request adding %s.", demoNoticePath)
	pr, ev := d.sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Announce the SIG Node meeting move",
		Files: map[string]string{demoNoticePath: demoDraft},
	})
	d.pr = pr
	if err := d.send(ctx, ev); err != nil {
		return err
	}
	run, err := d.check(checkTemplate)
	if err != nil {
		return err
	}
	if run.Conclusion != "failure" {
		return fmt.Errorf("template check concluded %q on a draft with three mistakes, expected failure", run.Conclusion)
	}
	d.out.checkRun(run, withFindings(demoDraft))
	return nil
}

func (d *demoStory) fixDraft(ctx context.Context) error {
	d.out.say("alice pushes a fix for all three.")
	pr, ev := d.sb.GitHub.PushToPR(sandbox.CommsRepo, d.pr.Number, githubfake.Change{
		Message: "Fix the priority, the day and the Contact section",
		Files:   map[string]string{demoNoticePath: demoFixed},
	})
	d.pr = pr
	if err := d.send(ctx, ev); err != nil {
		return err
	}
	run, err := d.check(checkTemplate)
	if err != nil {
		return err
	}
	if run.Conclusion != "success" {
		return fmt.Errorf("template check is %s %q after the fix, expected success:\n%s", run.Conclusion, run.Title, run.Summary)
	}
	d.out.checkTitle(run)
	appr, err := d.expectApproval("NOT APPROVED")
	if err != nil {
		return err
	}
	d.out.checkRun(appr, sections("", "Approvals", "Publication"))
	d.out.say("Review requested from %s (only the first stage: reviewers are asked in order).", d.requestedTeams())
	return nil
}

func (d *demoStory) approveInStages(ctx context.Context) error {
	// The author's own approval: GitHub refuses it outright. commsgate does
	// not rely on that; the same approval, fed to its policy, is discarded.
	d.out.say("alice tries to approve her own pull request.")
	_, ev := d.sb.GitHub.SubmitReview(sandbox.CommsRepo, d.pr.Number, githubfake.ReviewSpec{User: sandbox.Author, State: "APPROVED"})
	refusal := d.fixtures.take()
	if ev.Name != "" || len(refusal) == 0 {
		return fmt.Errorf("GitHub accepted the author's approval of their own pull request")
	}
	d.out.detail("GitHub refuses: %s", strings.TrimPrefix(refusal[0], "githubfake: "))
	reason, err := authorApprovalVerdict(demoFixed, d.pr.HeadSHA, d.sb.Clock.Now())
	if err != nil {
		return err
	}
	d.out.detail("commsgate would discard it anyway; its policy, given that approval, says: %q", reason)

	if err := d.approve(ctx, "nina", "SIG Node lead"); err != nil {
		return err
	}
	run, err := d.expectApproval("NOT APPROVED")
	if err != nil {
		return err
	}
	d.out.checkTitle(run)

	d.out.say("alice rewords a sentence and pushes; nina reviewed the previous commit.")
	pr, ev := d.sb.GitHub.PushToPR(sandbox.CommsRepo, d.pr.Number, githubfake.Change{
		Message: "Mention the meeting link", Files: map[string]string{demoNoticePath: demoEdited},
	})
	d.pr = pr
	if err := d.send(ctx, ev); err != nil {
		return err
	}
	if run, err = d.expectApproval("NOT APPROVED"); err != nil {
		return err
	}
	if !strings.Contains(run.Summary, "stale") {
		return fmt.Errorf("nina's approval of the previous commit is not shown as stale:\n%s", run.Summary)
	}
	d.out.checkRun(run, sections("not count"))

	for _, a := range []struct{ user, role, want string }{
		{"nina", "SIG Node lead, again", "NOT APPROVED"},
		{"carla", "ContribEx comms", "NOT APPROVED"},
		{"sue", "Steering", "NOT APPROVED"},
		{"sid", "Steering", "NOT APPROVED"},
		{"sol", "Steering", "SCHEDULED"},
	} {
		if err := d.approve(ctx, a.user, a.role); err != nil {
			return err
		}
		if run, err = d.expectApproval(a.want); err != nil {
			return err
		}
		if a.want != "SCHEDULED" {
			d.out.checkTitle(run)
		}
	}
	d.out.checkRun(run, sections("Approvals", "Next"))
	return d.expectMergeButton(false)
}

// expectMergeButton shows whether GitHub's branch protection lets the
// pull request merge now, and fails unless that is what is expected.
func (d *demoStory) expectMergeButton(enabled bool) error {
	reason, blocked := d.sb.GitHub.MergeBlocked(sandbox.CommsRepo, d.pr.Number)
	if blocked {
		d.out.say("GitHub's merge button is blocked by branch protection: %s", reason)
	} else {
		d.out.say("GitHub's merge button is enabled: every required check has passed.")
	}
	if blocked == enabled {
		return fmt.Errorf("merge button blocked = %t, expected %t", blocked, !enabled)
	}
	return nil
}

func (d *demoStory) approve(ctx context.Context, user, role string) error {
	d.out.say("%s (%s) approves.", user, role)
	_, ev := d.sb.GitHub.SubmitReview(sandbox.CommsRepo, d.pr.Number, githubfake.ReviewSpec{User: user, State: "APPROVED"})
	return d.send(ctx, ev)
}

func (d *demoStory) holdAndLift(ctx context.Context) error {
	if err := d.comment(ctx, "carla", "/hold the blog post is not live yet"); err != nil {
		return err
	}
	run, err := d.expectApproval("BLOCKED")
	if err != nil {
		return err
	}
	d.out.detail("%s", d.acknowledgement())
	d.out.checkRun(run, sections("hold", "Next"))
	if err := d.comment(ctx, "carla", "/unhold"); err != nil {
		return err
	}
	if run, err = d.expectApproval("SCHEDULED"); err != nil {
		return err
	}
	d.out.checkTitle(run)
	return nil
}

// acknowledgement says how commsgate answered the latest comment.
func (d *demoStory) acknowledgement() string {
	comments := d.sb.GitHub.Comments(sandbox.CommsRepo, d.pr.Number)
	if len(comments) == 0 {
		return "(no comment found)"
	}
	last := comments[len(comments)-1]
	for _, r := range last.Reactions {
		if r.User == d.sb.App.BotLogin {
			return fmt.Sprintf("%s reacts %s to the comment: the command was accepted.", r.User, reactionEmoji(r.Content))
		}
	}
	return "commsgate did not react to the comment."
}

func reactionEmoji(content string) string {
	switch content {
	case "+1":
		return "👍"
	case "-1":
		return "👎"
	case "confused":
		return "😕"
	case "eyes":
		return "👀"
	default:
		return content
	}
}

func (d *demoStory) comment(ctx context.Context, user, body string) error {
	d.out.say("%s comments %q.", user, body)
	_, ev := d.sb.GitHub.Comment(sandbox.CommsRepo, d.pr.Number, user, body)
	return d.send(ctx, ev)
}

func (d *demoStory) reachPublishAt(ctx context.Context) error {
	d.out.say("Five days pass on the demo's clock; nobody touches the pull request.")
	d.out.say("The sweeper (every minute in production) re-evaluates every open notice.")
	if err := d.sb.Sweep(ctx); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	run, err := d.expectApproval("APPROVED")
	if err != nil {
		return err
	}
	if run.Conclusion != "success" {
		return fmt.Errorf("approval check is %s/%s at publish_at, expected success", run.Status, run.Conclusion)
	}
	d.out.checkTitle(run)
	return d.expectMergeButton(true)
}

// mergeAndPublish has carla merge the pull request and expects the
// publication to succeed; it returns the merged webhook, which GitHub may
// deliver again.
func (d *demoStory) mergeAndPublish(ctx context.Context) (githubfake.Event, error) {
	d.out.say("carla merges #%d.", d.pr.Number)
	merged, ev := d.sb.GitHub.MergePR(sandbox.CommsRepo, d.pr.Number, "carla")
	if err := d.send(ctx, ev); err != nil {
		return ev, err
	}
	d.pr = merged
	run, err := d.check(checkPublish)
	if err != nil {
		return ev, err
	}
	if run.Conclusion != "success" {
		return ev, fmt.Errorf("publish check is %s/%s %q, expected success:\n%s", run.Status, run.Conclusion, run.Title, run.Summary)
	}
	d.out.checkTitle(run)
	return ev, nil
}

func (d *demoStory) publish(ctx context.Context) error {
	ev, err := d.mergeAndPublish(ctx)
	if err != nil {
		return err
	}
	if err := d.showDeliveries(); err != nil {
		return err
	}

	d.out.say("GitHub delivers the merged webhook again (it does, when unsure it got through).")
	if err := d.send(ctx, ev); err != nil {
		return err
	}
	if got, want := d.deliveries(), (deliveryCounts{1, 1, 1, 1}); got != want {
		return fmt.Errorf("after a redelivery the deliveries are %+v, expected still one per channel", got)
	}
	d.out.detail("Nothing is sent twice: the publish check's ledger already records every channel.")
	return nil
}

func (d *demoStory) followUp(context.Context) error {
	var found []githubfake.Issue
	for _, is := range d.sb.GitHub.Issues(sandbox.CommsRepo) {
		if strings.HasPrefix(is.Title, "Follow-up: ") {
			found = append(found, is)
		}
	}
	if len(found) != 1 {
		return fmt.Errorf("%d follow-up issues in %s, expected 1", len(found), sandbox.CommsRepo)
	}
	fu := found[0]
	d.out.say("%s#%d %q, assigned to %s:", sandbox.CommsRepo, fu.Number, fu.Title, strings.Join(fu.Assignees, ", "))
	d.out.excerpt(fu.Body, 4, "Due:")
	return writeIssue(d.outbox, "follow-up", fu)
}

// fixtureErrors receives the fake GitHub's refusals (what a test's
// t.Fatalf would get) so the demo can show them or fail with them.
type fixtureErrors struct {
	mu   sync.Mutex
	msgs []string
}

func (f *fixtureErrors) Helper() {}

func (f *fixtureErrors) Fatalf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

// take returns the refusals so far and forgets them.
func (f *fixtureErrors) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	msgs := f.msgs
	f.msgs = nil
	return msgs
}

func (d *demoStory) requestedTeams() string {
	_, teams := d.sb.GitHub.RequestedReviewers(sandbox.CommsRepo, d.pr.Number)
	if len(teams) == 0 {
		return "nobody"
	}
	return strings.Join(teams, ", ")
}
