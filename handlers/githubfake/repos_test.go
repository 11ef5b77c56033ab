package githubfake

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"
)

func TestContents(t *testing.T) {
	w := newWorld(t)
	pushed := w.srv.Push(testRepo, "draft", Change{Author: "alice", Files: map[string]string{"comms/new.md": "new\n"}})
	for _, tc := range []struct {
		name, path, ref string
		wantFile        string // content when a file is expected
		wantDir         []string
		wantStatus      int
	}{
		{name: "file on default branch", path: "README.md", wantFile: "# Communications\n", wantStatus: 200},
		{name: "file at branch", path: "comms/new.md", ref: "draft", wantFile: "new\n", wantStatus: 200},
		{name: "file at sha", path: "comms/new.md", ref: pushed.SHA, wantFile: "new\n", wantStatus: 200},
		{name: "file at refs/heads", path: "comms/new.md", ref: "refs/heads/draft", wantFile: "new\n", wantStatus: 200},
		{name: "absent on default branch", path: "comms/new.md", wantStatus: 404},
		{name: "directory", path: "comms", ref: "draft", wantDir: []string{"2026-11-01-welcome.md", "new.md"}, wantStatus: 200},
		{name: "unknown ref", path: "README.md", ref: "nope", wantStatus: 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := &github.RepositoryContentGetOptions{Ref: tc.ref}
			file, dir, resp, err := w.client.Repositories.GetContents(w.ctx, "kubernetes", "sig-comms", tc.path, opts)
			if statusOf(resp) != tc.wantStatus {
				t.Fatalf("status = %d (err %v), want %d", statusOf(resp), err, tc.wantStatus)
			}
			if tc.wantStatus != 200 {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantDir != nil {
				var names []string
				for _, entry := range dir {
					names = append(names, entry.GetName())
				}
				if strings.Join(names, ",") != strings.Join(tc.wantDir, ",") {
					t.Errorf("listing = %v, want %v", names, tc.wantDir)
				}
				return
			}
			got, err := file.GetContent()
			if err != nil {
				t.Fatalf("decode content: %v", err)
			}
			if got != tc.wantFile || file.GetSHA() != blobSHA(tc.wantFile) {
				t.Errorf("content = %q sha %s, want %q sha %s", got, file.GetSHA(), tc.wantFile, blobSHA(tc.wantFile))
			}
		})
	}
}

func TestCompareAndCommit(t *testing.T) {
	w := newWorld(t)
	base := w.srv.BranchSHA(testRepo, "main")
	first := w.srv.Push(testRepo, "topic", Change{Files: map[string]string{"comms/a.md": "one\ntwo\nthree\n"}})
	second := w.srv.Push(testRepo, "topic", Change{Files: map[string]string{"comms/a.md": "one\n2\nthree\n"}, Delete: []string{"README.md"}})
	if second.Before != first.SHA {
		t.Errorf("second push before = %s, want %s", second.Before, first.SHA)
	}
	// A commit on main meanwhile must not show up in a three-dot compare.
	w.srv.Push(testRepo, "main", Change{Files: map[string]string{"other.md": "x\n"}})

	cmp, _, err := w.client.Repositories.CompareCommits(w.ctx, "kubernetes", "sig-comms", "main", "topic", nil)
	if err != nil {
		t.Fatalf("compare: %v", err)
	}
	if cmp.GetStatus() != "diverged" || cmp.GetAheadBy() != 2 || cmp.GetBehindBy() != 1 {
		t.Errorf("status %s ahead %d behind %d, want diverged 2 1", cmp.GetStatus(), cmp.GetAheadBy(), cmp.GetBehindBy())
	}
	if cmp.GetMergeBaseCommit().GetSHA() != base {
		t.Errorf("merge base = %s, want %s", cmp.GetMergeBaseCommit().GetSHA(), base)
	}
	got := map[string]string{}
	for _, f := range cmp.Files {
		got[f.GetFilename()] = f.GetStatus()
	}
	want := map[string]string{"comms/a.md": "added", "README.md": "removed"}
	if len(got) != len(want) || got["comms/a.md"] != "added" || got["README.md"] != "removed" {
		t.Errorf("files = %v, want %v", got, want)
	}

	commit, _, err := w.client.Repositories.GetCommit(w.ctx, "kubernetes", "sig-comms", second.SHA, nil)
	if err != nil {
		t.Fatalf("get commit: %v", err)
	}
	if len(commit.Parents) != 1 || commit.Parents[0].GetSHA() != first.SHA {
		t.Errorf("parents = %v, want %s", commit.Parents, first.SHA)
	}
	for _, f := range commit.Files {
		if f.GetFilename() == "comms/a.md" {
			wantPatch := "@@ -1,3 +1,3 @@\n one\n-two\n+2\n three"
			if f.GetPatch() != wantPatch || f.GetAdditions() != 1 || f.GetDeletions() != 1 {
				t.Errorf("patch = %q (+%d -%d), want %q (+1 -1)", f.GetPatch(), f.GetAdditions(), f.GetDeletions(), wantPatch)
			}
		}
	}
}

