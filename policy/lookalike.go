package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/net/idna"
)

// Look-alike text (UTS #39, Unicode Security Mechanisms) is checked only
// in identifiers a reader trusts by their shape: the hosts of links, GitHub
// handles, CVE ids, and the words of the title. Prose is left alone: a
// notice in Russian mixes Cyrillic words with Latin product names, and a
// Japanese one mixes four scripts in a sentence, as it should.

// hostStop are the characters that end a link's host: the path, query
// or fragment, and the brackets and quotes markdown and prose put around
// a link.
const hostStop = "/?#<>()[]{}\"'`\\|"

// linkHosts finds the host of each web link in text, after a scheme
// ("https://") or at a bare "www." as GitHub autolinks it, with its byte
// offset. Userinfo and port are cut off by checkHost. A scan, not a
// regular expression: it runs on every document.
func linkHosts(text string, yield func(host string, off int)) {
	for _, marker := range []string{"://", "www."} {
		for from := 0; ; {
			i := strings.Index(text[from:], marker)
			if i < 0 {
				break
			}
			start := from + i
			from = start + len(marker)
			if marker == "://" {
				if !isSchemeBefore(text, start) {
					continue
				}
				start += len(marker)
			} else if start > 0 && (isWordByte(text[start-1]) || text[start-1] == '/' || text[start-1] == '.') {
				continue // part of a longer host, or after a scheme: seen already
			}
			end := start
			for end < len(text) {
				r, size := utf8.DecodeRuneInString(text[end:])
				if unicode.IsSpace(r) || strings.ContainsRune(hostStop, r) {
					break
				}
				end += size
			}
			if end > start {
				yield(text[start:end], start)
			}
		}
	}
}

// isSchemeBefore reports whether the "://" at i follows http, https or ftp.
func isSchemeBefore(text string, i int) bool {
	for _, scheme := range []string{"https", "http", "ftp"} {
		if i >= len(scheme) && strings.EqualFold(text[i-len(scheme):i], scheme) &&
			(i == len(scheme) || !isWordByte(text[i-len(scheme)-1])) {
			return true
		}
	}
	return false
}

// mentions finds each @handle in text and the byte offset of the handle
// after the @. What precedes the @ must not be part of a word: an email
// address is not a mention.
func mentions(text string, yield func(handle string, off int)) {
	for from := 0; ; {
		i := strings.IndexByte(text[from:], '@')
		if i < 0 {
			return
		}
		at := from + i
		from = at + 1
		if at > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:at])
			if unicode.In(prev, unicode.L, unicode.N, unicode.M) || strings.ContainsRune("_.@/-", prev) {
				continue
			}
		}
		end := at + 1
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if !(unicode.In(r, unicode.L, unicode.N, unicode.M, unicode.Cf) || r == '_' || r == '-') {
				break
			}
			end += size
		}
		if end > at+1 {
			yield(text[at+1:end], at+1)
		}
	}
}

// checkLookalikes reports mixed-script and confusable identifiers in the
// front matter and the body.
func (v *validator) checkLookalikes() {
	p := v.doc.parsed
	if len(p.frontMatter) > 0 {
		fm := string(p.frontMatter)
		ix := newLineIndex(fm, p.frontMatterLine)
		v.checkTextIdentifiers(fm, ix, false)
		v.checkTitleScripts(fm, ix)
		v.checkContactScripts(fm, ix)
	}
	if v.doc.Body != "" {
		ix := p.body
		if ix.starts == nil {
			ix = newLineIndex(v.doc.Body, max(v.doc.BodyPos.Line, 1))
		}
		v.checkTextIdentifiers(v.doc.Body, ix, true)
	}
}

// checkTextIdentifiers checks the link hosts and CVE ids of text, and its
// @mentions when it is the body (in YAML an unquoted @ is a syntax error).
func (v *validator) checkTextIdentifiers(text string, ix lineIndex, withMentions bool) {
	linkHosts(text, func(host string, off int) { v.checkHost(host, off, ix) })
	v.checkCVELookalikes(text, ix)
	if withMentions {
		mentions(text, func(handle string, off int) {
			v.checkIdentifier("handle", "@"+handle, handle, off, ix, "write the GitHub username in plain ASCII letters, digits and hyphens")
		})
	}
}

// checkHost judges one link host, decoding punycode labels first: an
// xn-- host is what a browser shows in Unicode.
func (v *validator) checkHost(host string, off int, ix lineIndex) {
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		off += at + 1
		host = host[at+1:]
	}
	if colon := strings.LastIndexByte(host, ':'); colon >= 0 {
		host = host[:colon]
	}
	host = strings.TrimRight(host, ".,;:!")
	fix := "type the host in plain ASCII, or check that the link goes where you mean"
	if strings.Contains(strings.ToLower(host), "xn--") {
		decoded, err := idna.ToUnicode(host)
		if err == nil && decoded != host {
			// The characters are not in the file: the finding goes at the
			// host and quotes what it decodes to.
			if mix, bad := mixedScript(decoded); bad {
				v.errorf(ix.pos(off), RuleMixedScript, "link host %q is punycode for %q, where %s mixes %s into %s: %s",
					host, decoded, runeName(mix.Intruder), mix.IntruderScript, mix.Main, fix)
			} else if ascii, r, _, ok := lookalikeOf(decoded); ok {
				v.errorf(ix.pos(off), RuleConfusable, "link host %q is punycode for %q, which looks like %q because of %s: %s",
					host, decoded, ascii, runeName(r), fix)
			}
			return
		}
	}
	v.checkIdentifier("link host", host, host, off, ix, fix)
}

