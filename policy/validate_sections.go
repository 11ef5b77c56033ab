package policy

// requiredSections are the sections a document of the type must have, in
// template order: the summary first, the type's own, the contact last.
func requiredSections(rules *Rules, typeName string) []SectionSpec {
	var out []SectionSpec
	if len(CommonSections) > 0 {
		out = append(out, CommonSections[0])
	}
	if t, ok := rules.Types[typeName]; ok {
		out = append(out, t.Sections...)
	}
	if len(CommonSections) > 1 {
		out = append(out, CommonSections[1:]...)
	}
	return out
}

// checkSections reports required sections that are missing (where the body
// starts) or empty (at their heading). A section holding only HTML
// comments is empty: comments are guidance, not content.
func (v *validator) checkSections() {
	if v.doc.parsed.bodyUnknown {
		return
	}
	at := v.doc.BodyPos
	if at.Line == 0 {
		at = Pos{Line: 1, Column: 1}
	}
	for _, spec := range requiredSections(v.rules, v.doc.Type) {
		s, ok := v.doc.SectionByTitle(spec.Title)
		switch {
		case !ok:
			v.errorf(at, RuleMissingSection, "the required section `## %s` is missing: add it to the body with %s",
				spec.Title, lowerFirst(spec.Guidance))
		case s.Text == "":
			v.errorf(s.Pos, RuleEmptySection, "the section `## %s` is empty: write %s", spec.Title, lowerFirst(spec.Guidance))
		}
	}
}

// lowerFirst lets a guidance sentence continue a message.
func lowerFirst(s string) string {
	if s == "" {
		return "its content"
	}
	r := []rune(s)
	// Keep acronyms ("ACTION REQUIRED") as written.
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s
	}
	if r[0] >= 'A' && r[0] <= 'Z' {
		r[0] += 'a' - 'A'
	}
	return string(r)
}
