// Package publish renders an approved communication for each channel and
// delivers it there.
//
// Rendering is pure: RenderIssue, RenderEmail, RenderSlack and RenderWebhook
// turn one Notice into the text each channel needs, always in the same
// order (inverted pyramid): title and summary first, then key facts, then a
// dated update when the notice corrects an earlier publication, then the
// body sections, and an audit footer naming who approved which stage at
// which commit.
//
// Senders deliver a Notice to one target each (EmailSender, SlackSender,
// WebhookSender, IssueSender). Every delivery carries an identifier that is
// deterministic per notice and target (DeliveryID), so a retried send is
// recognisable by the receiver. Errors name the target and say through
// IsRetryable whether trying again may help, and through Refused whether
// the target surely did not act; after any other failure IssueSender's
// Delivered finds what an attempt whose answer was lost created. Deciding
// when and whether to retry belongs to the caller.
package publish
