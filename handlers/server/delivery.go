package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v62/github"
	"github.com/tidwall/gjson"
)

// Delivery is the little of a webhook payload that says what it is about.
// The worker decodes it once per delivery, for the queue's log lines and
// for handlers that need no more (see DeliveryFrom): under a burst,
// decoding a payload is most of what a coalesced delivery costs, and
// GitHub's whole event (a pull request with its head and base
// repositories, every user, links) costs several times this.
type Delivery struct {
	Action       string                `json:"action"`
	Installation *DeliveryInstallation `json:"installation"`
	Repository   *DeliveryRepository   `json:"repository"`
	PullRequest  *DeliveryPullRequest  `json:"pull_request"`
	Issue        *DeliveryIssue        `json:"issue"`

	// err is why the payload did not decode; the fields are then partial.
	err error
}

// DeliveryInstallation is the installation a delivery came for.
type DeliveryInstallation struct {
	ID int64 `json:"id"`
}

// DeliveryPullRequest is the pull request a delivery is about.
type DeliveryPullRequest struct {
	Number int    `json:"number"`
	State  string `json:"state"`
}

// DeliveryIssue is the issue a delivery is about; PullRequest is set when
// the issue is a pull request (a comment on one arrives this way).
type DeliveryIssue struct {
	Number      int              `json:"number"`
	PullRequest *json.RawMessage `json:"pull_request"`
}

// Err is why the payload did not decode into these fields, nil if it did.
func (d *Delivery) Err() error { return d.err }

// DeliveryRepository is what the log fields and a facts target read of
// the repository.
type DeliveryRepository struct {
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	DefaultBranch string `json:"default_branch"`
	Owner         struct {
		Login string `json:"login"`
	} `json:"owner"`
}

// InstallationID is the installation the delivery came for, 0 if none.
func (d *Delivery) InstallationID() int64 {
	if d.Installation == nil {
		return 0
	}
	return d.Installation.ID
}

// GitHubRepository returns the repository as go-github's type, nil when
// the payload had none.
func (d *Delivery) GitHubRepository() *github.Repository {
	r := d.Repository
	if r == nil {
		return nil
	}
	return &github.Repository{
		Name:          github.String(r.Name),
		FullName:      github.String(r.FullName),
		DefaultBranch: github.String(r.DefaultBranch),
		Owner:         &github.User{Login: github.String(r.Owner.Login)},
	}
}

// DecodeDelivery reads a payload's addressing. A payload of the wrong
// shape yields what could be read, and Err says why the rest could not.
//
// It walks the top level of the payload once with gjson, which skips the
// values it is not asked for without decoding them, instead of
// encoding/json, which checks and decodes every byte (the pull request
// object alone is most of a payload); see BenchmarkDecodeDelivery.
func DecodeDelivery(payload []byte) *Delivery {
	if !gjson.ValidBytes(payload) {
		return &Delivery{err: errors.New("the payload is not valid JSON")}
	}
	return decodeValidDelivery(payload)
}

// decodeValidDelivery is DecodeDelivery for a payload already known to be
// valid JSON (the queue checked it before accepting the delivery).
func decodeValidDelivery(payload []byte) *Delivery {
	var d Delivery
	root := gjson.ParseBytes(payload)
	if !root.IsObject() {
		d.err = errors.New("the payload is not a JSON object")
		return &d
	}
	var problems []string
	root.ForEach(func(key, value gjson.Result) bool {
		switch key.String() {
		case "action":
			d.Action = value.String()
		case "installation":
			d.Installation = &DeliveryInstallation{ID: positive(value.Get("id"), "installation.id", &problems)}
		case "repository":
			r := &DeliveryRepository{
				Name: value.Get("name").String(), FullName: value.Get("full_name").String(),
				DefaultBranch: value.Get("default_branch").String(),
			}
			r.Owner.Login = value.Get("owner.login").String()
			d.Repository = r
		case "pull_request":
			d.PullRequest = &DeliveryPullRequest{
				Number: int(positive(value.Get("number"), "pull_request.number", &problems)), State: value.Get("state").String(),
			}
		case "issue":
			issue := &DeliveryIssue{Number: int(positive(value.Get("number"), "issue.number", &problems))}
			if link := value.Get("pull_request"); link.Exists() {
				raw := json.RawMessage(link.Raw)
				issue.PullRequest = &raw
			}
			d.Issue = issue
		}
		return true
	})
	if len(problems) > 0 {
		d.err = fmt.Errorf("the payload's %s", strings.Join(problems, "; "))
	}
	return &d
}

// positive reads a number the payload must hold as a positive integer.
func positive(v gjson.Result, field string, problems *[]string) int64 {
	if v.Type != gjson.Number || v.Int() <= 0 || float64(v.Int()) != v.Num {
		*problems = append(*problems, field+" is not a positive whole number")
		return 0
	}
	return v.Int()
}

type deliveryKey struct{}

// DeliveryFrom returns the delivery the queue decoded for this handler
// run, so the handler need not decode the payload again; false outside
// the queue (a handler called directly).
func DeliveryFrom(ctx context.Context) (*Delivery, bool) {
	d, ok := ctx.Value(deliveryKey{}).(*Delivery)
	return d, ok
}
