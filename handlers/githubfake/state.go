package githubfake

import (
	"crypto/rsa"
	"strings"
	"time"
)

// state is everything the fake knows. It is only touched with Server.mu
// held; helpers hand out copies (the exported snapshot types) so tests never
// share memory with the request handlers.
type state struct {
	nextID        int64
	apps          map[int64]*app
	installations map[int64]*installation
	tokens        map[string]*token
	users         map[string]*user // by lower-case login
	orgs          map[string]*org  // by lower-case login
	repos         map[string]*repo // by lower-case "owner/name"
	checkRuns     map[int64]*checkRun
	checkSuites   map[int64]*checkSuite
	rateLimits    map[string]*rateLimit // by caller key
	manifestCodes map[string]*pendingApp
	// oauthCodes and userTokens are the OAuth web flow's (routes_oauth.go).
	oauthCodes map[string]*oauthCode
	userTokens map[string]*userToken
	// oauthUser is who is signed in to the fake's web pages: the user an
	// authorization completes as (SetOAuthUser).
	oauthUser string
}

func newState() *state {
	return &state{
		nextID:        1000,
		apps:          map[int64]*app{},
		installations: map[int64]*installation{},
		tokens:        map[string]*token{},
		users:         map[string]*user{},
		orgs:          map[string]*org{},
		repos:         map[string]*repo{},
		checkRuns:     map[int64]*checkRun{},
		checkSuites:   map[int64]*checkSuite{},
		rateLimits:    map[string]*rateLimit{},
		manifestCodes: map[string]*pendingApp{},
		oauthCodes:    map[string]*oauthCode{},
		userTokens:    map[string]*userToken{},
	}
}

// id hands out unique, increasing ids; one sequence for every kind keeps
// them unique across kinds, which catches a test mixing a review id with a
// comment id.
func (st *state) id() int64 {
	st.nextID++
	return st.nextID
}

type user struct {
	ID    int64
	Login string
	// Type is "User", "Bot" or "Organization", as GitHub spells it.
	Type string
}

// userFor returns the user with the login, creating a plain user on first
// mention so tests need not declare every person up front.
func (st *state) userFor(login string) *user {
	key := strings.ToLower(login)
	if u, ok := st.users[key]; ok {
		return u
	}
	u := &user{ID: st.id(), Login: login, Type: "User"}
	if strings.HasSuffix(login, "[bot]") {
		u.Type = "Bot"
	}
	st.users[key] = u
	return u
}

type app struct {
	ID      int64
	Slug    string
	Name    string
	Key     *rsa.PrivateKey
	KeyPEM  []byte
	Owner   *user
	Bot     *user
	Created time.Time
	// Permissions and Events are what the app was registered with; its
	// installations have the same (the fake has no pending upgrade
	// an owner must accept).
	Permissions map[string]string
	Events      []string
	// Description and ExternalURL come from a manifest.
	Description, ExternalURL string
	// ClientID and ClientSecret are the app's OAuth client, for the web
	// flow that signs people in (routes_oauth.go).
	ClientID, ClientSecret string
}

type installation struct {
	ID      int64
	App     *app
	Account *user
	// Repos are lower-case full names the installation may access.
	Repos     []string
	Selection string
	Created   time.Time
}

func (in *installation) hasRepo(fullName string) bool {
	key := strings.ToLower(fullName)
	if in.Selection == "all" {
		owner, _, _ := strings.Cut(key, "/")
		return owner == strings.ToLower(in.Account.Login)
	}
	for _, r := range in.Repos {
		if r == key {
			return true
		}
	}
	return false
}

type token struct {
	Value        string
	Installation *installation
	ExpiresAt    time.Time
	Revoked      bool
}

type rateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

type org struct {
	User *user
	// Members maps lower-case login to role ("member" or "admin").
	Members map[string]orgMember
	Teams   map[string]*team // by slug
}

type orgMember struct {
	Login string
	Role  string
	State string
}

type team struct {
	ID          int64
	Org         *org
	Slug        string
	Name        string
	Description string
	Privacy     string
	// Members by lower-case login.
	Members map[string]*teamMember
	// Repos maps lower-case repo full name to permission
	// (pull, triage, push, maintain, admin).
	Repos map[string]string
}

type teamMember struct {
	User  *user
	Role  string // member or maintainer
	State string // active or pending
}

type repo struct {
	ID            int64
	Owner         *user
	Name          string
	Private       bool
	DefaultBranch string
	Created       time.Time
	Commits       map[string]*commit
	Branches      map[string]string // branch name → sha
	Issues        map[int]*issue    // issues and pull requests share numbers
	Pulls         map[int]*pull
	Comments      map[int64]*comment
	// Collaborators maps lower-case login to an explicit permission.
	Collaborators map[string]string
	// RequiredChecks maps a protected branch to the checks that must
	// pass before a pull request merges into it; Rulesets adds the checks
	// of rulesets by branch.
	RequiredChecks map[string][]RequiredCheck
	Rulesets       map[string][]branchRuleset
	// NoAdministration hides the classic branch protection from apps.
	NoAdministration bool
	nextNumber       int
}

func (r *repo) fullName() string { return r.Owner.Login + "/" + r.Name }

type commit struct {
	// Seq orders commits by creation, which a frozen test clock cannot.
	Seq     int64
	SHA     string
	Parents []string
	Tree    map[string]string
	Message string
	Author  *user
	Date    time.Time
}

type issue struct {
	ID          int64
	Number      int
	Title       string
	Body        string
	User        *user
	Labels      []string
	Assignees   []*user
	State       string // open or closed
	StateReason string
	Created     time.Time
	Updated     time.Time
	Closed      time.Time
	ClosedBy    *user
	// Pull is set when the issue is a pull request.
	Pull *pull
}

type pull struct {
	ID             int64
	Issue          *issue
	HeadRef        string
	HeadSHA        string
	BaseRef        string
	Draft          bool
	Merged         bool
	MergedAt       time.Time
	MergedBy       *user
	MergeCommitSHA string
	// Conflicting makes the pull request unmergeable, as a conflict would.
	Conflicting    bool
	Reviews        []*review
	RequestedUsers []*user
	RequestedTeams []*team
}

type review struct {
	ID          int64
	User        *user
	Body        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	CommitID    string
	SubmittedAt time.Time
}

type comment struct {
	ID        int64
	Issue     *issue
	User      *user
	Body      string
	Created   time.Time
	Updated   time.Time
	Reactions []*reaction
}

type reaction struct {
	ID      int64
	User    *user
	Content string
	Created time.Time
}

type checkSuite struct {
	ID         int64
	Repo       *repo
	App        *app
	HeadSHA    string
	HeadBranch string
	Created    time.Time
}

type checkRun struct {
	ID          int64
	Repo        *repo
	Suite       *checkSuite
	App         *app
	Name        string
	HeadSHA     string
	Status      string
	Conclusion  string
	ExternalID  string
	DetailsURL  string
	StartedAt   time.Time
	CompletedAt time.Time
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
	Actions     []Action
}
