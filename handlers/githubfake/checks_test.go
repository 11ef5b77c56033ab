package githubfake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"
)

func annotation(line int, level, msg string) *github.CheckRunAnnotation {
	return &github.CheckRunAnnotation{
		Path: github.String("comms/2026-12-01-freeze.md"), StartLine: github.Int(line), EndLine: github.Int(line),
		AnnotationLevel: github.String(level), Message: github.String(msg),
	}
}

func TestCheckRunAnnotationsAccumulate(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	run, _, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", github.CreateCheckRunOptions{
		Name: "commsgate/template", HeadSHA: pr.HeadSHA, Status: github.String("in_progress"), ExternalID: github.String("pr-1"),
		Output: &github.CheckRunOutput{
			Title: github.String("2 problems"), Summary: github.String("Fix them"),
			Annotations: []*github.CheckRunAnnotation{annotation(2, "failure", "title too long"), annotation(5, "warning", "empty section")},
		},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if len(run.PullRequests) != 1 || run.PullRequests[0].GetNumber() != pr.Number {
		t.Errorf("run pull requests = %v, want #%d", run.PullRequests, pr.Number)
	}
	updated, _, err := w.client.Checks.UpdateCheckRun(w.ctx, "kubernetes", "sig-comms", run.GetID(), github.UpdateCheckRunOptions{
		Name: "commsgate/template", Conclusion: github.String("failure"),
		Output: &github.CheckRunOutput{
			Title: github.String("3 problems"), Summary: github.String("Fix them all"),
			Annotations: []*github.CheckRunAnnotation{annotation(7, "notice", "consider a link")},
		},
		Actions: []*github.CheckRunAction{{Label: "Re-validate", Description: "Run the template check again", Identifier: "revalidate"}},
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.GetStatus() != "completed" || updated.GetConclusion() != "failure" || updated.GetOutput().GetAnnotationsCount() != 3 ||
		updated.GetOutput().GetTitle() != "3 problems" || updated.GetCompletedAt().IsZero() {
		t.Errorf("updated = status %s conclusion %s annotations %d title %q completed %v", updated.GetStatus(), updated.GetConclusion(),
			updated.GetOutput().GetAnnotationsCount(), updated.GetOutput().GetTitle(), updated.GetCompletedAt())
	}
	anns, _, err := w.client.Checks.ListCheckRunAnnotations(w.ctx, "kubernetes", "sig-comms", run.GetID(), nil)
	if err != nil || len(anns) != 3 || anns[2].GetStartLine() != 7 || anns[0].GetAnnotationLevel() != "failure" {
		t.Fatalf("annotations = %v (err %v), want 3 in order", anns, err)
	}
	got, ok := w.srv.LatestCheckRun(testRepo, pr.HeadSHA, "commsgate/template")
	if !ok || len(got.Annotations) != 3 || got.ExternalID != "pr-1" || len(got.Actions) != 1 {
		t.Errorf("read back = %+v", got)
	}

	ev := w.srv.RequestCheckRunAction(run.GetID(), "alice", "revalidate")
	var payload github.CheckRunEvent
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.GetRequestedAction().Identifier != "revalidate" || payload.GetCheckRun().GetCheckSuite().GetHeadSHA() != pr.HeadSHA ||
		payload.GetInstallation().GetID() != w.inst.ID {
		t.Errorf("requested_action payload = %s suite head %s installation %d", payload.GetRequestedAction().Identifier,
			payload.GetCheckRun().GetCheckSuite().GetHeadSHA(), payload.GetInstallation().GetID())
	}
}

func TestCheckRunValidation(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	many := make([]*github.CheckRunAnnotation, 51)
	for i := range many {
		many[i] = annotation(i+1, "notice", "n")
	}
	columnsOnMultiline := annotation(2, "warning", "x")
	columnsOnMultiline.EndLine, columnsOnMultiline.StartColumn, columnsOnMultiline.EndColumn = github.Int(3), github.Int(1), github.Int(4)
	for _, tc := range []struct {
		name string
		opts github.CreateCheckRunOptions
	}{
		{"unknown sha", github.CreateCheckRunOptions{Name: "c", HeadSHA: strings.Repeat("a", 40)}},
		{"completed without conclusion", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Status: github.String("completed")}},
		{"bad conclusion", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Conclusion: github.String("great")}},
		{"output without summary", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Output: &github.CheckRunOutput{Title: github.String("t")}}},
		{"51 annotations", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: many}}},
		{"columns across lines", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: []*github.CheckRunAnnotation{columnsOnMultiline}}}},
		{"bad level", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Annotations: []*github.CheckRunAnnotation{annotation(1, "error", "x")}}}},
		{"summary too long", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String(strings.Repeat("s", maxOutputChars+1))}}},
		{"action label too long", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA, Actions: []*github.CheckRunAction{{Label: strings.Repeat("l", 21), Description: "d", Identifier: "i"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, resp, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", tc.opts)
			if statusOf(resp) != http.StatusUnprocessableEntity {
				t.Errorf("status = %d (err %v), want 422", statusOf(resp), err)
			}
		})
	}
	if runs := w.srv.CheckRuns(testRepo, pr.HeadSHA); len(runs) != 0 {
		t.Errorf("rejected requests left %d check runs", len(runs))
	}
}

func TestListCheckRunsForRef(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	for _, name := range []string{"commsgate/template", "commsgate/approval", "commsgate/template"} {
		if _, _, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", github.CreateCheckRunOptions{Name: name, HeadSHA: pr.HeadSHA}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		opts *github.ListCheckRunsOptions
		want int
	}{
		{"latest per name by default", nil, 2},
		{"all", &github.ListCheckRunsOptions{Filter: github.String("all")}, 3},
		{"by name", &github.ListCheckRunsOptions{CheckName: github.String("commsgate/approval")}, 1},
		{"by name, all", &github.ListCheckRunsOptions{CheckName: github.String("commsgate/template"), Filter: github.String("all")}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _, err := w.client.Checks.ListCheckRunsForRef(w.ctx, "kubernetes", "sig-comms", pr.HeadRef, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.GetTotal() != tc.want || len(res.CheckRuns) != tc.want {
				t.Errorf("total %d runs %d, want %d", res.GetTotal(), len(res.CheckRuns), tc.want)
			}
		})
	}
}

func TestCheckRunCanOnlyBeUpdatedByItsApp(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	run, _, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", github.CreateCheckRunOptions{Name: "c", HeadSHA: pr.HeadSHA})
	if err != nil {
		t.Fatal(err)
	}
	other := w.srv.CreateApp("other")
	otherInst, _ := w.srv.Install(other.ID, "kubernetes")
	_, resp, _ := tokenClient(t, w.srv, otherInst.ID).Checks.UpdateCheckRun(w.ctx, "kubernetes", "sig-comms", run.GetID(), github.UpdateCheckRunOptions{Name: "c"})
	if statusOf(resp) != http.StatusForbidden {
		t.Errorf("update by another app: status %d, want 403", statusOf(resp))
	}
}
