package jira

import "strings"

// adfNode is a node of the Atlassian Document Format, which Jira Cloud's
// REST v3 uses for descriptions and comments.
type adfNode struct {
	Type    string    `json:"type"`
	Version int       `json:"version,omitempty"`
	Text    string    `json:"text,omitempty"`
	Content []adfNode `json:"content,omitempty"`
}

// adfDoc turns plain text into an ADF document: one paragraph per block of
// lines separated by a blank line, with hard breaks between lines.
func adfDoc(text string) adfNode {
	doc := adfNode{Type: "doc", Version: 1, Content: []adfNode{}}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for _, block := range strings.Split(text, "\n\n") {
		block = strings.Trim(block, "\n")
		if strings.TrimSpace(block) == "" {
			continue
		}
		p := adfNode{Type: "paragraph"}
		for i, line := range strings.Split(block, "\n") {
			if i > 0 {
				p.Content = append(p.Content, adfNode{Type: "hardBreak"})
			}
			if line != "" {
				p.Content = append(p.Content, adfNode{Type: "text", Text: line})
			}
		}
		doc.Content = append(doc.Content, p)
	}
	return doc
}

// adfText flattens an ADF document back into text: blocks separated by a
// blank line, hard breaks as line breaks.
func adfText(n adfNode) string {
	var b strings.Builder
	var walk func(n adfNode)
	walk = func(n adfNode) {
		switch n.Type {
		case "text":
			b.WriteString(n.Text)
			return
		case "hardBreak":
			b.WriteByte('\n')
			return
		}
		for i, c := range n.Content {
			if i > 0 && isBlock(c.Type) {
				b.WriteString("\n\n")
			}
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func isBlock(t string) bool {
	switch t {
	case "paragraph", "heading", "bulletList", "orderedList", "listItem", "codeBlock", "blockquote", "panel", "rule", "table":
		return true
	}
	return false
}
