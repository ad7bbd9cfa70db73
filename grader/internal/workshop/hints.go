package workshop

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Hint is one level of an exercise's hints: 1 is a nudge, 2 a direction,
// 3 nearly the answer.
type Hint struct {
	Level int
	Title string
	Body  string
}

// Hints reads the exercise's HINTS.md.
func (w *Workshop) Hints(ex *Exercise) ([]Hint, error) {
	f, err := os.Open(filepath.Join(w.Abs(ex.Dir()), "HINTS.md"))
	if err != nil {
		return nil, fmt.Errorf("reading the hints of %s: %w", ex.Slug, err)
	}
	defer f.Close()
	hs, err := ParseHints(f)
	if err != nil {
		return nil, fmt.Errorf("reading the hints of %s: %w", ex.Slug, err)
	}
	return hs, nil
}

// ParseHints reads hints in the HINTS.md format: each hint starts with a
// "## Hint N" heading, where anything after the number is the hint's title
// ("## Hint 2 — where the key comes from"); its body runs to the next
// "## Hint" heading or the end. Text before the first hint is ignored.
func ParseHints(r io.Reader) ([]Hint, error) {
	var out []Hint
	var cur *Hint
	var body []string
	flush := func() {
		if cur != nil {
			cur.Body = strings.TrimSpace(strings.Join(body, "\n"))
			out = append(out, *cur)
		}
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if level, title, ok := hintHeading(line); ok {
			flush()
			cur, body = &Hint{Level: level, Title: title}, nil
			continue
		}
		if cur != nil {
			body = append(body, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

func hintHeading(line string) (int, string, bool) {
	rest, ok := strings.CutPrefix(line, "## ")
	if !ok {
		return 0, "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "Hint ")
	if !ok {
		return 0, "", false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(rest[:i])
	if err != nil {
		return 0, "", false
	}
	title := strings.TrimSpace(rest[i:])
	title = strings.TrimSpace(strings.TrimLeft(title, ":.-—–)"))
	return n, title, true
}
