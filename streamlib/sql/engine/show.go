package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func (e *Engine) show(ctx context.Context, a *catalog.Show, res *Result) error {
	switch a.Stmt.What {
	case ast.ShowTopics:
		topics, err := e.rt.Topics(ctx)
		if err != nil {
			return fmt.Errorf("list topics: %w", err)
		}
		rows := make([][]string, 0, len(topics))
		for _, t := range topics {
			rows = append(rows, []string{t.Name, fmt.Sprint(t.Partitions)})
		}
		res.Text = catalog.Listing([]string{"Kafka Topic", "Partitions"}, rows)
	case ast.ShowQueries:
		rows := make([][]string, 0, len(a.Queries))
		for _, q := range a.Queries {
			status := "RUNNING"
			if rq, ok := e.queries[q.ID]; ok {
				status = rq.status()
			}
			rows = append(rows, []string{string(q.ID), "PERSISTENT", status, q.Sink, q.Statement})
		}
		res.Text = catalog.Listing([]string{"Query ID", "Query Type", "Status", "Sink Name", "Query String"}, rows)
	default:
		res.Text = a.Text()
	}
	return nil
}

// describe renders DESCRIBE; EXTENDED adds what the queries that write
// each source are doing.
func (e *Engine) describe(a *catalog.Describe) string {
	text := a.Text()
	if !a.Extended {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	for _, d := range a.Sources {
		for _, q := range d.WrittenBy {
			rq, ok := e.queries[q.ID]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "\nRuntime statistics of %s\n", q.ID)
			fmt.Fprintf(&b, "%-21s: %s\n", "Status", rq.status())
			if err := rq.run.Err(); err != nil {
				fmt.Fprintf(&b, "%-21s: %v\n", "Error", err)
			}
			fmt.Fprintf(&b, "%-21s: %d\n", "Processing errors", rq.errs.Load())
			if last := rq.last.Load(); last != nil {
				fmt.Fprintf(&b, "%-21s: %s\n", "Last processing error", *last)
			}
		}
	}
	return b.String()
}

func describeFunction(a *catalog.DescribeFunction) string {
	f := a.Function
	kind := "SCALAR"
	if f.Aggregate {
		kind = "AGGREGATE"
	}
	return fmt.Sprintf("%-12s: %s\n%-12s: %s\n%-12s: %s\n%-12s: %s\n", "Name", f.Name, "Type", kind, "Usage", f.Usage, "Description", f.Description)
}

// Table renders rows under a header as a boxed text table, the way the
// ksqlDB CLI prints the rows of a query.
func Table(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len([]rune(h))
	}
	for _, r := range rows {
		for i, cell := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], len([]rune(cell)))
			}
		}
	}
	var b strings.Builder
	rule := "+"
	for _, w := range widths {
		rule += strings.Repeat("-", w+2) + "+"
	}
	line := func(cells []string) {
		b.WriteString("|")
		for i, w := range widths {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			b.WriteString(" " + cell + strings.Repeat(" ", w-len([]rune(cell))) + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString(rule + "\n")
	line(header)
	b.WriteString(rule + "\n")
	for _, r := range rows {
		line(r)
	}
	b.WriteString(rule + "\n")
	return b.String()
}

// FormatValue writes a SQL value for display: NULL for nil, strings as
// they are, other values as CAST(x AS STRING) would.
func FormatValue(v any) string {
	if v == nil {
		return "NULL"
	}
	return types.Format(v)
}

// FormatRows renders rows with their columns as a text table.
func FormatRows(cols []Column, rows [][]any) string {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = make([]string, len(r))
		for k, v := range r {
			cells[i][k] = FormatValue(v)
		}
	}
	return Table(header, cells)
}
