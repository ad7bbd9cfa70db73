package catalog

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
)

// QueryID identifies a persistent query, ksqlDB style: CSAS_<SINK>_<n> for
// CREATE STREAM AS SELECT, CTAS_<SINK>_<n> for CREATE TABLE AS SELECT,
// INSERTQUERY_<n> for INSERT INTO ... SELECT. The number n is the
// catalogue's sequence number when the query started (see Catalog.Seq).
type QueryID string

// PersistentQuery is a query registered in the catalogue: it runs until
// TERMINATE.
type PersistentQuery struct {
	ID QueryID
	// Statement is the canonical SQL of the statement that started it.
	Statement string
	// Sink is the name of the source it writes.
	Sink string
	// Sources are the names of the sources it reads, in FROM order.
	Sources []string
	// Query is the analyzed query, for EXPLAIN and the planner.
	Query *Query
}

// Catalog holds the streams and tables and the persistent queries. Its
// methods are safe for concurrent use. It only records facts: creating
// topics and running queries is the engine's job, which calls Analyze to
// check a statement and Apply to record it once it has taken effect.
type Catalog struct {
	mu      sync.RWMutex
	sources map[string]*Source
	queries map[QueryID]*PersistentQuery
	seq     int
}

// New returns an empty catalogue.
func New() *Catalog {
	return &Catalog{sources: map[string]*Source{}, queries: map[QueryID]*PersistentQuery{}}
}

// Seq returns the catalogue's sequence number: how many statements have
// changed it (CREATE, CREATE AS SELECT, INSERT INTO ... SELECT, DROP,
// TERMINATE). ksqlDB numbers query ids with the offset of the statement
// in its command topic; the sequence number plays that part.
func (c *Catalog) Seq() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.seq
}

// Source returns the source with the given canonical name.
func (c *Catalog) Source(name string) (*Source, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.sources[name]
	return s, ok
}

// Sources returns all sources of the given type (0 for both), by name.
func (c *Catalog) Sources(t SourceType) []*Source {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*Source
	for _, s := range c.sources {
		if t == 0 || s.Type == t {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Query returns a persistent query by id.
func (c *Catalog) Query(id QueryID) (*PersistentQuery, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	q, ok := c.queries[id]
	return q, ok
}

// Queries returns the persistent queries in the order they started.
func (c *Catalog) Queries() []*PersistentQuery {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.queryList()
}

func (c *Catalog) queryList() []*PersistentQuery {
	out := make([]*PersistentQuery, 0, len(c.queries))
	for _, q := range c.queries {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return queryNumber(out[i].ID) < queryNumber(out[j].ID) })
	return out
}

func queryNumber(id QueryID) int {
	s := string(id)
	var n int
	if i := strings.LastIndexByte(s, '_'); i >= 0 {
		fmt.Sscanf(s[i+1:], "%d", &n)
	}
	return n
}

// Readers returns the ids of the queries that read the source, and
// Writers those that write it.
func (c *Catalog) Readers(name string) []QueryID {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.readers(name)
}

func (c *Catalog) readers(name string) []QueryID {
	var out []QueryID
	for _, q := range c.queryList() {
		for _, s := range q.Sources {
			if s == name {
				out = append(out, q.ID)
				break
			}
		}
	}
	return out
}

// Writers returns the ids of the queries that write the source.
func (c *Catalog) Writers(name string) []QueryID {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.writers(name)
}

func (c *Catalog) writers(name string) []QueryID {
	var out []QueryID
	for _, q := range c.queryList() {
		if q.Sink == name {
			out = append(out, q.ID)
		}
	}
	return out
}

// lookup finds a source for analysis, with a "does not exist" error that
// suggests a close name.
func (c *Catalog) lookup(id ast.Ident) (*Source, error) {
	if s, ok := c.sources[id.Name]; ok {
		return s, nil
	}
	names := make([]string, 0, len(c.sources))
	for n := range c.sources {
		names = append(names, n)
	}
	hint := ""
	if s := suggest.Closest(id.Name, names); s != "" {
		hint = "did you mean " + ast.QuoteIdent(s) + "?"
	} else if len(names) == 0 {
		hint = "there are no streams or tables yet; declare one with CREATE STREAM or CREATE TABLE"
	} else if strings.ToUpper(id.Name) != id.Name {
		hint = "quoted names keep their case; unquoted names are upper case"
	}
	return nil, newError(ErrNotFound, id.Pos(), hint, "%s does not exist", ast.QuoteIdent(id.Name))
}

func (c *Catalog) nextQueryID(prefix, sink string) QueryID {
	if sink == "" {
		return QueryID(fmt.Sprintf("%s_%d", prefix, c.seq))
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(sink) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return QueryID(fmt.Sprintf("%s_%s_%d", prefix, b.String(), c.seq))
}

// Apply records in the catalogue what an analyzed statement changes: a new
// source, a new persistent query, a dropped source, terminated queries.
// Analyses that change nothing (SELECT, SHOW, DESCRIBE, SET, INSERT
// VALUES, ...) are accepted and ignored. Apply fails, changing nothing,
// when the catalogue changed since the analysis in a way that conflicts
// (the source was created meanwhile, the query id is taken).
func (c *Catalog) Apply(a Analysis) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch a := a.(type) {
	case *CreateSource:
		if a.Exists {
			return nil
		}
		if old, ok := c.sources[a.Source.Name]; ok && !a.Replace {
			return newError(ErrExists, ast.Pos{}, "", "cannot add %s %s: a %s with the same name already exists",
				strings.ToLower(a.Source.Type.String()), a.Source.Name, strings.ToLower(old.Type.String()))
		}
		c.sources[a.Source.Name] = a.Source
	case *CreateAsSelect:
		if a.Exists {
			return nil
		}
		if _, ok := c.sources[a.Sink.Name]; ok {
			return newError(ErrExists, ast.Pos{}, "", "cannot add %s: it already exists", a.Sink.Name)
		}
		if _, ok := c.queries[a.QueryID]; ok {
			return newError(ErrExists, ast.Pos{}, "", "query id %s is taken", a.QueryID)
		}
		c.sources[a.Sink.Name] = a.Sink
		c.queries[a.QueryID] = &PersistentQuery{ID: a.QueryID, Statement: ast.String(a.Stmt), Sink: a.Sink.Name,
			Sources: a.Query.SourceNames(), Query: a.Query}
	case *InsertInto:
		if _, ok := c.queries[a.QueryID]; ok {
			return newError(ErrExists, ast.Pos{}, "", "query id %s is taken", a.QueryID)
		}
		c.queries[a.QueryID] = &PersistentQuery{ID: a.QueryID, Statement: ast.String(a.Stmt), Sink: a.Target.Name,
			Sources: a.Query.SourceNames(), Query: a.Query}
	case *Drop:
		if a.Source == nil {
			return nil
		}
		if rs, ws := c.readers(a.Source.Name), c.writers(a.Source.Name); len(rs)+len(ws) > 0 {
			return inUse(a.Source.Name, rs, ws)
		}
		delete(c.sources, a.Source.Name)
	case *Terminate:
		for _, id := range a.IDs {
			delete(c.queries, id)
		}
	default:
		return nil
	}
	c.seq++
	return nil
}

func inUse(name string, readers, writers []QueryID) *Error {
	list := func(ids []QueryID) string {
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = string(id)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return newError(ErrInUse, ast.Pos{}, "TERMINATE the queries first (SHOW QUERIES lists them)",
		"Cannot drop %s.\nThe following queries read from this source: %s.\nThe following queries write into this source: %s.\nYou need to terminate them before dropping %s.",
		name, list(readers), list(writers), name)
}
