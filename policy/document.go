package policy

import "time"

// Pos is a 1-based line and column in a file.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Field is one front-matter key with its raw scalar value (or sequence
// items) and where key and value sit in the file.
type Field struct {
	Key      string
	KeyPos   Pos
	ValuePos Pos
	// Scalar is the value as written when it is a scalar.
	Scalar string
	// Items are the scalar items when the value is a sequence.
	Items    []string
	ItemPos  []Pos
	Sequence bool
	// Tag is the YAML tag resolved for a scalar (!!str, !!int, !!bool, ...).
	Tag string
}

// Section is one "## " section of the body.
type Section struct {
	Title string
	Pos   Pos // of the heading
	// Text is the section's content without the heading, trimmed.
	Text string
	// Markdown is the section's source without the heading.
	Markdown string
}

// Document is a parsed communication. Typed values are set only when the
// field parsed cleanly; the validator reports every field that did not.
type Document struct {
	Path string
	// Fields holds every front-matter key in file order.
	Fields []Field

	Title, Summary, Type string
	SIGs, Audience       []string
	Priority             string
	Channels             []string
	PublishAt            time.Time // zero when absent or invalid
	Contacts             []string
	DeclaredTier         int // 0 when absent
	Embargo              bool
	EmbargoUntil         time.Time
	DistributorsNotified time.Time
	// Expedite and ExpediteReason declare the crisis path (see Expedite).
	Expedite       bool
	ExpediteReason string

	// Sections are the body's "## " sections in order.
	Sections []Section
	// BodyPos is where the markdown body starts.
	BodyPos Pos
	// Body is the markdown after the front matter.
	Body string

	// parsed is what ParseDocument learnt beyond the public fields, for
	// ValidateDocument; it is zero in a hand-built Document.
	parsed parseState
}

// FieldByKey returns the first front-matter field with the key.
func (d *Document) FieldByKey(key string) (Field, bool) {
	for _, f := range d.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Section returns the section with the title, compared case-insensitively
// and ignoring a trailing colon or question mark difference.
func (d *Document) SectionByTitle(title string) (Section, bool) {
	want := normalizeTitle(title)
	for _, s := range d.Sections {
		if normalizeTitle(s.Title) == want {
			return s, true
		}
	}
	return Section{}, false
}
