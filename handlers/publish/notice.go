package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/commsgate/commsgate/policy"
)

// Notice is one approved communication ready to be published.
type Notice struct {
	// Doc is the parsed communication as merged.
	Doc *policy.Document
	// Repo is the private repository holding the communication ("org/repo").
	Repo string
	// Path is the communication's file path in Repo.
	Path string
	// MergeSHA is the commit that merged the communication.
	MergeSHA string
	// URL is the canonical place readers should go for the full notice
	// (e.g. the mailing-list archive or the tracking issue). Channels that
	// only carry part of the text link to it. Empty when not known yet.
	URL string
	// Audit records who approved the communication.
	Audit Audit
	// Update is set when this notice corrects a communication published
	// earlier; it is nil for a first publication.
	Update *UpdateInfo
}

// Audit records the approval a communication went through, so every
// channel can say who approved it and at which commit.
type Audit struct {
	// PR is the pull request that carried the communication.
	PR int
	// Commit is the head commit the approvals were given on.
	Commit string
	// Tier is the review tier the communication was evaluated at.
	Tier int
	// Stages are the approval stages in the order they were passed.
	Stages []AuditStage
}

// AuditStage is one approval stage and the people whose approval counted.
type AuditStage struct {
	// Name is the stage name from the policy ("sig", "comms", "security",
	// "steering" or a custom group); StageLabel turns it into words.
	Name string
	// Detail narrows the stage, e.g. the owning SIG for the "sig" stage.
	Detail string
	// Approvers are GitHub logins, without "@".
	Approvers []string
}

// UpdateInfo describes a dated correction of a published communication.
type UpdateInfo struct {
	// Date is when the correction is published.
	Date time.Time
	// Changes says what changed, in markdown.
	Changes string
	// Previous are the receipts of the earlier publication by target name,
	// so a sender can edit or reply to what it sent before.
	Previous map[string]Receipt
}

// CommunicationID identifies a communication across publications and
// updates: it depends only on the repository and the file path.
func (n Notice) CommunicationID() string {
	return "cg-" + shortHash(n.Repo, n.Path)
}

// DeliveryID identifies one delivery of this version of the notice to one
// target. It is the same every time the same notice is sent to the same
// target, so receivers (and mail readers) can recognise a retried send, and
// it differs for an update.
func (n Notice) DeliveryID(target string) string {
	update := ""
	if n.Update != nil {
		update = n.Update.Date.UTC().Format(time.RFC3339)
	}
	return n.CommunicationID() + "-" + shortHash(n.MergeSHA, update, target)
}

func shortHash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:10])
}

// StageLabel names a policy stage the way the process document does.
func StageLabel(s AuditStage) string {
	label := s.Name
	switch s.Name {
	case policy.StageSIG:
		label = "SIG leads"
	case "comms":
		label = "ContribEx comms"
	case "security":
		label = "Security"
	case "steering":
		label = "Steering Committee"
	}
	if s.Detail != "" {
		label += " (" + s.Detail + ")"
	}
	return label
}
