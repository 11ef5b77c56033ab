package githubfake

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

func (s *Server) routeChecks(mux *router) {
	mux.HandleFunc("POST /repos/{owner}/{repo}/check-runs", s.createCheckRun)
	mux.HandleFunc("GET /repos/{owner}/{repo}/check-runs/{id}", s.getCheckRun)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/check-runs/{id}", s.updateCheckRun)
	mux.HandleFunc("GET /repos/{owner}/{repo}/check-runs/{id}/annotations", s.listAnnotations)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.listCheckRunsForRef)
	mux.HandleFunc("GET /repos/{owner}/{repo}/check-suites/{id}", s.getCheckSuite)
}

// Annotation is one line-level finding on a check run, as the app sent it.
// Columns are 0 when not given.
type Annotation struct {
	Path        string
	StartLine   int
	EndLine     int
	StartColumn int
	EndColumn   int
	// Level is notice, warning or failure.
	Level      string
	Title      string
	Message    string
	RawDetails string
}

// Action is a button the app offered on a check run.
type Action struct {
	Label       string `json:"label"`
	Description string `json:"description"`
	Identifier  string `json:"identifier"`
}

type annotationRequest struct {
	Path            string `json:"path"`
	StartLine       *int   `json:"start_line"`
	EndLine         *int   `json:"end_line"`
	StartColumn     *int   `json:"start_column"`
	EndColumn       *int   `json:"end_column"`
	AnnotationLevel string `json:"annotation_level"`
	Message         string `json:"message"`
	Title           string `json:"title"`
	RawDetails      string `json:"raw_details"`
}

type outputRequest struct {
	Title       *string             `json:"title"`
	Summary     *string             `json:"summary"`
	Text        *string             `json:"text"`
	Annotations []annotationRequest `json:"annotations"`
}

type checkRunRequest struct {
	Name        *string        `json:"name"`
	HeadSHA     *string        `json:"head_sha"`
	DetailsURL  *string        `json:"details_url"`
	ExternalID  *string        `json:"external_id"`
	Status      *string        `json:"status"`
	Conclusion  *string        `json:"conclusion"`
	StartedAt   *time.Time     `json:"started_at"`
	CompletedAt *time.Time     `json:"completed_at"`
	Output      *outputRequest `json:"output"`
	Actions     *[]Action      `json:"actions"`
}

var (
	checkStatuses    = []string{"queued", "in_progress", "completed"}
	checkConclusions = []string{"action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"}
	annotationLevels = []string{"notice", "warning", "failure"}
)

// GitHub's documented limits on check run input.
const (
	maxOutputChars        = 65535
	maxAnnotationsPerCall = 50
	maxActions            = 3
)

// validate applies GitHub's rules for check run input, so an app that
// would be rejected by GitHub is rejected here too.
func (req *checkRunRequest) validate(creating bool) *fieldError {
	invalid := func(field, message string) *fieldError {
		return &fieldError{Resource: "CheckRun", Field: field, Code: "invalid", Message: message}
	}
	if creating && (req.Name == nil || *req.Name == "") {
		return &fieldError{Resource: "CheckRun", Field: "name", Code: "missing_field"}
	}
	if creating && (req.HeadSHA == nil || *req.HeadSHA == "") {
		return &fieldError{Resource: "CheckRun", Field: "head_sha", Code: "missing_field"}
	}
	if req.Status != nil && !slices.Contains(checkStatuses, *req.Status) {
		return invalid("status", "status is not included in the list")
	}
	if req.Conclusion != nil && !slices.Contains(checkConclusions, *req.Conclusion) {
		return invalid("conclusion", "conclusion is not included in the list")
	}
	if req.Conclusion == nil && ((req.Status != nil && *req.Status == "completed") || req.CompletedAt != nil) {
		return &fieldError{Resource: "CheckRun", Field: "conclusion", Code: "missing_field", Message: "conclusion must be provided when status is completed"}
	}
	if o := req.Output; o != nil {
		if o.Title == nil || o.Summary == nil {
			return &fieldError{Resource: "CheckRun", Field: "output", Code: "missing_field", Message: "output needs both title and summary"}
		}
		if len(*o.Summary) > maxOutputChars {
			return invalid("output.summary", fmt.Sprintf("summary is %d characters, the maximum is %d", len(*o.Summary), maxOutputChars))
		}
		if o.Text != nil && len(*o.Text) > maxOutputChars {
			return invalid("output.text", fmt.Sprintf("text is %d characters, the maximum is %d", len(*o.Text), maxOutputChars))
		}
		if len(o.Annotations) > maxAnnotationsPerCall {
			return invalid("output.annotations", fmt.Sprintf("%d annotations in one request, the maximum is %d", len(o.Annotations), maxAnnotationsPerCall))
		}
		for i, a := range o.Annotations {
			field := fmt.Sprintf("output.annotations[%d]", i)
			switch {
			case a.Path == "" || a.StartLine == nil || a.EndLine == nil || a.Message == "" || a.AnnotationLevel == "":
				return &fieldError{Resource: "CheckRun", Field: field, Code: "missing_field", Message: "path, start_line, end_line, annotation_level and message are required"}
			case !slices.Contains(annotationLevels, a.AnnotationLevel):
				return invalid(field+".annotation_level", "annotation_level must be notice, warning or failure")
			case *a.StartLine < 1 || *a.EndLine < *a.StartLine:
				return invalid(field+".start_line", "lines must be positive and end_line at least start_line")
			case (a.StartColumn != nil || a.EndColumn != nil) && *a.StartLine != *a.EndLine:
				return invalid(field+".start_column", "start_column and end_column may only be given when start_line equals end_line")
			}
		}
	}
	if req.Actions != nil {
		if len(*req.Actions) > maxActions {
			return invalid("actions", fmt.Sprintf("%d actions, the maximum is %d", len(*req.Actions), maxActions))
		}
		for i, a := range *req.Actions {
			if a.Label == "" || len(a.Label) > 20 || a.Description == "" || len(a.Description) > 40 || a.Identifier == "" || len(a.Identifier) > 20 {
				return invalid(fmt.Sprintf("actions[%d]", i), "label (max 20), description (max 40) and identifier (max 20) are required")
			}
		}
	}
	return nil
}