// checkIdentifier reports an identifier that mixes scripts, or that is
// all one script but reads as a different ASCII identifier. shown is how
// the message quotes it, id the characters at byte offset off.
func (v *validator) checkIdentifier(what, shown, id string, off int, ix lineIndex, fix string) {
	if isASCII(id) {
		return
	}
	if mix, bad := mixedScript(id); bad {
		v.errorf(ix.pos(off+mix.Offset), RuleMixedScript, "%s in %s %q mixes %s into %s, so it can imitate another %s: %s",
			runeName(mix.Intruder), what, shown, mix.IntruderScript, mix.Main, what, fix)
		return
	}
	if ascii, r, at, ok := lookalikeOf(id); ok {
		if what == "handle" {
			ascii = "@" + ascii
		}
		v.errorf(ix.pos(off+at), RuleConfusable, "%s in %s %q makes it look like %q, which it is not: %s",
			runeName(r), what, shown, ascii, fix)
	}
}

// checkTitleScripts applies the mixed-script test to each word of the
// title: a title in one language passes, and so does one that names a
// Latin product in a Cyrillic sentence, but not a word such as
// "Kubernеtes" with one Cyrillic letter.
func (v *validator) checkTitleScripts(fm string, ix lineIndex) {
	f, ok := v.doc.FieldByKey("title")
	if !ok || f.Sequence || isASCII(f.Scalar) {
		return
	}
	start := offsetOf(ix, f.ValuePos)
	for _, word := range strings.FieldsFunc(f.Scalar, unicode.IsSpace) {
		mix, bad := mixedScript(word)
		if !bad {
			continue
		}
		at := start
		if i := strings.Index(fm[start:], word); i >= 0 {
			at = start + i + mix.Offset
		}
		v.errorf(ix.pos(at), RuleMixedScript, "%s in the title's word %q mixes %s into %s: readers and search see a different word than the one it looks like; retype the word in one script",
			runeName(mix.Intruder), word, mix.IntruderScript, mix.Main)
	}
}

// checkContactScripts gives a contact written with look-alike letters a
// finding that names the letter; the handle rule would only say it is not
// a username.
func (v *validator) checkContactScripts(fm string, ix lineIndex) {
	f, ok := v.doc.FieldByKey("contacts")
	if !ok {
		return
	}
	for i, item := range f.Items {
		handle := strings.TrimPrefix(item, "@")
		if isASCII(handle) || i >= len(f.ItemPos) {
			continue
		}
		start := offsetOf(ix, f.ItemPos[i])
		if j := strings.Index(fm[start:], handle); j >= 0 {
			start += j
		}
		v.checkIdentifier("handle", handle, handle, start, ix, "GitHub usernames are ASCII: retype it in plain letters, digits and hyphens")
	}
}

// offsetOf is the byte offset in ix's text of a file position, the
// inverse of lineIndex.pos.
func offsetOf(ix lineIndex, p Pos) int {
	line := p.Line - ix.firstLine
	if line < 0 || line >= len(ix.starts) {
		return 0
	}
	off := ix.starts[line]
	for col := 1; col < p.Column && off < len(ix.text) && ix.text[off] != '\n'; col++ {
		_, size := utf8.DecodeRuneInString(ix.text[off:])
		off += size
	}
	return off
}

// checkCVELookalikes reports words that read as a CVE id but are not one:
// a Cyrillic С, a Greek Ε, a letter O for a zero or a non-ASCII dash. Such
// an id matches nothing in scanners, advisories or searches.
func (v *validator) checkCVELookalikes(text string, ix lineIndex) {
	for off := 0; off < len(text); {
		start := off
		for off < len(text) {
			r, size := utf8.DecodeRuneInString(text[off:])
			if !isCVERune(r) {
				break
			}
			off += size
		}
		if off == start {
			_, size := utf8.DecodeRuneInString(text[off:])
			off += size
			continue
		}
		word := text[start:off]
		if len(word) < len("CVE-2024-1234") || cvePattern.MatchString(word) {
			continue
		}
		if r, at, ok := cveLookalike(word); ok {
			v.errorf(ix.pos(start+at), RuleConfusable, "%s in %q makes it look like a CVE id, but scanners and searches will not find it: retype the id in ASCII, e.g. `CVE-2027-12345`",
				runeName(r), word)
		}
	}
}

func isCVERune(r rune) bool {
	return r < utf8.RuneSelf && (isWordByte(byte(r)) || r == '-') ||
		r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Pd, r) || r == 0x2212)
}

// cveLookalike reports whether word reads as CVE-YYYY-NNNN once every
// character is replaced by the ASCII one it is confusable with, and the
// first character that differs.
func cveLookalike(word string) (rune, int, bool) {
	var b strings.Builder
	first, at := rune(-1), 0
	part := 0 // 0: "CVE", 1: year, 2: number
	for i, r := range word {
		c := r
		if r >= utf8.RuneSelf {
			switch sk := confusables.Skeleton(string(r)); {
			case unicode.IsDigit(r):
				c = '0'
			case unicode.Is(unicode.Pd, r) || r == 0x2212:
				c = '-'
			case len(sk) == 1 && sk[0] < utf8.RuneSelf:
				c = rune(sk[0])
			default:
				return 0, 0, false
			}
		}
		if c == '-' {
			part++
		}
		if part > 0 && c != '-' {
			// a letter that looks like a digit where digits go
			switch c {
			case 'O', 'o':
				c = '0'
			case 'l', 'I', '|':
				c = '1'
			}
		}
		if c != r && first < 0 {
			first, at = r, i
		}
		b.WriteRune(unicode.ToUpper(c))
	}
	if first < 0 || !cvePattern.MatchString(b.String()) {
		return 0, 0, false
	}
	return first, at, true
}
