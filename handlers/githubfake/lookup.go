package githubfake

import (
	"net/http"
	"strconv"
	"strings"
)

// Lookups used by handlers; each writes GitHub's 404 when the thing is
// missing. Callers hold s.mu.

func (st *state) repo(fullName string) (*repo, bool) {
	r, ok := st.repos[strings.ToLower(fullName)]
	return r, ok
}

func (s *Server) repoFrom(w http.ResponseWriter, r *http.Request) (*repo, bool) {
	rp, ok := s.st.repo(r.PathValue("owner") + "/" + r.PathValue("repo"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
	}
	return rp, ok
}

// issueFrom finds the issue (or pull request) numbered by the path.
func (s *Server) issueFrom(w http.ResponseWriter, r *http.Request) (*repo, *issue, bool) {
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return nil, nil, false
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	is, found := rp.Issues[n]
	if err != nil || !found {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, nil, false
	}
	return rp, is, true
}

func (s *Server) pullFrom(w http.ResponseWriter, r *http.Request) (*repo, *pull, bool) {
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return nil, nil, false
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	p, found := rp.Pulls[n]
	if err != nil || !found {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, nil, false
	}
	return rp, p, true
}

func (st *state) team(orgLogin, slug string) (*team, bool) {
	o, ok := st.orgs[strings.ToLower(orgLogin)]
	if !ok {
		return nil, false
	}
	t, ok := o.Teams[strings.ToLower(slug)]
	return t, ok
}

// roleRank orders repository roles from none to admin.
var roleRank = map[string]int{"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}

// teamRole maps a team's repository permission to the role it grants.
var teamRole = map[string]string{"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}

// permission is the user's effective role in the repository: the highest
// of ownership, org admin, an explicit collaborator grant and the grants of
// teams the user is an active member of.
func (st *state) permission(r *repo, login string) string {
	key := strings.ToLower(login)
	if strings.EqualFold(r.Owner.Login, login) {
		return "admin"
	}
	best := "none"
	raise := func(role string) {
		if roleRank[role] > roleRank[best] {
			best = role
		}
	}
	if role, ok := r.Collaborators[key]; ok {
		raise(role)
	}
	if o, ok := st.orgs[strings.ToLower(r.Owner.Login)]; ok {
		if m, ok := o.Members[key]; ok && m.Role == "admin" && m.State == "active" {
			raise("admin")
		}
		for _, t := range o.Teams {
			m, member := t.Members[key]
			perm, granted := t.Repos[strings.ToLower(r.fullName())]
			if member && granted && m.State == "active" {
				raise(teamRole[perm])
			}
		}
	}
	return best
}

// legacyPermission is the "permission" field of the collaborator
// permission endpoint, which only knows admin, write, read and none.
func legacyPermission(role string) string {
	switch role {
	case "maintain":
		return "write"
	case "triage":
		return "read"
	}
	return role
}