// apply writes the request into the run; annotations accumulate across
// updates as GitHub's do.
func (req *checkRunRequest) apply(cr *checkRun, now time.Time) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&cr.DetailsURL, req.DetailsURL)
	set(&cr.ExternalID, req.ExternalID)
	set(&cr.Status, req.Status)
	if req.Conclusion != nil {
		cr.Conclusion = *req.Conclusion
		cr.Status = "completed"
	}
	if req.StartedAt != nil {
		cr.StartedAt = req.StartedAt.UTC().Truncate(time.Second)
	}
	if cr.Status == "completed" {
		cr.CompletedAt = now
		if req.CompletedAt != nil {
			cr.CompletedAt = req.CompletedAt.UTC().Truncate(time.Second)
		}
	} else {
		cr.Conclusion, cr.CompletedAt = "", time.Time{}
	}
	if o := req.Output; o != nil {
		set(&cr.Title, o.Title)
		set(&cr.Summary, o.Summary)
		set(&cr.Text, o.Text)
		for _, a := range o.Annotations {
			ann := Annotation{
				Path: a.Path, StartLine: *a.StartLine, EndLine: *a.EndLine, Level: a.AnnotationLevel,
				Title: a.Title, Message: a.Message, RawDetails: a.RawDetails,
			}
			if a.StartColumn != nil {
				ann.StartColumn = *a.StartColumn
			}
			if a.EndColumn != nil {
				ann.EndColumn = *a.EndColumn
			}
			cr.Annotations = append(cr.Annotations, ann)
		}
	}
	if req.Actions != nil {
		cr.Actions = slices.Clone(*req.Actions)
	}
}

func (s *Server) createCheckRun(w http.ResponseWriter, r *http.Request) {
	var req checkRunRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	if ferr := req.validate(true); ferr != nil {
		writeValidation(w, "Invalid request.", *ferr)
		return
	}
	head, ok := rp.Commits[*req.HeadSHA]
	if !ok {
		writeValidation(w, "No commit found for SHA: "+*req.HeadSHA)
		return
	}
	a := callerOf(r).App
	now := s.now()
	cr := &checkRun{
		ID: s.st.id(), Repo: rp, App: a, Name: *req.Name, HeadSHA: head.SHA,
		Status: "queued", StartedAt: now, Suite: s.st.suiteFor(rp, a, head.SHA, now),
	}
	req.apply(cr, now)
	s.st.checkRuns[cr.ID] = cr
	writeJSON(w, http.StatusCreated, s.renderCheckRun(cr))
}

// suiteFor returns the app's check suite for the commit, creating it the
// first time, as GitHub does when an app first reports on a commit.
func (st *state) suiteFor(rp *repo, a *app, sha string, now time.Time) *checkSuite {
	for _, cs := range st.checkSuites {
		if cs.Repo == rp && cs.App == a && cs.HeadSHA == sha {
			return cs
		}
	}
	cs := &checkSuite{ID: st.id(), Repo: rp, App: a, HeadSHA: sha, Created: now}
	for _, name := range sortedBranches(rp) {
		if rp.Branches[name] == sha {
			cs.HeadBranch = name
			break
		}
	}
	st.checkSuites[cs.ID] = cs
	return cs
}

