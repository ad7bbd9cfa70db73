package report

import (
	"strings"
	"unicode/utf8"
)

// Style decides how text output looks: with ANSI colours and symbols on a
// terminal, or as plain words everywhere else (pipes, CI logs, NO_COLOR).
type Style struct {
	// Color turns on ANSI colours and symbols.
	Color bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (s Style) wrap(code, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return code + text + ansiReset
}

// Bold renders headings; like the other colour methods it returns the text
// unchanged when colours are off.
func (s Style) Bold(t string) string { return s.wrap(ansiBold, t) }

// Dim renders secondary text.
func (s Style) Dim(t string) string { return s.wrap(ansiDim, t) }

// Red renders failures.
func (s Style) Red(t string) string { return s.wrap(ansiRed, t) }

// Green renders successes.
func (s Style) Green(t string) string { return s.wrap(ansiGreen, t) }

// Yellow renders warnings.
func (s Style) Yellow(t string) string { return s.wrap(ansiYellow, t) }

// Cyan renders commands to type.
func (s Style) Cyan(t string) string { return s.wrap(ansiCyan, t) }

// testMark returns the marker for a test outcome: a coloured symbol, or a
// fixed-width word in plain mode.
func (s Style) testMark(st TestStatus) string {
	if s.Color {
		switch st {
		case TestPass:
			return s.Green("✓")
		case TestFail:
			return s.Red("✗")
		case TestPanic:
			return s.Red("‼")
		case TestTimeout:
			return s.Yellow("⏱")
		case TestSkip:
			return s.Yellow("↷")
		case TestError:
			return s.Red("✗")
		default:
			return s.Dim("·")
		}
	}
	w := map[TestStatus]string{
		TestPass: "PASS", TestFail: "FAIL", TestPanic: "PANIC", TestTimeout: "TIMEOUT",
		TestSkip: "SKIP", TestError: "ERROR", TestNotRun: "NOT RUN",
	}[st]
	return pad(w, 7)
}

// StatusLabel returns the human label of an exercise outcome.
func StatusLabel(st Status) string {
	switch st {
	case Done:
		return "done"
	case Failing:
		return "failing"
	case NotStarted:
		return "not started"
	case BuildError:
		return "build error"
	case TimedOut:
		return "timed out"
	case Absent:
		return "not in this checkout"
	default:
		return "error"
	}
}

// exerciseMark renders an exercise outcome with a symbol and colour.
func (s Style) exerciseMark(e *Exercise) string {
	label := StatusLabel(e.Status)
	if !e.Counted {
		label = "tests edited"
	}
	if !s.Color {
		return label
	}
	switch {
	case !e.Counted:
		return s.Yellow("⚠ " + label)
	case e.Status == Done:
		return s.Green("✓ " + label)
	case e.Status == NotStarted:
		return s.Dim("· " + label)
	case e.Status == Absent:
		return s.Dim("○ " + label)
	case e.Status == Failing:
		return s.Red("✗ " + label)
	case e.Status == TimedOut:
		return s.Yellow("⏱ " + label)
	default:
		return s.Red("✗ " + label)
	}
}

// Bar renders a progress bar of width cells: "[#######>-----]".
func Bar(done, total, width int) string {
	if total <= 0 {
		return "[" + strings.Repeat("-", width) + "]"
	}
	filled := done * width / total
	var b strings.Builder
	b.WriteByte('[')
	b.WriteString(strings.Repeat("#", filled))
	if filled < width {
		b.WriteByte('>')
		b.WriteString(strings.Repeat("-", width-filled-1))
	}
	b.WriteByte(']')
	return b.String()
}

func (s Style) bar(done, total, width int) string {
	b := Bar(done, total, width)
	if !s.Color {
		return b
	}
	i := strings.IndexAny(b, ">-]")
	return "[" + s.Green(b[1:i]) + s.Dim(b[i:len(b)-1]) + "]"
}

// visibleLen is the display width of text without ANSI escapes (counting
// runes, which is right for the symbols used here).
func visibleLen(t string) int {
	n := 0
	for i := 0; i < len(t); {
		if t[i] == 0x1b {
			j := strings.IndexByte(t[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(t[i:])
		i += size
		n++
	}
	return n
}

func pad(t string, w int) string {
	if n := visibleLen(t); n < w {
		return t + strings.Repeat(" ", w-n)
	}
	return t
}

func padLeft(t string, w int) string {
	if n := visibleLen(t); n < w {
		return strings.Repeat(" ", w-n) + t
	}
	return t
}

// table renders rows of cells with columns aligned by visible width. Cells
// in right-aligned columns are padded on the left.
type table struct {
	rows  [][]string
	right map[int]bool
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) render(indent string) string {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], visibleLen(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		line := indent
		for i, c := range r {
			if i > 0 {
				line += "  "
			}
			if t.right[i] {
				line += padLeft(c, widths[i])
			} else if i < len(r)-1 {
				line += pad(c, widths[i])
			} else {
				line += c
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}
