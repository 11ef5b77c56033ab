package policy

import (
	"bytes"
	"fmt"
	"sort"
)

// parseState is what ParseDocument learns beyond Document's public fields
// and hands to ValidateDocument, so validation can point at exact places
// without parsing the file again.
type parseState struct {
	// size is the file's length in bytes.
	size int
	// frontMatter is the YAML between the delimiters and frontMatterLine
	// the file line of its first line.
	frontMatter     []byte
	frontMatterLine int
	// fieldsUnknown is set when the front matter is missing or unreadable.
	// The parse finding explains that, so validation does not pile one
	// missing-field finding per field on top of it.
	fieldsUnknown bool
	// bodyUnknown is set when the front matter never closes, so where the
	// body starts cannot be known and sections are not checked.
	bodyUnknown bool
	// body maps byte offsets in Document.Body to file positions.
	body lineIndex
	// codeRanges are the byte ranges of Document.Body that hold code
	// (fenced, indented or inline), in order; shell variables and <args>
	// there are not placeholders.
	codeRanges []byteRange
	// renderRisks are the places channels would not render as written
	// (comments, raw HTML, link text naming another host).
	renderRisks []renderRisk
}

type byteRange struct{ start, end int }

var utf8BOM = []byte("\uFEFF")

// MaxDocumentBytes bounds what ParseDocument reads at all; the
// configurable Limits.FileBytes, checked by ValidateDocument, is far below
// it. Callers that fetch documents use it to avoid downloading more.
const MaxDocumentBytes = 1 << 20

const maxParseBytes = MaxDocumentBytes

// Oversized is the document and finding for a file of size bytes, beyond
// MaxDocumentBytes, without reading it: far beyond any communication, so
// no parser time (or download) is spent on it.
func Oversized(path string, size int) (*Document, []Finding) {
	doc := &Document{Path: path}
	doc.parsed.size = size
	doc.parsed.fieldsUnknown, doc.parsed.bodyUnknown = true, true
	p := &docParser{doc: doc}
	p.addf(Pos{Line: 1, Column: 1}, RuleFileTooLarge,
		"the file is %d bytes, too large to be a communication (at most %d are read): shorten it and link to details instead", size, maxParseBytes)
	return doc, p.findings
}

// ParseDocument reads a communication: YAML front matter between "---"
// lines, then a markdown body whose "## " headings are its sections. It
// never stops at the first problem and never panics: the Document holds
// everything that could be read, and the findings say what could not, at
// the line and column (in characters, 1-based) an author must edit.
func ParseDocument(path string, content []byte) (*Document, []Finding) {
	if len(content) > maxParseBytes {
		return Oversized(path, len(content))
	}
	doc := &Document{Path: path}
	doc.parsed.size = len(content)
	p := &docParser{doc: doc}

	// A byte order mark at the very start is an encoding marker editors
	// hide; anywhere else it is an invisible character and reported.
	content = bytes.TrimPrefix(content, utf8BOM)
	p.findings = append(p.findings, scanInvisible(path, content)...)

	split := splitFrontMatter(content)
	switch {
	case !split.opened:
		doc.parsed.fieldsUnknown = true
		p.add(Pos{Line: 1, Column: 1}, RuleFrontMatterMissing,
			"the file does not start with front matter: make the first line `---`, then the fields (title, summary, type, …), then a closing `---` line")
	case !split.closed:
		doc.parsed.fieldsUnknown = true
		doc.parsed.bodyUnknown = true
		p.add(Pos{Line: 1, Column: 1}, RuleFrontMatterUnclosed,
			"the front matter opened on line 1 is never closed: add a line containing only `---` after the last field")
	default:
		doc.parsed.frontMatter = split.yaml
		doc.parsed.frontMatterLine = split.yamlLine
		p.parseFrontMatter(split.yaml, split.yamlLine)
	}

	if !doc.parsed.bodyUnknown {
		doc.Body = string(split.body)
		doc.BodyPos = Pos{Line: split.bodyLine, Column: 1}
		p.parseBody(split.body, split.bodyLine)
	}
	return doc, sortFindings(p.findings)
}

// docParser accumulates the document and the findings while parsing.
type docParser struct {
	doc      *Document
	findings []Finding
}

func (p *docParser) add(at Pos, rule, message string) {
	p.findings = append(p.findings, Finding{
		File: p.doc.Path, Line: at.Line, Column: at.Column,
		Severity: SeverityError, Rule: rule, Message: message,
	})
}

func (p *docParser) addf(at Pos, rule, format string, args ...any) {
	p.add(at, rule, fmt.Sprintf(format, args...))
}

// frontMatterSplit is a file cut at its front matter delimiters.
type frontMatterSplit struct {
	opened, closed bool
	yaml           []byte
	yamlLine       int
	body           []byte
	bodyLine       int
}

// splitFrontMatter cuts content at the "---" line that opens the file and
// the next "---" line. Without an opening line the whole file is body.
func splitFrontMatter(content []byte) frontMatterSplit {
	first, _ := cutLine(content)
	if !isDelimiter(first) {
		return frontMatterSplit{body: content, bodyLine: 1}
	}
	start := min(len(first)+1, len(content))
	offset, line := start, 2
	for offset < len(content) {
		text, _ := cutLine(content[offset:])
		if isDelimiter(text) {
			bodyStart := min(offset+len(text)+1, len(content))
			return frontMatterSplit{
				opened: true, closed: true,
				yaml: content[start:offset], yamlLine: 2,
				body: content[bodyStart:], bodyLine: line + 1,
			}
		}
		offset += len(text) + 1
		line++
	}
	return frontMatterSplit{opened: true}
}

// cutLine returns the first line of b without its "\n".
func cutLine(b []byte) ([]byte, bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], true
	}
	return b, false
}

func isDelimiter(line []byte) bool {
	return string(bytes.TrimRight(line, " \t\r")) == "---"
}

// sortFindings orders findings as an editor lists them: by line, then
// column, keeping the discovery order for ties.
func sortFindings(findings []Finding) []Finding {
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Line != findings[j].Line {
			return findings[i].Line < findings[j].Line
		}
		return findings[i].Column < findings[j].Column
	})
	return findings
}