func (st *state) runsInSuite(cs *checkSuite) []*checkRun {
	var out []*checkRun
	for _, cr := range st.checkRuns {
		if cr.Suite == cs {
			out = append(out, cr)
		}
	}
	slices.SortFunc(out, func(a, b *checkRun) int { return int(a.ID - b.ID) })
	return out
}

func sortedBranches(rp *repo) []string {
	names := make([]string, 0, len(rp.Branches))
	for n := range rp.Branches {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// checkRunFrom finds a run by path id in the path's repository.
func (s *Server) checkRunFrom(w http.ResponseWriter, r *http.Request) (*checkRun, bool) {
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return nil, false
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	cr, ok := s.st.checkRuns[id]
	if !ok || cr.Repo != rp {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, false
	}
	return cr, true
}

func (s *Server) getCheckRun(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cr, ok := s.checkRunFrom(w, r); ok {
		writeJSON(w, http.StatusOK, s.renderCheckRun(cr))
	}
}

func (s *Server) updateCheckRun(w http.ResponseWriter, r *http.Request) {
	var req checkRunRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, ok := s.checkRunFrom(w, r)
	if !ok {
		return
	}
	if cr.App != callerOf(r).App {
		writeError(w, http.StatusForbidden, "Invalid app_id `"+strconv.FormatInt(callerOf(r).App.ID, 10)+"` - check run can only be modified by its creator.")
		return
	}
	if ferr := req.validate(false); ferr != nil {
		writeValidation(w, "Invalid request.", *ferr)
		return
	}
	if req.Name != nil {
		cr.Name = *req.Name
	}
	req.apply(cr, s.now())
	writeJSON(w, http.StatusOK, s.renderCheckRun(cr))
}

func (s *Server) listAnnotations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, ok := s.checkRunFrom(w, r)
	if !ok {
		return
	}
	out := []wAnnotation{}
	for _, a := range cr.Annotations {
		wa := wAnnotation{
			Path: a.Path, BlobHRef: s.apiURL("/%s/blob/%s/%s", cr.Repo.fullName(), cr.HeadSHA, a.Path),
			StartLine: a.StartLine, EndLine: a.EndLine, AnnotationLevel: a.Level,
			Title: strOrNil(a.Title), Message: a.Message, RawDetails: strOrNil(a.RawDetails),
		}
		if a.StartColumn > 0 {
			wa.StartColumn = &a.StartColumn
		}
		if a.EndColumn > 0 {
			wa.EndColumn = &a.EndColumn
		}
		out = append(out, wa)
	}
	writeJSON(w, http.StatusOK, paginate(s, w, r, out))
}

type wCheckRunList struct {
	TotalCount int         `json:"total_count"`
	CheckRuns  []wCheckRun `json:"check_runs"`
}

// runsForSHA lists the commit's check runs, newest first, optionally only
// the latest per name.
func (st *state) runsForSHA(rp *repo, sha string, latestOnly bool) []*checkRun {
	var runs []*checkRun
	for _, cr := range st.checkRuns {
		if cr.Repo == rp && cr.HeadSHA == sha {
			runs = append(runs, cr)
		}
	}
	slices.SortFunc(runs, func(a, b *checkRun) int { return int(b.ID - a.ID) })
	if !latestOnly {
		return runs
	}
	seen := map[string]bool{}
	var latest []*checkRun
	for _, cr := range runs {
		if !seen[cr.Name] {
			seen[cr.Name] = true
			latest = append(latest, cr)
		}
	}
	return latest
}

func (s *Server) listCheckRunsForRef(w http.ResponseWriter, r *http.Request) {
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
	q := r.URL.Query()
	var matched []*checkRun
	for _, cr := range s.st.runsForSHA(rp, c.SHA, q.Get("filter") != "all") {
		if name := q.Get("check_name"); name != "" && cr.Name != name {
			continue
		}
		if status := q.Get("status"); status != "" && cr.Status != status {
			continue
		}
		if appID := q.Get("app_id"); appID != "" && appID != strconv.FormatInt(cr.App.ID, 10) {
			continue
		}
		matched = append(matched, cr)
	}
	out := wCheckRunList{TotalCount: len(matched), CheckRuns: []wCheckRun{}}
	for _, cr := range paginate(s, w, r, matched) {
		out.CheckRuns = append(out.CheckRuns, s.renderCheckRun(cr))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCheckSuite(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp, ok := s.repoFrom(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	cs, ok := s.st.checkSuites[id]
	if !ok || cs.Repo != rp {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, s.renderCheckSuite(cs))
}
