package policy

// Rule ids of the schedule checks. They are stable: tests, documentation
// and suppressions refer to them.
const (
	RuleOutsideWindow              = "outside-window"
	RuleBlackout                   = "blackout"
	RulePublishAtPast              = "publish-at-past"
	RuleDistributorsNoticeTooShort = "distributors-notice-too-short"
	RuleEmbargoTooLong             = "embargo-too-long"
	RuleEmbargoAfterPublish        = "embargo-after-publish"
)
