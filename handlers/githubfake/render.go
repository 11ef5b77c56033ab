package githubfake

import (
	"fmt"
	"slices"
	"strings"
)

// Rendering turns state into GitHub's JSON shapes. API urls point at the
// fake; html urls point at the fake too, under the same paths github.com
// uses, so links in the app's output are predictable in golden files.

func (s *Server) apiURL(format string, args ...any) string {
	return s.srv.URL + fmt.Sprintf(format, args...)
}

func (s *Server) renderUser(u *user) wUser {
	return wUser{
		Login:     u.Login,
		ID:        u.ID,
		NodeID:    nodeID("User", u.ID),
		AvatarURL: s.apiURL("/avatars/u/%d", u.ID),
		URL:       s.apiURL("/users/%s", u.Login),
		HTMLURL:   s.apiURL("/%s", u.Login),
		Type:      u.Type,
	}
}

func (s *Server) renderUserPtr(u *user) *wUser {
	if u == nil {
		return nil
	}
	w := s.renderUser(u)
	return &w
}

func (s *Server) renderUsers(us []*user) []wUser {
	out := make([]wUser, 0, len(us))
	for _, u := range us {
		out = append(out, s.renderUser(u))
	}
	return out
}

func (s *Server) renderRepo(r *repo) wRepo {
	visibility := "public"
	if r.Private {
		visibility = "private"
	}
	pushed := r.Created
	for _, c := range r.Commits {
		if c.Date.After(pushed) {
			pushed = c.Date
		}
	}
	return wRepo{
		ID:               r.ID,
		NodeID:           nodeID("Repository", r.ID),
		Name:             r.Name,
		FullName:         r.fullName(),
		Private:          r.Private,
		Owner:            s.renderUser(r.Owner),
		HTMLURL:          s.apiURL("/%s", r.fullName()),
		URL:              s.apiURL("/repos/%s", r.fullName()),
		DefaultBranch:    r.DefaultBranch,
		Visibility:       visibility,
		CreatedAt:        ghTime(r.Created),
		UpdatedAt:        ghTime(pushed),
		PushedAt:         ghTime(pushed),
		Topics:           []string{},
		HasIssues:        true,
		HasProjects:      true,
		HasWiki:          true,
		HasDownloads:     true,
		OpenIssues:       openIssues(r),
		OpenIssuesCount:  openIssues(r),
		CustomProperties: map[string]string{},
	}
}

// openIssues counts open issues and pull requests, as GitHub's
// open_issues_count does.
func openIssues(r *repo) int {
	n := 0
	for _, is := range r.Issues {
		if is.State == "open" {
			n++
		}
	}
	return n
}

func (s *Server) renderRepoShort(r *repo) wRepoShort {
	return wRepoShort{ID: r.ID, NodeID: nodeID("Repository", r.ID), Name: r.Name, FullName: r.fullName(), Private: r.Private}
}

func (s *Server) renderApp(a *app) wApp {
	return wApp{
		ID: a.ID, Slug: a.Slug, NodeID: nodeID("App", a.ID), Owner: s.renderUser(a.Owner), Name: a.Name,
		HTMLURL: s.apiURL("/apps/%s", a.Slug), CreatedAt: ghTime(a.Created), UpdatedAt: ghTime(a.Created),
		Permissions: grantedPermissions(a), Events: subscribedEvents(a),
		Description: a.Description, ExternalURL: a.ExternalURL,
	}
}

func (s *Server) renderInstallation(in *installation) wInstallation {
	targetType := "User"
	if in.Account.Type == "Organization" {
		targetType = "Organization"
	}
	return wInstallation{
		ID:                  in.ID,
		Account:             s.renderUser(in.Account),
		RepositorySelection: in.Selection,
		AccessTokensURL:     s.apiURL("/app/installations/%d/access_tokens", in.ID),
		RepositoriesURL:     s.apiURL("/installation/repositories"),
		HTMLURL:             s.apiURL("/settings/installations/%d", in.ID),
		AppID:               in.App.ID,
		AppSlug:             in.App.Slug,
		TargetID:            in.Account.ID,
		TargetType:          targetType,
		Permissions:         grantedPermissions(in.App),
		Events:              subscribedEvents(in.App),
		CreatedAt:           ghTime(in.Created),
		UpdatedAt:           ghTime(in.Created),
	}
}

