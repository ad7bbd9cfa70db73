// Package exercises holds the workshop's exercises, one folder each.
package exercises
