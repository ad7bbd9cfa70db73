package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteMarkdown writes the grade as GitHub-flavoured Markdown: a summary
// table (learner × exercise), a legend, then per learner the exercises that
// need attention. It suits a pull-request comment or $GITHUB_STEP_SUMMARY.
func WriteMarkdown(w io.Writer, g *Grade) error {
	var b strings.Builder
	b.WriteString("## Workshop grades\n\n")
	fmt.Fprintf(&b, "Graded %s with %s against %s.\n\n", g.GeneratedAt.UTC().Format(time.RFC3339), g.GoVersion, g.Workshop)

	b.WriteString("| learner |")
	for _, e := range g.Exercises {
		b.WriteString(" " + e.ID + " |")
	}
	b.WriteString(" total | % |\n|---|")
	for range g.Exercises {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|\n")
	for _, l := range g.Learners {
		b.WriteString("| " + mdEscape(l.ID) + " |")
		if l.Error != "" {
			for range g.Exercises {
				b.WriteString(" – |")
			}
			b.WriteString(" – | – |\n")
			continue
		}
		for _, e := range l.Exercises {
			b.WriteString(" " + mdCell(e) + " |")
		}
		score, maxScore := l.Score()
		fmt.Fprintf(&b, " **%d/%d** | %s |\n", score, maxScore, percent(score, maxScore))
	}
	b.WriteString("\nCells are points/max. ✅ done, · not started, 🛠 build error, ⏱ timed out, ⚠ tests edited (not counted), ❌ could not run.\n")

	var details strings.Builder
	for _, l := range g.Learners {
		var items []string
		if l.Error != "" {
			items = append(items, "could not be graded: "+l.Error)
		}
		for _, e := range l.Exercises {
			switch {
			case !e.Counted:
				items = append(items, fmt.Sprintf("%s: tests edited (%s); not counted", e.Slug, strings.Join(e.Integrity.Files(), ", ")))
			case e.Status == BuildError:
				first, _, _ := strings.Cut(e.Message, "\n")
				items = append(items, fmt.Sprintf("%s: does not compile: `%s`", e.Slug, first))
			case e.Status == TimedOut:
				items = append(items, fmt.Sprintf("%s: %s", e.Slug, e.Message))
			case e.Status == Errored:
				first, _, _ := strings.Cut(e.Message, "\n")
				items = append(items, fmt.Sprintf("%s: could not run: %s", e.Slug, first))
			}
		}
		if len(items) == 0 {
			continue
		}
		fmt.Fprintf(&details, "\n**%s**\n\n", mdEscape(l.ID))
		for _, it := range items {
			details.WriteString("- " + mdEscape(it) + "\n")
		}
	}
	if details.Len() > 0 {
		b.WriteString("\n### Needs attention\n")
		b.WriteString(details.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(e *Exercise) string {
	c := fmt.Sprintf("%d/%d", e.Score, e.MaxScore)
	switch {
	case !e.Counted:
		return "⚠ " + c
	case e.Status == Done:
		return "✅ " + c
	case e.Status == NotStarted:
		return "· " + c
	case e.Status == BuildError:
		return "🛠 " + c
	case e.Status == TimedOut:
		return "⏱ " + c
	case e.Status == Errored:
		return "❌ " + c
	}
	return c
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
