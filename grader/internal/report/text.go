package report

import (
	"fmt"
	"io"
	"strings"
)

// Options tune the text output.
type Options struct {
	Style Style
	// Cmd is how the learner invokes the grader ("go run ./grader").
	Cmd string
	// Verbose shows every line of every message, and passing tests'
	// output too.
	Verbose bool
	// MaxLines caps the lines shown per failing test when not verbose;
	// zero means 15.
	MaxLines int
	// HintLevels is how many hint levels each exercise has (for "hint 1
	// of 3"); zero means 3.
	HintLevels int
}

func (o Options) cmd(args string) string {
	c := o.Cmd
	if c == "" {
		c = "go run ./grader"
	}
	return c + " " + args
}

func (o Options) maxLines() int {
	if o.MaxLines > 0 {
		return o.MaxLines
	}
	return 15
}

func (o Options) hintLevels() int {
	if o.HintLevels > 0 {
		return o.HintLevels
	}
	return 3
}

// WriteCheck renders one exercise's result for the learner: the tests
// grouped by task, each failure with its message, then a summary line and
// the next step. The most important line comes last.
func WriteCheck(w io.Writer, e *Exercise, next *Exercise, o Options) error {
	s := o.Style
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", s.Bold(e.ID+" "+e.Title), s.Dim(e.Dir))
	if len(e.Stubs) > 0 {
		fmt.Fprintf(&b, "%s %s\n", s.Dim("edit:"), strings.Join(e.Stubs, ", "))
	}
	b.WriteString("\n")

	switch e.Status {
	case BuildError:
		b.WriteString(s.Red("The code does not compile, so no test ran:") + "\n")
		for _, l := range limitLines(strings.Split(e.Message, "\n"), o.maxLines(), o.Verbose) {
			b.WriteString("  " + l + "\n")
		}
		b.WriteString("\nFix the first error above (the others often follow from it).\n")
	case Errored:
		b.WriteString(s.Red("The suite could not run:") + "\n")
		for _, l := range limitLines(strings.Split(e.Message, "\n"), o.maxLines(), o.Verbose) {
			b.WriteString("  " + l + "\n")
		}
	default:
		writeTasks(&b, e, o)
		if e.Status == TimedOut {
			b.WriteString("\n" + s.Yellow(e.Message) + "\n")
		}
	}

	if !e.Counted {
		b.WriteString("\n" + s.Yellow("⚠ The suite's files were changed: "+strings.Join(e.Integrity.Files(), ", ")) + "\n")
		b.WriteString("  This exercise does not count toward your progress until they are restored:\n")
		b.WriteString("  " + s.Cyan(o.cmd("reset "+e.ID+" --tests")) + "\n")
	}

	b.WriteString("\n")
	fmt.Fprintf(&b, "%s  %d/%d tests pass · %d/%d points\n",
		s.bar(e.Passed, e.Total, 20), e.Passed, e.Total, e.Score, e.MaxScore)
	if e.Status == NotStarted && e.Passed > 0 {
		// Some tests hold on a stub that does nothing ("a bad request
		// writes nothing"); they earn points once the work has begun.
		b.WriteString(s.Dim("(the stub is untouched: points count from your first change)") + "\n")
	}
	b.WriteString(nextStep(e, next, o) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTasks(b *strings.Builder, e *Exercise, o Options) {
	s := o.Style
	groups := map[string][]Test{}
	for _, t := range e.Tests {
		groups[t.Task] = append(groups[t.Task], t)
	}
	order := make([]string, 0, len(e.Tasks)+1)
	titles := map[string]string{}
	for _, tk := range e.Tasks {
		order = append(order, tk.ID)
		titles[tk.ID] = tk.Title
	}
	for _, t := range e.Tests { // tasks the exercise.json does not list
		if _, ok := titles[t.Task]; !ok && t.Task != "" {
			titles[t.Task] = ""
			order = append(order, t.Task)
		}
	}
	order = append(order, "")
	for _, id := range order {
		tests := groups[id]
		if len(tests) == 0 {
			continue
		}
		pass := 0
		for _, t := range tests {
			if t.Status == TestPass {
				pass++
			}
		}
		head := "Other tests"
		if id != "" {
			head = "Task " + id
			if titles[id] != "" {
				head += "  " + titles[id]
			}
		}
		count := fmt.Sprintf("%d/%d", pass, len(tests))
		if pass == len(tests) {
			count = s.Green(count)
		}
		fmt.Fprintf(b, "%s  %s\n", s.Bold(head), count)
		prev := ""
		for _, t := range tests {
			fmt.Fprintf(b, "  %s %s\n", s.testMark(t.Status), t.Name)
			if t.Status == TestPass && !o.Verbose {
				continue
			}
			// A parent's t.Fatal stops all its cases with one message:
			// say it once.
			if t.Message != "" && t.Message == prev && t.Output == "" && !o.Verbose {
				fmt.Fprintf(b, "      %s\n", s.Dim("(the same message as above)"))
				continue
			}
			prev = t.Message
			var lines []string
			if msg := strings.TrimRight(t.Message, "\n "); msg != "" {
				lines = append(lines, strings.Split(msg, "\n")...)
			}
			if t.Output != "" && (o.Verbose || t.Status != TestPass) {
				lines = append(lines, s.Dim("output:"))
				for _, l := range strings.Split(t.Output, "\n") {
					lines = append(lines, s.Dim("  "+l))
				}
			}
			for _, l := range limitLines(lines, o.maxLines(), o.Verbose) {
				fmt.Fprintf(b, "      %s\n", l)
			}
		}
	}
}

func limitLines(lines []string, n int, verbose bool) []string {
	if verbose || len(lines) <= n {
		return lines
	}
	out := append([]string{}, lines[:n]...)
	return append(out, fmt.Sprintf("… %d more lines (add -v to see them)", len(lines)-n))
}

// nextStep is the one line that tells the learner what to do now.
func nextStep(e *Exercise, next *Exercise, o Options) string {
	s := o.Style
	hint := fmt.Sprintf("Stuck? %s (%d of %d seen)", s.Cyan(o.cmd("hint "+e.ID)), e.HintsUsed, o.hintLevels())
	switch {
	case !e.Counted:
		return "Restore the suite, then run " + s.Cyan(o.cmd("check "+e.ID)) + " again."
	case e.Status == Done && next == nil:
		return s.Green("✓ "+e.Slug+" is done, and so is every exercise. Well done!") + "\nSee everything with " + s.Cyan(o.cmd("status")) + "."
	case e.Status == Done:
		return s.Green("✓ "+e.Slug+" is done!") + " Next: " + next.Slug + " — " + s.Cyan(o.cmd("check "+next.ID))
	case e.Status == BuildError:
		return "Then run " + s.Cyan(o.cmd("check "+e.ID)) + " again. " + hint
	}
	first := firstFailing(e)
	if first == nil {
		return "Edit " + strings.Join(e.Stubs, ", ") + ", then run " + s.Cyan(o.cmd("check "+e.ID)) + ". " + hint
	}
	what := "Next: make " + first.Name + " pass"
	if first.Task != "" {
		what += " (task " + first.Task + ")"
	}
	return what + ". " + hint
}

func firstFailing(e *Exercise) *Test {
	for i := range e.Tests {
		if t := &e.Tests[i]; t.Status != TestPass && t.Status != TestNotRun {
			return t
		}
	}
	for i := range e.Tests {
		if e.Tests[i].Status != TestPass {
			return &e.Tests[i]
		}
	}
	return nil
}

// WriteStatus renders the progress table of all exercises, a progress bar,
// and the next exercise with the exact commands to run. Exercises the
// checkout does not have (Absent) are listed, and left out of the counts.
func WriteStatus(w io.Writer, all []*Exercise, o Options) error {
	s := o.Style
	exs := Present(all)
	var b strings.Builder
	b.WriteString(s.Bold("Workshop progress") + "\n\n")
	t := &table{right: map[int]bool{3: true, 4: true}}
	t.add(s.Dim("#"), s.Dim("exercise"), s.Dim("status"), s.Dim("tests"), s.Dim("points"))
	for _, e := range all {
		if e.Status == Absent {
			t.add(s.Dim(e.ID), s.Dim(e.Title), s.exerciseMark(e), s.Dim("-"), s.Dim("-"))
			continue
		}
		t.add(e.ID, e.Title, s.exerciseMark(e), fmt.Sprintf("%d/%d", e.Passed, e.Total), fmt.Sprintf("%d/%d", e.Score, e.MaxScore))
	}
	b.WriteString(t.render("  "))
	for _, e := range exs {
		if !e.Counted {
			fmt.Fprintf(&b, "\n%s\n", s.Yellow(fmt.Sprintf("⚠ %s: its test files were changed (%s); it does not count until you run %s",
				e.Slug, strings.Join(e.Integrity.Files(), ", "), o.cmd("reset "+e.ID+" --tests"))))
		}
	}
	if absent := absentNote(all); absent != "" {
		b.WriteString("\n" + s.Dim(absent) + "\n")
	}
	score, maxScore := Totals(exs)
	done := DoneCount(exs)
	fmt.Fprintf(&b, "\n%s  %d/%d exercises · %d/%d points\n", s.bar(done, len(exs), 28), done, len(exs), score, maxScore)
	next := Next(exs)
	switch {
	case len(exs) == 0:
		b.WriteString("No exercises yet.\n")
	case next == nil && len(exs) < len(all):
		b.WriteString(s.Green("✓ Every exercise of this checkout is done.") + " The others come with " + s.Cyan("git pull") + ".\n")
	case next == nil:
		b.WriteString(s.Green("✓ Every exercise is done. Congratulations!") + "\n")
	default:
		b.WriteString("\n" + nextBlock(next, o))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// absentNote says which exercises the checkout does not have, or "".
func absentNote(all []*Exercise) string {
	var slugs []string
	for _, e := range all {
		if e.Status == Absent {
			slugs = append(slugs, e.Slug)
		}
	}
	switch len(slugs) {
	case 0:
		return ""
	case 1:
		return slugs[0] + " is not in this checkout yet: pull the workshop's latest version (git pull) to get it."
	}
	return strings.Join(slugs, ", ") + " are not in this checkout yet: pull the workshop's latest version (git pull) to get them."
}

func nextBlock(e *Exercise, o Options) string {
	s := o.Style
	var b strings.Builder
	what := ""
	switch {
	case !e.Counted:
		what = "restore its tests"
	case e.Status == NotStarted:
		what = "start it"
	case e.Status == BuildError:
		what = "it does not compile yet"
	default:
		what = fmt.Sprintf("%d of %d tests to go", e.Total-e.Passed, e.Total)
	}
	fmt.Fprintf(&b, "%s %s (%s): %s.\n", s.Bold("Next:"), s.Bold(e.Slug), e.Title, what)
	if !e.Counted {
		fmt.Fprintf(&b, "    %s  %s\n", s.Cyan(o.cmd("reset "+e.ID+" --tests")), s.Dim("put the original tests back (yours are kept in .grader/backup)"))
		return b.String()
	}
	if len(e.Stubs) > 0 {
		fmt.Fprintf(&b, "  Read %s/README.md, edit %s, then run:\n", e.Dir, strings.Join(e.Stubs, ", "))
	}
	t := &table{}
	t.add(s.Cyan(o.cmd("check "+e.ID)), s.Dim("run its tests"))
	t.add(s.Cyan(o.cmd("watch")), s.Dim("re-run them on every save"))
	t.add(s.Cyan(o.cmd("hint "+e.ID)), s.Dim(fmt.Sprintf("stuck? (%d of %d hints seen)", e.HintsUsed, o.hintLevels())))
	b.WriteString(t.render("    "))
	return b.String()
}

// listWidth is the width list wraps the concepts at.
const listWidth = 80

// WriteList renders the exercises with their status, then, indented below
// each, the concepts it teaches, wrapped to fit a terminal.
func WriteList(w io.Writer, all []*Exercise, o Options) error {
	s := o.Style
	t := &table{right: map[int]bool{3: true}}
	for _, e := range all {
		if e.Status == Absent {
			t.add(s.Dim(e.ID), s.Dim(e.Title), s.exerciseMark(e))
			continue
		}
		t.add(e.ID, s.Bold(e.Title), s.exerciseMark(e), fmt.Sprintf("%d/%d tests", e.Passed, e.Total),
			fmt.Sprintf("hints %d/%d", e.HintsUsed, o.hintLevels()))
	}
	heads := strings.Split(strings.TrimSuffix(t.render(""), "\n"), "\n")
	var b strings.Builder
	for i, e := range all {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(heads[i] + "\n")
		for _, l := range wrap(strings.Join(e.Concepts, " · "), listWidth-4) {
			b.WriteString("    " + s.Dim(l) + "\n")
		}
	}
	if absent := absentNote(all); absent != "" {
		b.WriteString("\n" + s.Dim(absent) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap breaks text into lines of at most width runes, at spaces (a longer
// word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case visibleLen(line)+1+visibleLen(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// WriteGradeTable renders learners × exercises with points and totals.
func WriteGradeTable(w io.Writer, g *Grade, o Options) error {
	s := o.Style
	t := &table{right: map[int]bool{}}
	head := []string{s.Dim("learner")}
	for i, ex := range g.Exercises {
		head = append(head, s.Dim(ex.ID))
		t.right[i+1] = true
	}
	head = append(head, s.Dim("total"), s.Dim("%"), s.Dim("hints"), s.Dim("notes"))
	n := len(g.Exercises)
	t.right[n+1], t.right[n+2], t.right[n+3] = true, true, true
	t.add(head...)
	for _, l := range g.Learners {
		row := []string{l.ID}
		if l.Error != "" {
			for range g.Exercises {
				row = append(row, "-")
			}
			row = append(row, "-", "-", "-", s.Red(l.Error))
			t.add(row...)
			continue
		}
		var notes []string
		for _, e := range l.Exercises {
			row = append(row, gradeCell(e, s))
			switch {
			case !e.Counted:
				notes = append(notes, e.ID+" tests edited")
			case e.Status == BuildError || e.Status == TimedOut || e.Status == Errored:
				notes = append(notes, e.ID+" "+StatusLabel(e.Status))
			}
		}
		score, maxScore := l.Score()
		row = append(row, fmt.Sprintf("%d/%d", score, maxScore), percent(score, maxScore), fmt.Sprint(l.HintsUsed()), strings.Join(notes, "; "))
		t.add(row...)
	}
	var b strings.Builder
	b.WriteString(t.render(""))
	b.WriteString(s.Dim("cells: points/max; · not started, E build error, T timed out, ! tests edited (not counted), X could not run") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func cellMark(e *Exercise) string {
	switch {
	case !e.Counted:
		return "!"
	case e.Status == NotStarted:
		return "·"
	case e.Status == BuildError:
		return "E"
	case e.Status == TimedOut:
		return "T"
	case e.Status == Errored:
		return "X"
	}
	return ""
}

func gradeCell(e *Exercise, s Style) string {
	c := fmt.Sprintf("%d/%d", e.Score, e.MaxScore)
	m := cellMark(e)
	switch {
	case m != "":
		return s.Yellow(m) + c
	case e.Status == Done:
		return s.Green(c)
	}
	return c
}

func percent(score, max int) string {
	if max == 0 {
		return "0"
	}
	return fmt.Sprintf("%.0f", 100*float64(score)/float64(max))
}