func (s *Server) renderLabels(r *repo, names []string) []wLabel {
	out := make([]wLabel, 0, len(names))
	for _, name := range names {
		id := int64(0)
		for _, c := range name {
			id = id*31 + int64(c)
		}
		if id < 0 {
			id = -id
		}
		out = append(out, wLabel{
			ID: id, NodeID: nodeID("Label", id), URL: s.apiURL("/repos/%s/labels/%s", r.fullName(), name),
			Name: name, Color: "ededed",
		})
	}
	return out
}

func (s *Server) renderTeam(t *team, permission string) wTeam {
	base := s.apiURL("/orgs/%s/teams/%s", t.Org.User.Login, t.Slug)
	return wTeam{
		ID: t.ID, NodeID: nodeID("Team", t.ID), URL: base, HTMLURL: s.apiURL("/orgs/%s/teams/%s", t.Org.User.Login, t.Slug),
		Name: t.Name, Slug: t.Slug, Description: strOrNil(t.Description), Privacy: t.Privacy,
		NotificationSetting: "notifications_enabled", Permission: permission,
		MembersURL: base + "/members{/member}", RepositoriesURL: base + "/repos",
	}
}

// association is GitHub's author_association for a user in a repository.
func (st *state) association(r *repo, u *user) string {
	if strings.EqualFold(r.Owner.Login, u.Login) {
		return "OWNER"
	}
	if o, ok := st.orgs[strings.ToLower(r.Owner.Login)]; ok {
		if _, member := o.Members[strings.ToLower(u.Login)]; member {
			return "MEMBER"
		}
	}
	if st.permission(r, u.Login) != "none" {
		return "COLLABORATOR"
	}
	return "NONE"
}

func (s *Server) renderBranchRef(r *repo, ref, sha string) wBranchRef {
	return wBranchRef{Label: r.Owner.Login + ":" + ref, Ref: ref, SHA: sha, User: s.renderUser(r.Owner), Repo: s.renderRepo(r)}
}

func (s *Server) renderPull(r *repo, p *pull) wPull {
	is := p.Issue
	base := s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.Number)
	html := s.apiURL("/%s/pull/%d", r.fullName(), is.Number)
	baseSHA := r.Branches[p.BaseRef]
	teams := make([]wTeam, 0, len(p.RequestedTeams))
	for _, t := range p.RequestedTeams {
		teams = append(teams, s.renderTeam(t, "pull"))
	}
	w := wPull{
		URL: base, ID: p.ID, NodeID: nodeID("PullRequest", p.ID), HTMLURL: html,
		DiffURL: html + ".diff", PatchURL: html + ".patch",
		IssueURL: s.apiURL("/repos/%s/issues/%d", r.fullName(), is.Number),
		Number:   is.Number, State: is.State, Title: is.Title, User: s.renderUser(is.User), Body: strOrNil(is.Body),
		CreatedAt: ghTime(is.Created), UpdatedAt: ghTime(is.Updated), ClosedAt: timeOrNil(is.Closed),
		MergedAt: timeOrNil(p.MergedAt), MergeCommitSHA: strOrNil(p.MergeCommitSHA),
		Assignees: s.renderUsers(is.Assignees), RequestedReviewers: s.renderUsers(p.RequestedUsers),
		RequestedTeams: teams, Labels: s.renderLabels(r, is.Labels), Draft: p.Draft,
		CommitsURL: base + "/commits", ReviewCommentsURL: base + "/comments",
		CommentsURL:       s.apiURL("/repos/%s/issues/%d/comments", r.fullName(), is.Number),
		StatusesURL:       s.apiURL("/repos/%s/statuses/%s", r.fullName(), p.HeadSHA),
		Head:              s.renderBranchRef(r, p.HeadRef, p.HeadSHA),
		Base:              s.renderBranchRef(r, p.BaseRef, baseSHA),
		AuthorAssociation: s.st.association(r, is.User),
		Merged:            p.Merged, MergedBy: s.renderUserPtr(p.MergedBy),
		Comments: countIssueComments(r, is), MaintainerCanModify: false,
	}
	if len(is.Assignees) > 0 {
		w.Assignee = s.renderUserPtr(is.Assignees[0])
	}
	mergeable := is.State == "open" && !p.Merged && !p.Conflicting
	w.Mergeable, w.Rebaseable = &mergeable, &mergeable
	switch {
	case p.Merged || is.State == "closed":
		w.MergeableState = "unknown"
		w.Mergeable, w.Rebaseable = nil, nil
	case p.Conflicting:
		w.MergeableState = "dirty"
	case p.Draft:
		w.MergeableState = "draft"
	default:
		w.MergeableState = "clean"
	}
	if mb, ok := r.mergeBase(baseSHA, p.HeadSHA); ok {
		w.Commits = len(r.commitsBetween(mb, p.HeadSHA))
		for _, f := range diffTrees(r.Commits[mb].Tree, r.Commits[p.HeadSHA].Tree) {
			w.Additions += f.Additions
			w.Deletions += f.Deletions
			w.ChangedFiles++
		}
	}
	return w
}

