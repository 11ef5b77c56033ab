package policy

// Rule identifiers for document findings. They are stable: tests, editor
// integrations and suppression refer to them, so never rename one; add a new
// identifier instead.
const (
	// Parsing: the file's shape.
	RuleFrontMatterMissing    = "front-matter-missing"
	RuleFrontMatterUnclosed   = "front-matter-unclosed"
	RuleFrontMatterNotMapping = "front-matter-not-mapping"
	RuleYAMLSyntax            = "yaml-syntax"
	RuleDuplicateKey          = "duplicate-key"
	RuleInvisibleCharacter    = "invisible-character"
	RuleInvalidEncoding       = "invalid-encoding"

	// Fields: names, shapes and values.
	RuleUnknownField         = "unknown-field"
	RuleMissingField         = "missing-field"
	RuleWrongType            = "wrong-type"
	RuleInvalidInstant       = "invalid-instant"
	RuleInstantWithoutOffset = "instant-without-offset"
	RuleInvalidEnum          = "invalid-enum"
	RuleInvalidHandle        = "invalid-handle"
	RuleInsecureURL          = "insecure-url"
	RuleInvalidURL           = "invalid-url"
	RuleInvalidCVE           = "invalid-cve"
	RuleCVSSOutOfRange       = "cvss-out-of-range"
	RuleNumberOutOfRange     = "number-out-of-range"
	RuleInvalidCVSSVector    = "invalid-cvss-vector"
	RuleUnknownSIG           = "unknown-sig"
	RuleUnknownChannel       = "unknown-channel"
	RuleInvalidTier          = "invalid-tier"
	RuleDuplicateItem        = "duplicate-item"
	// Consistency between fields (warnings).
	RuleSeverityMismatch = "severity-mismatch"
	RuleEmbargoNotSet    = "embargo-not-set"
	// The crisis path.
	RuleExpediteNotAllowed  = "expedite-not-allowed"
	RuleExpediteWithoutWhy  = "expedite-without-reason"
	RuleExpediteReasonAlone = "expedite-reason-without-expedite"

	// Body and content.
	RuleMissingSection   = "missing-section"
	RuleDuplicateSection = "duplicate-section"
	RuleEmptySection     = "empty-section"
	RulePlaceholder      = "placeholder"
	RuleTitleTooLong     = "title-too-long"
	RuleSummaryTooLong   = "summary-too-long"
	RuleFileTooLarge     = "file-too-large"
	RuleMarkdownTooDeep  = "markdown-too-deep"
	// Rendering: what a channel would drop or hide.
	RuleHTMLComment   = "html-comment"
	RuleRawHTML       = "raw-html"
	RuleDeceptiveLink = "deceptive-link"
	// Look-alike identifiers (UTS #39): link hosts, handles, CVE ids and
	// the title that mix scripts or imitate ASCII.
	RuleMixedScript = "mixed-script"
	RuleConfusable  = "confusable"
)
