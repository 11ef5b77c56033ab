package githubfake

import (
	"maps"
	"slices"
	"strings"
)

// RepoSpec describes a repository to create.
type RepoSpec struct {
	// Name is "owner/name". The owner becomes an organization unless
	// UserOwned is set.
	Name          string
	UserOwned     bool
	DefaultBranch string // "main" when empty
	// Public repositories are readable by anyone; the default is private,
	// as a sensitive-communications repository is.
	Public bool
	// Files are the initial commit's tree: path → content.
	Files map[string]string
}

// CreateRepo creates a repository with one initial commit on its default
// branch.
func (s *Server) CreateRepo(spec RepoSpec) Repo {
	owner, name, ok := strings.Cut(spec.Name, "/")
	if !ok || owner == "" || name == "" {
		s.fail("create repo: name %q is not owner/name", spec.Name)
		return Repo{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.st.repo(spec.Name); exists {
		s.fail("create repo: %s already exists", spec.Name)
		return Repo{}
	}
	var ownerUser *user
	if spec.UserOwned {
		ownerUser = s.st.userFor(owner)
	} else {
		ownerUser = s.st.ensureOrg(owner).User
	}
	branch := spec.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	rp := &repo{
		ID: s.st.id(), Owner: ownerUser, Name: name, Private: !spec.Public, DefaultBranch: branch, Created: s.now(),
		Commits: map[string]*commit{}, Branches: map[string]string{}, Issues: map[int]*issue{},
		Pulls: map[int]*pull{}, Comments: map[int64]*comment{}, Collaborators: map[string]string{},
	}
	s.st.repos[strings.ToLower(rp.fullName())] = rp
	c := s.st.addCommit(rp, nil, maps.Clone(spec.Files), nil, "Initial commit", ownerUser, s.now())
	rp.Branches[branch] = c.SHA
	return Repo{ID: rp.ID, FullName: rp.fullName(), DefaultBranch: branch, Private: rp.Private}
}

// ensureOrg returns the organization, creating it (and its user record as
// an Organization) on first use.
func (st *state) ensureOrg(login string) *org {
	key := strings.ToLower(login)
	if o, ok := st.orgs[key]; ok {
		return o
	}
	u := st.userFor(login)
	u.Type = "Organization"
	o := &org{User: u, Members: map[string]orgMember{}, Teams: map[string]*team{}}
	st.orgs[key] = o
	return o
}

// Change is one commit's worth of edits.
type Change struct {
	// Author defaults to the repository owner.
	Author  string
	Message string
	// Files are written (created or replaced): path → content.
	Files map[string]string
	// Delete lists paths to remove.
	Delete []string
}

// repoFor looks a repository up for a fixture, reporting misuse.
func (s *Server) repoFor(fullName string) (*repo, bool) {
	rp, ok := s.st.repo(fullName)
	if !ok {
		s.fail("no repository %s", fullName)
	}
	return rp, ok
}

// Push commits the change on top of the branch, creating the branch from
// the default branch when it does not exist. Pull requests whose head is
// the branch follow it, as on GitHub.
func (s *Server) Push(repoName, branch string, ch Change) Commit {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return Commit{}
	}
	return s.push(rp, branch, ch)
}

// push is Push with s.mu held.
func (s *Server) push(rp *repo, branch string, ch Change) Commit {
	before, exists := rp.Branches[branch]
	parent := before
	if !exists {
		parent = rp.Branches[rp.DefaultBranch]
	}
	author := rp.Owner
	if ch.Author != "" {
		author = s.st.userFor(ch.Author)
	}
	msg := ch.Message
	if msg == "" {
		msg = "Update " + strings.Join(slices.Sorted(maps.Keys(ch.Files)), ", ")
	}
	c := s.st.addCommit(rp, []string{parent}, maps.Clone(ch.Files), ch.Delete, msg, author, s.now())
	rp.Branches[branch] = c.SHA
	for _, p := range rp.Pulls {
		if p.HeadRef == branch && p.Issue.State == "open" {
			p.HeadSHA = c.SHA
			p.Issue.Updated = s.now()
		}
	}
	return Commit{SHA: c.SHA, Before: before}
}

// File returns a file's content at a ref (branch or sha).
func (s *Server) File(repoName, ref, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return "", false
	}
	c, ok := rp.resolve(ref)
	if !ok {
		return "", false
	}
	text, ok := c.Tree[path]
	return text, ok
}

// BranchSHA returns the branch's tip, empty when it does not exist.
func (s *Server) BranchSHA(repoName, branch string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return ""
	}
	return rp.Branches[branch]
}

// SetCollaborator grants a user a role on the repository (read, triage,
// write, maintain, admin); "none" removes the grant.
func (s *Server) SetCollaborator(repoName, login, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		return
	}
	if _, known := roleRank[role]; !known {
		s.fail("set collaborator: role %q is not one of none, read, triage, write, maintain, admin", role)
		return
	}
	s.st.userFor(login)
	if role == "none" {
		delete(rp.Collaborators, strings.ToLower(login))
		return
	}
	rp.Collaborators[strings.ToLower(login)] = role
}

// ChangeCollaborator is SetCollaborator as a repository administrator
// does it on GitHub, returning the member event GitHub sends: "added" for
// a new collaborator, "removed" for role "none", "edited" otherwise.
func (s *Server) ChangeCollaborator(repoName, login, role string) Event {
	s.mu.Lock()
	rp, ok := s.repoFor(repoName)
	if !ok {
		s.mu.Unlock()
		return Event{}
	}
	_, had := rp.Collaborators[strings.ToLower(login)]
	s.mu.Unlock()
	s.SetCollaborator(repoName, login, role)
	action := "edited"
	switch {
	case role == "none":
		action = "removed"
	case !had:
		action = "added"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.memberEvent(rp, s.st.userFor(login), action, rp.Owner)
}