func countIssueComments(r *repo, is *issue) int {
	n := 0
	for _, c := range r.Comments {
		if c.Issue == is {
			n++
		}
	}
	return n
}

func (s *Server) renderReview(r *repo, p *pull, rv *review) wReview {
	return wReview{
		ID: rv.ID, NodeID: nodeID("PullRequestReview", rv.ID), User: s.renderUser(rv.User), Body: strOrNil(rv.Body),
		State:          rv.State,
		HTMLURL:        s.apiURL("/%s/pull/%d#pullrequestreview-%d", r.fullName(), p.Issue.Number, rv.ID),
		PullRequestURL: s.apiURL("/repos/%s/pulls/%d", r.fullName(), p.Issue.Number),
		SubmittedAt:    ghTime(rv.SubmittedAt), CommitID: rv.CommitID,
		AuthorAssociation: s.st.association(r, rv.User),
	}
}

func (s *Server) renderIssue(r *repo, is *issue) wIssue {
	w := wIssue{
		URL:           s.apiURL("/repos/%s/issues/%d", r.fullName(), is.Number),
		RepositoryURL: s.apiURL("/repos/%s", r.fullName()),
		CommentsURL:   s.apiURL("/repos/%s/issues/%d/comments", r.fullName(), is.Number),
		HTMLURL:       s.apiURL("/%s/issues/%d", r.fullName(), is.Number),
		ID:            is.ID, NodeID: nodeID("Issue", is.ID), Number: is.Number, Title: is.Title,
		User: s.renderUser(is.User), Labels: s.renderLabels(r, is.Labels), State: is.State,
		StateReason: strOrNil(is.StateReason), Assignees: s.renderUsers(is.Assignees),
		Comments: countIssueComments(r, is), CreatedAt: ghTime(is.Created), UpdatedAt: ghTime(is.Updated),
		ClosedAt: timeOrNil(is.Closed), ClosedBy: s.renderUserPtr(is.ClosedBy),
		AuthorAssociation: s.st.association(r, is.User), Body: strOrNil(is.Body),
	}
	if len(is.Assignees) > 0 {
		w.Assignee = s.renderUserPtr(is.Assignees[0])
	}
	w.Reactions = wReactionRollup{URL: s.apiURL("/repos/%s/issues/%d/reactions", r.fullName(), is.Number)}
	if is.Pull != nil {
		draft := is.Pull.Draft
		w.Draft = &draft
		html := s.apiURL("/%s/pull/%d", r.fullName(), is.Number)
		w.HTMLURL = html
		w.PullRequest = &wIssuePullRef{
			URL: s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.Number), HTMLURL: html,
			DiffURL: html + ".diff", PatchURL: html + ".patch", MergedAt: timeOrNil(is.Pull.MergedAt),
		}
	}
	return w
}

