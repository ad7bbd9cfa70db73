package catalog

import (
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Show is the analysis of SHOW/LIST. Which field is set depends on what
// is listed; SHOW TOPICS needs the cluster, so the engine answers it.
type Show struct {
	Stmt       *ast.Show
	Sources    []*Source
	Queries    []*PersistentQuery
	Properties Properties
	Functions  []expr.FunctionInfo
}

// Statement returns the analyzed statement.
func (a *Show) Statement() ast.Statement { return a.Stmt }

func (c *Catalog) analyzeShow(s *ast.Show, props Properties) *Show {
	out := &Show{Stmt: s}
	switch s.What {
	case ast.ShowStreams:
		out.Sources = c.sourcesOf(Stream)
	case ast.ShowTables:
		out.Sources = c.sourcesOf(Table)
	case ast.ShowQueries:
		out.Queries = c.queryList()
	case ast.ShowProperties:
		out.Properties = props
	case ast.ShowFunctions:
		out.Functions = expr.Functions()
	}
	return out
}

// Text renders the listing as a table, like the ksqlDB CLI.
func (a *Show) Text() string {
	switch a.Stmt.What {
	case ast.ShowStreams, ast.ShowTables:
		head := "Stream Name"
		if a.Stmt.What == ast.ShowTables {
			head = "Table Name"
		}
		rows := [][]string{{head, "Kafka Topic", "Key Format", "Value Format", "Windowed"}}
		for _, s := range a.Sources {
			rows = append(rows, []string{s.Name, s.Topic, string(s.KeyFormat), string(s.ValueFormat), fmt.Sprint(s.Window != nil)})
		}
		return table(rows)
	case ast.ShowQueries:
		rows := [][]string{{"Query ID", "Query Type", "Status", "Sink Name", "Query String"}}
		for _, q := range a.Queries {
			rows = append(rows, []string{string(q.ID), "PERSISTENT", "RUNNING", q.Sink, q.Statement})
		}
		return table(rows)
	case ast.ShowProperties:
		rows := [][]string{{"Property", "Value"}}
		for _, n := range a.Properties.Sorted() {
			rows = append(rows, []string{n, a.Properties[n]})
		}
		return table(rows)
	case ast.ShowFunctions:
		rows := [][]string{{"Function Name", "Category"}}
		for _, f := range a.Functions {
			cat := "SCALAR"
			if f.Aggregate {
				cat = "AGGREGATE"
			}
			rows = append(rows, []string{f.Name, cat})
		}
		return table(rows)
	}
	return ""
}

// Describe is the analysis of DESCRIBE name [EXTENDED] and of DESCRIBE
// STREAMS|TABLES [EXTENDED].
type Describe struct {
	Stmt     ast.Statement
	Extended bool
	Sources  []SourceDescription
}

// Statement returns the analyzed statement.
func (a *Describe) Statement() ast.Statement { return a.Stmt }

// SourceDescription is a source with the queries that use it.
type SourceDescription struct {
	Source    *Source
	ReadBy    []*PersistentQuery
	WrittenBy []*PersistentQuery
}

func (c *Catalog) describe(s *Source) SourceDescription {
	d := SourceDescription{Source: s}
	for _, id := range c.readers(s.Name) {
		d.ReadBy = append(d.ReadBy, c.queries[id])
	}
	for _, id := range c.writers(s.Name) {
		d.WrittenBy = append(d.WrittenBy, c.queries[id])
	}
	return d
}

// Text renders the description like the ksqlDB CLI: the columns, with
// (key) or (primary key) marks, and with EXTENDED the formats, the topic
// and the queries that read and write the source.
func (a *Describe) Text() string {
	var b strings.Builder
	for i, d := range a.Sources {
		if i > 0 {
			b.WriteString("\n")
		}
		d.text(&b, a.Extended)
	}
	return b.String()
}

func typeText(t types.Type) string {
	if t.Kind == types.KindString {
		return "VARCHAR(STRING)"
	}
	return t.String()
}

func (d SourceDescription) text(b *strings.Builder, extended bool) {
	s := d.Source
	line := func(k, v string) { fmt.Fprintf(b, "%-21s: %s\n", k, v) }
	line("Name", s.Name)
	if extended {
		line("Type", s.Type.String())
		if s.Timestamp != "" {
			line("Timestamp field", s.Timestamp)
		} else {
			line("Timestamp field", "Not set - using <ROWTIME>")
		}
		line("Key format", string(s.KeyFormat))
		line("Value format", string(s.ValueFormat))
		if s.Window != nil {
			line("Window", s.Window.String())
		}
		parts := "unknown"
		if s.Partitions > 0 {
			parts = fmt.Sprint(s.Partitions)
		}
		repl := "default"
		if s.Replicas > 0 {
			repl = fmt.Sprint(s.Replicas)
		}
		line("Kafka topic", fmt.Sprintf("%s (partitions: %s, replication: %s)", s.Topic, parts, repl))
		line("Statement", s.Statement)
		b.WriteString("\n")
	}
	keyMark := " (key)"
	if s.Type == Table {
		keyMark = " (primary key)"
	}
	rows := [][]string{{"Field", "Type"}}
	for _, c := range s.Columns {
		t := typeText(c.Type)
		if c.Key {
			t += keyMark
		}
		rows = append(rows, []string{c.Name, t})
	}
	b.WriteString(table(rows))
	if !extended {
		b.WriteString("For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;\n")
		return
	}
	queries := func(title string, qs []*PersistentQuery) {
		fmt.Fprintf(b, "\n%s %s\n%s\n", title, s.Type, strings.Repeat("-", len(title)+len(s.Type.String())+1))
		for _, q := range qs {
			fmt.Fprintf(b, "%s (RUNNING) : %s\n", q.ID, q.Statement)
		}
		b.WriteString("\nFor query topology and execution plan please run: EXPLAIN <QueryId>\n")
	}
	queries("Queries that read from this", d.ReadBy)
	queries("Queries that write into this", d.WrittenBy)
}

// Listing renders rows under a header the way the ksqlDB CLI prints
// SHOW listings: aligned columns between dashed rules.
func Listing(header []string, rows [][]string) string {
	return table(append([][]string{header}, rows...))
}

// table renders rows (the first is the header) with aligned columns.
func table(rows [][]string) string {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], len([]rune(cell)))
		}
	}
	var b strings.Builder
	total := 0
	for _, w := range widths {
		total += w + 3
	}
	rule := strings.Repeat("-", total-1) + "\n"
	for i, r := range rows {
		for k, cell := range r {
			if k > 0 {
				b.WriteString("|")
			}
			b.WriteString(" " + cell + strings.Repeat(" ", widths[k]-len([]rune(cell))) + " ")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString(rule)
		}
	}
	b.WriteString(rule)
	// Trailing spaces carry no information.
	lines := strings.Split(b.String(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}
