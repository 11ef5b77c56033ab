package facts

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/policy"
)

// CheckRuns lists the check runs on sha that this app created, of one
// name or (name "") of all names, oldest first. Only this app's runs
// count: any app with checks permission can post a run called
// commsgate/publish, and one that did must not stop a publication, nor
// one called commsgate/approval pass a gate.
func (r *GitHub) CheckRuns(ctx context.Context, t Target, sha, name string, latestOnly bool) ([]*github.CheckRun, error) {
	filter := "all"
	if latestOnly {
		filter = "latest"
	}
	opts := &github.ListCheckRunsOptions{Filter: github.String(filter)}
	if name != "" {
		opts.CheckName = github.String(name)
	}
	if r.self.AppID != 0 {
		opts.AppID = github.Int64(r.self.AppID)
	}
	all, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.CheckRun, *github.Response, error) {
		opts.ListOptions = o
		list, resp, err := r.gh.Checks.ListCheckRunsForRef(ctx, t.Owner, t.Repo, sha, opts)
		if list == nil {
			return nil, resp, err
		}
		return list.CheckRuns, resp, err
	})
	if err != nil {
		what := name
		if what == "" {
			what = "all"
		}
		return nil, fmt.Errorf("list %s check runs of %s: %w", what, policy.ShortSHA(sha), err)
	}
	var runs []*github.CheckRun
	for _, run := range all {
		if (name == "" || run.GetName() == name) && r.ours(run) {
			runs = append(runs, run)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].GetID() < runs[j].GetID() })
	return runs, nil
}

// ours reports whether this app created the run. The filter in the
// request says so already; the answer is checked again because a
// decision must not rest on a query parameter being honoured.
func (r *GitHub) ours(run *github.CheckRun) bool {
	return r.self.AppID == 0 || run.GetApp().GetID() == r.self.AppID
}

// LatestRuns returns this app's newest check run of each name on sha.
func LatestRuns(runs []*github.CheckRun) map[string]*github.CheckRun {
	latest := make(map[string]*github.CheckRun)
	for _, run := range runs {
		if newest := latest[run.GetName()]; newest == nil || run.GetID() > newest.GetID() {
			latest[run.GetName()] = run
		}
	}
	return latest
}