func (s *Server) renderComment(r *repo, c *comment) wComment {
	rollup := wReactionRollup{URL: s.apiURL("/repos/%s/issues/comments/%d/reactions", r.fullName(), c.ID)}
	for _, re := range c.Reactions {
		rollup.TotalCount++
		switch re.Content {
		case "+1":
			rollup.PlusOne++
		case "-1":
			rollup.MinusOne++
		case "laugh":
			rollup.Laugh++
		case "hooray":
			rollup.Hooray++
		case "confused":
			rollup.Confused++
		case "heart":
			rollup.Heart++
		case "rocket":
			rollup.Rocket++
		case "eyes":
			rollup.Eyes++
		}
	}
	kind := "issues"
	if c.Issue.Pull != nil {
		kind = "pull"
	}
	return wComment{
		URL:      s.apiURL("/repos/%s/issues/comments/%d", r.fullName(), c.ID),
		HTMLURL:  s.apiURL("/%s/%s/%d#issuecomment-%d", r.fullName(), kind, c.Issue.Number, c.ID),
		IssueURL: s.apiURL("/repos/%s/issues/%d", r.fullName(), c.Issue.Number),
		ID:       c.ID, NodeID: nodeID("IssueComment", c.ID), User: s.renderUser(c.User),
		CreatedAt: ghTime(c.Created), UpdatedAt: ghTime(c.Updated),
		AuthorAssociation: s.st.association(r, c.User), Body: c.Body, Reactions: rollup,
		PerformedViaGitHubApp: s.appOfBot(c.User),
	}
}

// appOfBot returns the app whose bot the user is, for
// performed_via_github_app.
func (s *Server) appOfBot(u *user) *wApp {
	for _, a := range s.st.apps {
		if a.Bot == u {
			w := s.renderApp(a)
			return &w
		}
	}
	return nil
}

func (s *Server) renderReaction(re *reaction) wReaction {
	return wReaction{ID: re.ID, NodeID: nodeID("Reaction", re.ID), User: s.renderUser(re.User), Content: re.Content, CreatedAt: ghTime(re.Created)}
}

// checkPullRefs lists the open pull requests whose head is the sha, as
// check runs and suites report them.
func (s *Server) checkPullRefs(r *repo, sha string) []wCheckPullRef {
	out := []wCheckPullRef{}
	for _, n := range sortedPullNumbers(r) {
		p := r.Pulls[n]
		if p.Issue.State != "open" || p.HeadSHA != sha {
			continue
		}
		repoRef := wCheckPullRepo{ID: r.ID, URL: s.apiURL("/repos/%s", r.fullName()), Name: r.Name}
		out = append(out, wCheckPullRef{
			URL: s.apiURL("/repos/%s/pulls/%d", r.fullName(), n), ID: p.ID, Number: n,
			Head: wCheckPullPoint{Ref: p.HeadRef, SHA: p.HeadSHA, Repo: repoRef},
			Base: wCheckPullPoint{Ref: p.BaseRef, SHA: r.Branches[p.BaseRef], Repo: repoRef},
		})
	}
	return out
}

