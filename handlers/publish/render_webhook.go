package publish

import (
	"slices"
	"strings"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// WebhookEventName is the "event" of every published-notice payload.
const WebhookEventName = "commsgate.published"

// WebhookEvent is the JSON body a webhook target receives. It is a stable
// contract for receivers: fields may be added in a later version, none is
// renamed or removed, and Version changes only on an incompatible change.
//
//	{
//	  "event": "commsgate.published",
//	  "version": 1,
//	  "id": "cg-…",                 // the communication, stable across updates
//	  "title": "…",                 // the title as written
//	  "subject": "[Action Required] …", // the title every channel shows
//	  "summary": "…",
//	  "type": "deprecation",
//	  "priority": "action-required",
//	  "audience": ["end-users"],
//	  "sigs": ["sig-release"],
//	  "publish_at": "2026-12-01T16:00:00Z", // absent when not set
//	  "url": "https://…",           // the full notice, absent when unknown
//	  "fields": {"removal_at": "2027-03-01T16:00:00Z"}, // type-specific front matter
//	  "markdown": "…",              // the full notice without its title
//	  "update": {"date": "…", "changes": "…"},  // only for a correction
//	  "source": {"repo": "org/comms", "path": "comms/x.md", "merge_commit": "…"},
//	  "audit": {"pr": 42, "commit": "…", "tier": 2,
//	            "stages": [{"name": "sig", "label": "SIG leads (sig-release)", "approvers": ["alice"]}]}
//	}
//
// Receivers verify the Standard Webhooks headers with
// VerifyStandardWebhook and deduplicate on webhook-id. "markdown", "summary"
// and "update.changes" are the author's markdown as approved, not
// sanitised: a receiver that renders them to HTML must omit raw HTML and
// unsafe link schemes, as commsgate's own mail does.
type WebhookEvent struct {
	Event     string            `json:"event"`
	Version   int               `json:"version"`
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Subject   string            `json:"subject"`
	Summary   string            `json:"summary"`
	Type      string            `json:"type"`
	Priority  string            `json:"priority"`
	Audience  []string          `json:"audience"`
	SIGs      []string          `json:"sigs"`
	PublishAt *time.Time        `json:"publish_at,omitempty"`
	URL       string            `json:"url,omitempty"`
	Fields    map[string]string `json:"fields"`
	Markdown  string            `json:"markdown"`
	Update    *WebhookUpdate    `json:"update,omitempty"`
	Source    WebhookSource     `json:"source"`
	Audit     WebhookAudit      `json:"audit"`
}

// WebhookUpdate describes a dated correction.
type WebhookUpdate struct {
	Date    time.Time `json:"date"`
	Changes string    `json:"changes"`
}

// WebhookSource says which file and commit the notice was published from.
type WebhookSource struct {
	Repo        string `json:"repo"`
	Path        string `json:"path"`
	MergeCommit string `json:"merge_commit"`
}

// WebhookAudit is the approval record.
type WebhookAudit struct {
	PR     int            `json:"pr"`
	Commit string         `json:"commit"`
	Tier   int            `json:"tier"`
	Stages []WebhookStage `json:"stages"`
}

// WebhookStage is one approval stage; Label is StageLabel in words.
type WebhookStage struct {
	Name      string   `json:"name"`
	Label     string   `json:"label"`
	Approvers []string `json:"approvers"`
}

// NewWebhookEvent builds the event for a notice.
func NewWebhookEvent(n Notice) WebhookEvent {
	doc := document(n)
	ev := WebhookEvent{
		Event:    WebhookEventName,
		Version:  1,
		ID:       n.CommunicationID(),
		Title:    doc.Title,
		Subject:  ChannelTitle(n),
		Summary:  doc.Summary,
		Type:     doc.Type,
		Priority: doc.Priority,
		Audience: nonNil(doc.Audience),
		SIGs:     nonNil(doc.SIGs),
		URL:      n.URL,
		Fields:   typeFields(doc),
		Markdown: RenderMarkdown(n),
		Source:   WebhookSource{Repo: n.Repo, Path: n.Path, MergeCommit: n.MergeSHA},
		Audit:    WebhookAudit{PR: n.Audit.PR, Commit: n.Audit.Commit, Tier: n.Audit.Tier, Stages: []WebhookStage{}},
	}
	if !doc.PublishAt.IsZero() {
		t := doc.PublishAt.UTC()
		ev.PublishAt = &t
	}
	if n.Update != nil {
		ev.Update = &WebhookUpdate{Date: n.Update.Date.UTC(), Changes: n.Update.Changes}
	}
	for _, s := range n.Audit.Stages {
		ev.Audit.Stages = append(ev.Audit.Stages, WebhookStage{Name: s.Name, Label: StageLabel(s), Approvers: nonNil(s.Approvers)})
	}
	return ev
}

// RenderWebhook renders a notice as the JSON body of a WebhookEvent.
func RenderWebhook(n Notice) []byte {
	return marshalJSON(NewWebhookEvent(n))
}

// typeFields are the front-matter fields beyond the common ones, as
// written; sequences are joined with ", ".
func typeFields(doc *policy.Document) map[string]string {
	out := map[string]string{}
	for _, f := range doc.Fields {
		if slices.Contains(policy.CommonFields, f.Key) {
			continue
		}
		if _, seen := out[f.Key]; seen {
			continue
		}
		if f.Sequence {
			out[f.Key] = strings.Join(f.Items, ", ")
		} else {
			out[f.Key] = f.Scalar
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