func TestCollaboratorPermission(t *testing.T) {
	w := newWorld(t)
	w.srv.CreateTeam("kubernetes/steering", "sam")
	w.srv.GrantTeamRepo("kubernetes/steering", testRepo, "maintain")
	w.srv.SetCollaborator(testRepo, "tina", "triage")
	w.srv.AddOrgMember("kubernetes", "olga", "admin")
	w.srv.AddTeamMember("kubernetes/steering", "pete", MemberSpec{Pending: true})
	w.srv.CreateApp("bystander") // makes user bystander-owner known
	for _, tc := range []struct{ user, permission, role string }{
		{"sam", "write", "maintain"},
		{"tina", "read", "triage"},
		{"olga", "admin", "admin"},
		{"pete", "none", "none"}, // pending members get nothing yet
		{"bystander-owner", "none", "none"},
	} {
		got, _, err := w.client.Repositories.GetPermissionLevel(w.ctx, "kubernetes", "sig-comms", tc.user)
		if err != nil {
			t.Fatalf("%s: %v", tc.user, err)
		}
		if got.GetPermission() != tc.permission {
			t.Errorf("%s: permission %s, want %s", tc.user, got.GetPermission(), tc.permission)
		}
		w.srv.mu.Lock()
		role := w.srv.st.permission(w.srv.st.repos[testRepo], tc.user)
		w.srv.mu.Unlock()
		if role != tc.role {
			t.Errorf("%s: role %s, want %s", tc.user, role, tc.role)
		}
	}
	if _, resp, _ := w.client.Repositories.GetPermissionLevel(w.ctx, "kubernetes", "sig-comms", "nobody-at-all"); statusOf(resp) != http.StatusNotFound {
		t.Errorf("unknown user: status %d, want 404", statusOf(resp))
	}
}

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, patch string
		adds, dels            int
	}{
		{"new file", "", "a\nb\n", "@@ -0,0 +1,2 @@\n+a\n+b", 2, 0},
		{"deleted file", "a\n", "", "@@ -1,1 +0,0 @@\n-a", 0, 1},
		{"change in the middle keeps three lines of context",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8", 1, 1},
		{"distant changes make two hunks",
			"a\n1\n2\n3\n4\n5\n6\n7\n8\nz\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nZ\n",
			"@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-z\n+Z", 2, 2},
		{"identical", "same\n", "same\n", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			patch, adds, dels := unifiedDiff(tc.old, tc.new)
			if patch != tc.patch || adds != tc.adds || dels != tc.dels {
				t.Errorf("got %q +%d -%d\nwant %q +%d -%d", patch, adds, dels, tc.patch, tc.adds, tc.dels)
			}
		})
	}
}

func TestEnterpriseStylePrefix(t *testing.T) {
	w := newWorld(t)
	client, err := github.NewClient(nil).WithAuthToken(w.srv.Token(w.inst.ID)).WithEnterpriseURLs(w.srv.URL(), w.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w.srv.OpenIssue(testRepo, "alice", fmt.Sprint("issue ", i), "")
	}
	issues, resp, err := client.Issues.ListByRepo(w.ctx, "kubernetes", "sig-comms", &github.IssueListByRepoOptions{ListOptions: github.ListOptions{PerPage: 2}})
	if err != nil || len(issues) != 2 || resp.NextPage != 2 {
		t.Fatalf("issues via /api/v3: %d (next %d, err %v), want 2 with a next page", len(issues), resp.NextPage, err)
	}
	if link := resp.Header.Get("Link"); !strings.Contains(link, w.srv.URL()+"/api/v3/repos/") {
		t.Errorf("Link = %q, want links under /api/v3", link)
	}
}
