package githubfake

import (
	"encoding/base64"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
)

func (s *Server) routeRepos(mux *router) {
	mux.HandleFunc("GET /repos/{owner}/{repo}", s.getRepo)
	mux.HandleFunc("GET /repos/{owner}/{repo}/contents", s.getContents)
	mux.HandleFunc("GET /repos/{owner}/{repo}/contents/{path...}", s.getContents)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}", s.getCommit)
	mux.HandleFunc("GET /repos/{owner}/{repo}/compare/{basehead...}", s.compare)
	mux.HandleFunc("GET /repos/{owner}/{repo}/branches/{branch...}", s.getBranch)
	mux.HandleFunc("GET /repos/{owner}/{repo}/rules/branches/{branch...}", s.getRulesForBranch)
	mux.HandleFunc("GET /repos/{owner}/{repo}/collaborators/{user}/permission", s.getPermission)
}

func (s *Server) getRepo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp, ok := s.repoFrom(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderRepo(rp))
	}
}

type wContentLinks struct {
	Self string `json:"self"`
	Git  string `json:"git"`
	HTML string `json:"html"`
}

type wContent struct {
	Type        string        `json:"type"`
	Encoding    string        `json:"encoding,omitempty"`
	Size        int           `json:"size"`
	Name        string        `json:"name"`
	Path        string        `json:"path"`
	Content     *string       `json:"content,omitempty"`
	SHA         string        `json:"sha"`
	URL         string        `json:"url"`
	GitURL      string        `json:"git_url"`
	HTMLURL     string        `json:"html_url"`
	DownloadURL *string       `json:"download_url"`
	Links       wContentLinks `json:"_links"`
}

// base64Lines encodes like GitHub: standard base64 wrapped at 60 columns.
func base64Lines(text string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	var b strings.Builder
	for len(enc) > 60 {
		b.WriteString(enc[:60])
		b.WriteByte('\n')
		enc = enc[60:]
	}
	b.WriteString(enc)
	b.WriteByte('\n')
	return b.String()
}

func (s *Server) contentEntry(rp *repo, ref, p, kind, text string) wContent {
	sha := blobSHA(text)
	if kind == "dir" {
		sha = commitSHA(nil, map[string]string{p: ""}, "dir", 0)
	}
	self := s.apiURL("/repos/%s/contents/%s?ref=%s", rp.fullName(), p, ref)
	html := s.apiURL("/%s/%s/%s/%s", rp.fullName(), map[string]string{"file": "blob", "dir": "tree"}[kind], ref, p)
	git := s.apiURL("/repos/%s/git/%s/%s", rp.fullName(), map[string]string{"file": "blobs", "dir": "trees"}[kind], sha)
	c := wContent{
		Type: kind, Name: path.Base(p), Path: p, SHA: sha, URL: self, GitURL: git, HTMLURL: html,
		Links: wContentLinks{Self: self, Git: git, HTML: html},
	}
	if kind == "file" {
		c.Size = len(text)
		download := s.apiURL("/%s/raw/%s/%s", rp.fullName(), ref, p)
		c.DownloadURL = &download
	}
	return c
}

// getContents returns a file (base64) or a directory listing at a ref,
// defaulting to the default branch.
func (s *Server) getContents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	ref := r.URL.Query().Get("ref")
	c, ok := rp.resolve(ref)
	if !ok {
		writeError(w, http.StatusNotFound, "No commit found for the ref "+ref)
		return
	}
	if ref == "" {
		ref = rp.DefaultBranch
	}
	p := strings.Trim(r.PathValue("path"), "/")
	if text, ok := c.Tree[p]; ok && p != "" {
		entry := s.contentEntry(rp, ref, p, "file", text)
		encoded := base64Lines(text)
		entry.Encoding, entry.Content = "base64", &encoded
		writeJSON(w, http.StatusOK, entry)
		return
	}
	// A directory is any prefix of a file path.
	prefix := p + "/"
	if p == "" {
		prefix = ""
	}
	children := map[string]string{} // name → kind
	for _, file := range slices.Sorted(maps.Keys(c.Tree)) {
		rest, ok := strings.CutPrefix(file, prefix)
		if !ok {
			continue
		}
		if name, _, nested := strings.Cut(rest, "/"); nested {
			children[name] = "dir"
		} else {
			children[name] = "file"
		}
	}
	if len(children) == 0 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	listing := []wContent{}
	for _, name := range slices.Sorted(maps.Keys(children)) {
		listing = append(listing, s.contentEntry(rp, ref, prefix+name, children[name], c.Tree[prefix+name]))
	}
	writeJSON(w, http.StatusOK, listing)
}

