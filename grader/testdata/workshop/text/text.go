// Package text is a helper the fixture exercises import from the root module.
package text

import "strings"

// Fields splits s on white space.
func Fields(s string) []string { return strings.Fields(s) }
