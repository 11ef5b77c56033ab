package githubfake

import (
	"encoding/base64"
	"fmt"
	"time"
)

// The w* types are GitHub's JSON shapes (REST description and webhook
// payloads), trimmed to the fields a client may reasonably read. They are
// independent of go-github on purpose: the tests decode them through
// go-github, which checks the shapes instead of assuming them.

// ghTime renders as GitHub does: UTC, whole seconds, "Z".
type ghTime time.Time

func (t ghTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

// timeOrNil is null for the zero time, as GitHub's closed_at and friends.
func timeOrNil(t time.Time) *ghTime {
	if t.IsZero() {
		return nil
	}
	g := ghTime(t)
	return &g
}

func nodeID(kind string, id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d", kind, id)))
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type wUser struct {
	Login      string `json:"login"`
	ID         int64  `json:"id"`
	NodeID     string `json:"node_id"`
	AvatarURL  string `json:"avatar_url"`
	GravatarID string `json:"gravatar_id"`
	URL        string `json:"url"`
	HTMLURL    string `json:"html_url"`
	Type       string `json:"type"`
	SiteAdmin  bool   `json:"site_admin"`
}

type wRepo struct {
	ID                       int64             `json:"id"`
	NodeID                   string            `json:"node_id"`
	Name                     string            `json:"name"`
	FullName                 string            `json:"full_name"`
	Private                  bool              `json:"private"`
	Owner                    wUser             `json:"owner"`
	HTMLURL                  string            `json:"html_url"`
	Description              *string           `json:"description"`
	Fork                     bool              `json:"fork"`
	URL                      string            `json:"url"`
	DefaultBranch            string            `json:"default_branch"`
	Visibility               string            `json:"visibility"`
	Archived                 bool              `json:"archived"`
	Disabled                 bool              `json:"disabled"`
	CreatedAt                ghTime            `json:"created_at"`
	UpdatedAt                ghTime            `json:"updated_at"`
	PushedAt                 ghTime            `json:"pushed_at"`
	Homepage                 *string           `json:"homepage"`
	Size                     int               `json:"size"`
	Language                 *string           `json:"language"`
	License                  any               `json:"license"`
	Topics                   []string          `json:"topics"`
	IsTemplate               bool              `json:"is_template"`
	HasIssues                bool              `json:"has_issues"`
	HasProjects              bool              `json:"has_projects"`
	HasWiki                  bool              `json:"has_wiki"`
	HasPages                 bool              `json:"has_pages"`
	HasDownloads             bool              `json:"has_downloads"`
	Forks                    int               `json:"forks"`
	ForksCount               int               `json:"forks_count"`
	OpenIssues               int               `json:"open_issues"`
	OpenIssuesCount          int               `json:"open_issues_count"`
	Stargazers               int               `json:"stargazers_count"`
	Watchers                 int               `json:"watchers"`
	WatchersCount            int               `json:"watchers_count"`
	WebCommitSignoffRequired bool              `json:"web_commit_signoff_required"`
	CustomProperties         map[string]string `json:"custom_properties"`
}

// wRepoShort is the repository as installation payloads list it.
type wRepoShort struct {
	ID       int64  `json:"id"`
	NodeID   string `json:"node_id"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Private  bool   `json:"private"`
}

type wInstallationRef struct {
	ID     int64  `json:"id"`
	NodeID string `json:"node_id"`
}

type wInstallation struct {
	ID                  int64             `json:"id"`
	Account             wUser             `json:"account"`
	RepositorySelection string            `json:"repository_selection"`
	AccessTokensURL     string            `json:"access_tokens_url"`
	RepositoriesURL     string            `json:"repositories_url"`
	HTMLURL             string            `json:"html_url"`
	AppID               int64             `json:"app_id"`
	AppSlug             string            `json:"app_slug"`
	TargetID            int64             `json:"target_id"`
	TargetType          string            `json:"target_type"`
	Permissions         map[string]string `json:"permissions"`
	Events              []string          `json:"events"`
	CreatedAt           ghTime            `json:"created_at"`
	UpdatedAt           ghTime            `json:"updated_at"`
	SingleFileName      *string           `json:"single_file_name"`
	SuspendedAt         *ghTime           `json:"suspended_at"`
	SuspendedBy         *wUser            `json:"suspended_by"`
}

type wApp struct {
	ID          int64             `json:"id"`
	Slug        string            `json:"slug"`
	NodeID      string            `json:"node_id"`
	Owner       wUser             `json:"owner"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	ExternalURL string            `json:"external_url"`
	HTMLURL     string            `json:"html_url"`
	CreatedAt   ghTime            `json:"created_at"`
	UpdatedAt   ghTime            `json:"updated_at"`
	Permissions map[string]string `json:"permissions"`
	Events      []string          `json:"events"`
}

type wLabel struct {
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
	Description *string `json:"description"`
}

type wTeam struct {
	ID                  int64   `json:"id"`
	NodeID              string  `json:"node_id"`
	URL                 string  `json:"url"`
	HTMLURL             string  `json:"html_url"`
	Name                string  `json:"name"`
	Slug                string  `json:"slug"`
	Description         *string `json:"description"`
	Privacy             string  `json:"privacy"`
	NotificationSetting string  `json:"notification_setting"`
	Permission          string  `json:"permission"`
	MembersURL          string  `json:"members_url"`
	RepositoriesURL     string  `json:"repositories_url"`
	Parent              *wTeam  `json:"parent"`
}

type wBranchRef struct {
	Label string `json:"label"`
	Ref   string `json:"ref"`
	SHA   string `json:"sha"`
	User  wUser  `json:"user"`
	Repo  wRepo  `json:"repo"`
}

type wPull struct {
	URL                 string     `json:"url"`
	ID                  int64      `json:"id"`
	NodeID              string     `json:"node_id"`
	HTMLURL             string     `json:"html_url"`
	DiffURL             string     `json:"diff_url"`
	PatchURL            string     `json:"patch_url"`
	IssueURL            string     `json:"issue_url"`
	Number              int        `json:"number"`
	State               string     `json:"state"`
	Locked              bool       `json:"locked"`
	ActiveLockReason    *string    `json:"active_lock_reason"`
	Title               string     `json:"title"`
	User                wUser      `json:"user"`
	Body                *string    `json:"body"`
	CreatedAt           ghTime     `json:"created_at"`
	UpdatedAt           ghTime     `json:"updated_at"`
	ClosedAt            *ghTime    `json:"closed_at"`
	MergedAt            *ghTime    `json:"merged_at"`
	MergeCommitSHA      *string    `json:"merge_commit_sha"`
	Assignee            *wUser     `json:"assignee"`
	Assignees           []wUser    `json:"assignees"`
	RequestedReviewers  []wUser    `json:"requested_reviewers"`
	RequestedTeams      []wTeam    `json:"requested_teams"`
	Labels              []wLabel   `json:"labels"`
	Milestone           any        `json:"milestone"`
	Draft               bool       `json:"draft"`
	CommitsURL          string     `json:"commits_url"`
	ReviewCommentsURL   string     `json:"review_comments_url"`
	CommentsURL         string     `json:"comments_url"`
	StatusesURL         string     `json:"statuses_url"`
	Head                wBranchRef `json:"head"`
	Base                wBranchRef `json:"base"`
	AuthorAssociation   string     `json:"author_association"`
	AutoMerge           any        `json:"auto_merge"`
	Merged              bool       `json:"merged"`
	Mergeable           *bool      `json:"mergeable"`
	Rebaseable          *bool      `json:"rebaseable"`
	MergeableState      string     `json:"mergeable_state"`
	MergedBy            *wUser     `json:"merged_by"`
	Comments            int        `json:"comments"`
	ReviewComments      int        `json:"review_comments"`
	MaintainerCanModify bool       `json:"maintainer_can_modify"`
	Commits             int        `json:"commits"`
	Additions           int        `json:"additions"`
	Deletions           int        `json:"deletions"`
	ChangedFiles        int        `json:"changed_files"`
}

type wReview struct {
	ID                int64   `json:"id"`
	NodeID            string  `json:"node_id"`
	User              wUser   `json:"user"`
	Body              *string `json:"body"`
	State             string  `json:"state"`
	HTMLURL           string  `json:"html_url"`
	PullRequestURL    string  `json:"pull_request_url"`
	SubmittedAt       ghTime  `json:"submitted_at"`
	CommitID          string  `json:"commit_id"`
	AuthorAssociation string  `json:"author_association"`
}

type wIssuePullRef struct {
	URL      string  `json:"url"`
	HTMLURL  string  `json:"html_url"`
	DiffURL  string  `json:"diff_url"`
	PatchURL string  `json:"patch_url"`
	MergedAt *ghTime `json:"merged_at"`
}

type wIssue struct {
	URL               string         `json:"url"`
	RepositoryURL     string         `json:"repository_url"`
	CommentsURL       string         `json:"comments_url"`
	HTMLURL           string         `json:"html_url"`
	ID                int64          `json:"id"`
	NodeID            string         `json:"node_id"`
	Number            int            `json:"number"`
	Title             string         `json:"title"`
	User              wUser          `json:"user"`
	Labels            []wLabel       `json:"labels"`
	State             string         `json:"state"`
	StateReason       *string        `json:"state_reason"`
	Locked            bool           `json:"locked"`
	ActiveLockReason  *string        `json:"active_lock_reason"`
	Assignee          *wUser         `json:"assignee"`
	Assignees         []wUser        `json:"assignees"`
	Milestone         any            `json:"milestone"`
	Comments          int            `json:"comments"`
	CreatedAt         ghTime         `json:"created_at"`
	UpdatedAt         ghTime         `json:"updated_at"`
	ClosedAt          *ghTime        `json:"closed_at"`
	ClosedBy          *wUser         `json:"closed_by,omitempty"`
	AuthorAssociation string         `json:"author_association"`
	Body              *string        `json:"body"`
	PullRequest       *wIssuePullRef `json:"pull_request,omitempty"`
	// Draft is only present on pull requests.
	Draft                 *bool           `json:"draft,omitempty"`
	Reactions             wReactionRollup `json:"reactions"`
	PerformedViaGitHubApp *wApp           `json:"performed_via_github_app"`
}

type wReactionRollup struct {
	URL        string `json:"url"`
	TotalCount int    `json:"total_count"`
	PlusOne    int    `json:"+1"`
	MinusOne   int    `json:"-1"`
	Laugh      int    `json:"laugh"`
	Hooray     int    `json:"hooray"`
	Confused   int    `json:"confused"`
	Heart      int    `json:"heart"`
	Rocket     int    `json:"rocket"`
	Eyes       int    `json:"eyes"`
}

type wComment struct {
	URL               string          `json:"url"`
	HTMLURL           string          `json:"html_url"`
	IssueURL          string          `json:"issue_url"`
	ID                int64           `json:"id"`
	NodeID            string          `json:"node_id"`
	User              wUser           `json:"user"`
	CreatedAt         ghTime          `json:"created_at"`
	UpdatedAt         ghTime          `json:"updated_at"`
	AuthorAssociation string          `json:"author_association"`
	Body              string          `json:"body"`
	Reactions         wReactionRollup `json:"reactions"`
	// PerformedViaGitHubApp is set for comments an app made.
	PerformedViaGitHubApp *wApp `json:"performed_via_github_app"`
}

type wReaction struct {
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	User      wUser  `json:"user"`
	Content   string `json:"content"`
	CreatedAt ghTime `json:"created_at"`
}

type wCheckOutput struct {
	Title            *string `json:"title"`
	Summary          *string `json:"summary"`
	Text             *string `json:"text"`
	AnnotationsCount int     `json:"annotations_count"`
	AnnotationsURL   string  `json:"annotations_url"`
}

type wCheckSuiteRef struct {
	ID int64 `json:"id"`
}

type wCheckPullRef struct {
	URL    string          `json:"url"`
	ID     int64           `json:"id"`
	Number int             `json:"number"`
	Head   wCheckPullPoint `json:"head"`
	Base   wCheckPullPoint `json:"base"`
}

type wCheckPullPoint struct {
	Ref  string         `json:"ref"`
	SHA  string         `json:"sha"`
	Repo wCheckPullRepo `json:"repo"`
}

type wCheckPullRepo struct {
	ID   int64  `json:"id"`
	URL  string `json:"url"`
	Name string `json:"name"`
}

type wCheckRun struct {
	ID          int64        `json:"id"`
	HeadSHA     string       `json:"head_sha"`
	NodeID      string       `json:"node_id"`
	ExternalID  string       `json:"external_id"`
	URL         string       `json:"url"`
	HTMLURL     string       `json:"html_url"`
	DetailsURL  string       `json:"details_url"`
	Status      string       `json:"status"`
	Conclusion  *string      `json:"conclusion"`
	StartedAt   *ghTime      `json:"started_at"`
	CompletedAt *ghTime      `json:"completed_at"`
	Output      wCheckOutput `json:"output"`
	Name        string       `json:"name"`
	// CheckSuite is {"id"} in REST answers and the whole suite in webhooks.
	CheckSuite   any             `json:"check_suite"`
	App          wApp            `json:"app"`
	PullRequests []wCheckPullRef `json:"pull_requests"`
}

type wCheckSuite struct {
	ID                   int64           `json:"id"`
	NodeID               string          `json:"node_id"`
	HeadBranch           *string         `json:"head_branch"`
	HeadSHA              string          `json:"head_sha"`
	Status               string          `json:"status"`
	Conclusion           *string         `json:"conclusion"`
	URL                  string          `json:"url"`
	Before               *string         `json:"before"`
	After                *string         `json:"after"`
	PullRequests         []wCheckPullRef `json:"pull_requests"`
	App                  wApp            `json:"app"`
	CreatedAt            ghTime          `json:"created_at"`
	UpdatedAt            ghTime          `json:"updated_at"`
	CheckRunsURL         string          `json:"check_runs_url"`
	HeadCommit           wHeadCommit     `json:"head_commit"`
	LatestCheckRunsCount int             `json:"latest_check_runs_count"`
}

type wHeadCommit struct {
	ID        string     `json:"id"`
	TreeID    string     `json:"tree_id"`
	Message   string     `json:"message"`
	Timestamp ghTime     `json:"timestamp"`
	Author    wNameEmail `json:"author"`
	Committer wNameEmail `json:"committer"`
}

type wNameEmail struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type wAnnotation struct {
	Path            string  `json:"path"`
	BlobHRef        string  `json:"blob_href"`
	StartLine       int     `json:"start_line"`
	EndLine         int     `json:"end_line"`
	StartColumn     *int    `json:"start_column"`
	EndColumn       *int    `json:"end_column"`
	AnnotationLevel string  `json:"annotation_level"`
	Title           *string `json:"title"`
	Message         string  `json:"message"`
	RawDetails      *string `json:"raw_details"`
}

type wGitActor struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Date  ghTime `json:"date"`
}

type wShaURL struct {
	SHA     string `json:"sha"`
	URL     string `json:"url"`
	HTMLURL string `json:"html_url,omitempty"`
}

type wGitCommit struct {
	URL          string    `json:"url"`
	Author       wGitActor `json:"author"`
	Committer    wGitActor `json:"committer"`
	Message      string    `json:"message"`
	Tree         wShaURL   `json:"tree"`
	CommentCount int       `json:"comment_count"`
}

type wFile struct {
	SHA         string `json:"sha"`
	Filename    string `json:"filename"`
	Status      string `json:"status"`
	Previous    string `json:"previous_filename,omitempty"`
	Additions   int    `json:"additions"`
	Deletions   int    `json:"deletions"`
	Changes     int    `json:"changes"`
	BlobURL     string `json:"blob_url"`
	RawURL      string `json:"raw_url"`
	ContentsURL string `json:"contents_url"`
	Patch       string `json:"patch,omitempty"`
}

type wCommitStats struct {
	Total     int `json:"total"`
	Additions int `json:"additions"`
	Deletions int `json:"deletions"`
}

type wCommit struct {
	URL       string        `json:"url"`
	SHA       string        `json:"sha"`
	NodeID    string        `json:"node_id"`
	HTMLURL   string        `json:"html_url"`
	Commit    wGitCommit    `json:"commit"`
	Author    *wUser        `json:"author"`
	Committer *wUser        `json:"committer"`
	Parents   []wShaURL     `json:"parents"`
	Stats     *wCommitStats `json:"stats,omitempty"`
	Files     []wFile       `json:"files,omitempty"`
}