func (s *Server) getCommit(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	c, ok := rp.resolve(r.PathValue("ref"))
	if !ok {
		writeValidation(w, "No commit found for SHA: "+r.PathValue("ref"))
		return
	}
	parentTree := map[string]string{}
	if len(c.Parents) > 0 {
		parentTree = rp.Commits[c.Parents[0]].Tree
	}
	writeJSON(w, http.StatusOK, s.renderCommit(rp, c, diffTrees(parentTree, c.Tree)))
}

type wCompare struct {
	URL             string    `json:"url"`
	HTMLURL         string    `json:"html_url"`
	PermalinkURL    string    `json:"permalink_url"`
	DiffURL         string    `json:"diff_url"`
	PatchURL        string    `json:"patch_url"`
	BaseCommit      wCommit   `json:"base_commit"`
	MergeBaseCommit wCommit   `json:"merge_base_commit"`
	Status          string    `json:"status"`
	AheadBy         int       `json:"ahead_by"`
	BehindBy        int       `json:"behind_by"`
	TotalCommits    int       `json:"total_commits"`
	Commits         []wCommit `json:"commits"`
	Files           []wFile   `json:"files"`
}

// compare diffs head against the merge base of base and head, as
// GitHub's three-dot compare does.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	baseRef, headRef, ok := strings.Cut(r.PathValue("basehead"), "...")
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	base, okBase := rp.resolve(baseRef)
	head, okHead := rp.resolve(headRef)
	if !okBase || !okHead {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	mbSHA, ok := rp.mergeBase(base.SHA, head.SHA)
	if !ok {
		writeError(w, http.StatusNotFound, "No common ancestor between "+baseRef+" and "+headRef+".")
		return
	}
	ahead := rp.commitsBetween(base.SHA, head.SHA)
	behind := rp.commitsBetween(head.SHA, base.SHA)
	status := "identical"
	switch {
	case len(ahead) > 0 && len(behind) > 0:
		status = "diverged"
	case len(ahead) > 0:
		status = "ahead"
	case len(behind) > 0:
		status = "behind"
	}
	out := wCompare{
		URL:             s.apiURL("/repos/%s/compare/%s...%s", rp.fullName(), baseRef, headRef),
		HTMLURL:         s.apiURL("/%s/compare/%s...%s", rp.fullName(), baseRef, headRef),
		PermalinkURL:    s.apiURL("/%s/compare/%s...%s", rp.fullName(), base.SHA, head.SHA),
		DiffURL:         s.apiURL("/%s/compare/%s...%s.diff", rp.fullName(), baseRef, headRef),
		PatchURL:        s.apiURL("/%s/compare/%s...%s.patch", rp.fullName(), baseRef, headRef),
		BaseCommit:      s.renderCommit(rp, base, nil),
		MergeBaseCommit: s.renderCommit(rp, rp.Commits[mbSHA], nil),
		Status:          status, AheadBy: len(ahead), BehindBy: len(behind), TotalCommits: len(ahead),
		Commits: []wCommit{},
		Files:   s.renderFiles(rp, head.SHA, diffTrees(rp.Commits[mbSHA].Tree, head.Tree)),
	}
	for _, c := range ahead {
		out.Commits = append(out.Commits, s.renderCommit(rp, c, nil))
	}
	writeJSON(w, http.StatusOK, out)
}

type wBranch struct {
	Name      string  `json:"name"`
	Commit    wCommit `json:"commit"`
	Protected bool    `json:"protected"`
}

func (s *Server) getBranch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	if branch, ok := protectionPath(r.PathValue("branch")); ok {
		s.getRequiredStatusChecks(w, rp, branch)
		return
	}
	sha, ok := rp.Branches[r.PathValue("branch")]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch not found")
		return
	}
	writeJSON(w, http.StatusOK, wBranch{Name: r.PathValue("branch"), Commit: s.renderCommit(rp, rp.Commits[sha], nil)})
}

type wPermission struct {
	Permission string `json:"permission"`
	RoleName   string `json:"role_name"`
	User       wUser  `json:"user"`
}

func (s *Server) getPermission(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	u, known := s.st.users[strings.ToLower(r.PathValue("user"))]
	if !known {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	role := s.st.permission(rp, u.Login)
	writeJSON(w, http.StatusOK, wPermission{Permission: legacyPermission(role), RoleName: role, User: s.renderUser(u)})
}
