package publish

// RenderIssue renders a notice as a GitHub issue: the channel title and the
// canonical markdown body. GitHub sanitises the markdown it displays.
func RenderIssue(n Notice) (title, body string) {
	return ChannelTitle(n), RenderMarkdown(n)
}