func sortedPullNumbers(r *repo) []int {
	nums := make([]int, 0, len(r.Pulls))
	for n := range r.Pulls {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	return nums
}

func (s *Server) renderCheckRun(cr *checkRun) wCheckRun {
	r := cr.Repo
	out := wCheckOutput{
		Title: strOrNil(cr.Title), Summary: strOrNil(cr.Summary), Text: strOrNil(cr.Text),
		AnnotationsCount: len(cr.Annotations),
		AnnotationsURL:   s.apiURL("/repos/%s/check-runs/%d/annotations", r.fullName(), cr.ID),
	}
	return wCheckRun{
		ID: cr.ID, HeadSHA: cr.HeadSHA, NodeID: nodeID("CheckRun", cr.ID), ExternalID: cr.ExternalID,
		URL:     s.apiURL("/repos/%s/check-runs/%d", r.fullName(), cr.ID),
		HTMLURL: s.apiURL("/%s/runs/%d", r.fullName(), cr.ID), DetailsURL: cr.DetailsURL,
		Status: cr.Status, Conclusion: strOrNil(cr.Conclusion),
		StartedAt: timeOrNil(cr.StartedAt), CompletedAt: timeOrNil(cr.CompletedAt),
		Output: out, Name: cr.Name, CheckSuite: wCheckSuiteRef{ID: cr.Suite.ID}, App: s.renderApp(cr.App),
		PullRequests: s.checkPullRefs(r, cr.HeadSHA),
	}
}

func (s *Server) renderCheckSuite(cs *checkSuite) wCheckSuite {
	r := cs.Repo
	status, conclusion := "queued", ""
	runs := s.st.runsInSuite(cs)
	if len(runs) > 0 {
		status = "completed"
		for _, cr := range runs {
			if cr.Status != "completed" {
				status = "in_progress"
			}
		}
		if status == "completed" {
			conclusion = suiteConclusion(runs)
		}
	}
	out := wCheckSuite{
		ID: cs.ID, NodeID: nodeID("CheckSuite", cs.ID), HeadBranch: strOrNil(cs.HeadBranch), HeadSHA: cs.HeadSHA,
		Status: status, Conclusion: strOrNil(conclusion), URL: s.apiURL("/repos/%s/check-suites/%d", r.fullName(), cs.ID),
		PullRequests: s.checkPullRefs(r, cs.HeadSHA), App: s.renderApp(cs.App),
		CreatedAt: ghTime(cs.Created), UpdatedAt: ghTime(cs.Created),
		CheckRunsURL:         s.apiURL("/repos/%s/check-suites/%d/check-runs", r.fullName(), cs.ID),
		LatestCheckRunsCount: len(runs),
	}
	if c, ok := r.Commits[cs.HeadSHA]; ok {
		who := wNameEmail{Name: c.Author.Login, Email: c.Author.Login + "@users.noreply.github.com"}
		out.HeadCommit = wHeadCommit{ID: c.SHA, TreeID: treeSHA(c), Message: c.Message, Timestamp: ghTime(c.Date), Author: who, Committer: who}
	}
	return out
}

// suiteConclusion is the worst conclusion among the runs, as GitHub rolls
// them up.
func suiteConclusion(runs []*checkRun) string {
	order := []string{"action_required", "cancelled", "timed_out", "failure", "neutral", "skipped", "stale", "success"}
	best := len(order) - 1
	for _, cr := range runs {
		if i := slices.Index(order, cr.Conclusion); i >= 0 && i < best {
			best = i
		}
	}
	return order[best]
}

func (s *Server) renderCommit(r *repo, c *commit, files []fileChange) wCommit {
	actor := wGitActor{Name: c.Author.Login, Email: c.Author.Login + "@users.noreply.github.com", Date: ghTime(c.Date)}
	w := wCommit{
		URL: s.apiURL("/repos/%s/commits/%s", r.fullName(), c.SHA), SHA: c.SHA, NodeID: nodeID("Commit", c.Seq),
		HTMLURL: s.apiURL("/%s/commit/%s", r.fullName(), c.SHA),
		Commit: wGitCommit{
			URL: s.apiURL("/repos/%s/git/commits/%s", r.fullName(), c.SHA), Author: actor, Committer: actor,
			Message: c.Message, Tree: wShaURL{SHA: treeSHA(c), URL: s.apiURL("/repos/%s/git/trees/%s", r.fullName(), treeSHA(c))},
		},
		Author: s.renderUserPtr(c.Author), Committer: s.renderUserPtr(c.Author),
		Parents: []wShaURL{},
	}
	for _, p := range c.Parents {
		w.Parents = append(w.Parents, wShaURL{SHA: p, URL: s.apiURL("/repos/%s/commits/%s", r.fullName(), p), HTMLURL: s.apiURL("/%s/commit/%s", r.fullName(), p)})
	}
	if files != nil {
		w.Stats = &wCommitStats{}
		w.Files = s.renderFiles(r, c.SHA, files)
		for _, f := range files {
			w.Stats.Additions += f.Additions
			w.Stats.Deletions += f.Deletions
		}
		w.Stats.Total = w.Stats.Additions + w.Stats.Deletions
	}
	return w
}

func treeSHA(c *commit) string { return commitSHA(nil, c.Tree, "tree", 0) }

func (s *Server) renderFiles(r *repo, sha string, files []fileChange) []wFile {
	out := make([]wFile, 0, len(files))
	for _, f := range files {
		blob := blobSHA(f.New)
		if f.Status == "removed" {
			blob = "0000000000000000000000000000000000000000"
		}
		out = append(out, wFile{
			SHA: blob, Filename: f.Path, Status: f.Status, Previous: f.Previous, Additions: f.Additions, Deletions: f.Deletions,
			Changes:     f.Additions + f.Deletions,
			BlobURL:     s.apiURL("/%s/blob/%s/%s", r.fullName(), sha, f.Path),
			RawURL:      s.apiURL("/%s/raw/%s/%s", r.fullName(), sha, f.Path),
			ContentsURL: s.apiURL("/repos/%s/contents/%s?ref=%s", r.fullName(), f.Path, sha),
			Patch:       f.Patch,
		})
	}
	return out
}
