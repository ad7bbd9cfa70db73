package ast

import (
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// SourceKind says whether a statement is about a stream or a table.
type SourceKind int

// The source kinds.
const (
	StreamKind SourceKind = iota + 1
	TableKind
)

// String returns STREAM or TABLE.
func (k SourceKind) String() string {
	if k == TableKind {
		return "TABLE"
	}
	return "STREAM"
}

// Constraint marks a column as part of the key.
type Constraint int

// The column constraints.
const (
	NoConstraint Constraint = iota
	KeyConstraint
	PrimaryKeyConstraint
)

// String returns KEY, PRIMARY KEY or the empty string.
func (c Constraint) String() string {
	switch c {
	case KeyConstraint:
		return "KEY"
	case PrimaryKeyConstraint:
		return "PRIMARY KEY"
	}
	return ""
}

// TableElement is one column of CREATE STREAM/TABLE: NAME TYPE [KEY |
// PRIMARY KEY].
type TableElement struct {
	Loc
	Name       Ident
	Type       types.Type
	Constraint Constraint
}

// Property is one NAME=literal entry of a WITH clause. Name is upper case.
type Property struct {
	Loc
	Name string
	// Value is a literal: *StringLit, *IntLit, *DecimalLit, *DoubleLit,
	// *BoolLit or *NullLit (a negative number is a *Unary of one).
	Value Expr
}

// Properties is a WITH clause, in the order written.
type Properties []Property

// Get returns the property with the given (upper-case) name.
func (ps Properties) Get(name string) (Property, bool) {
	for _, p := range ps {
		if p.Name == strings.ToUpper(name) {
			return p, true
		}
	}
	return Property{}, false
}

// CreateSource is CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT
// EXISTS] name [(columns)] [WITH (...)]: it registers a source over a
// topic, and runs no query.
type CreateSource struct {
	Loc
	Kind        SourceKind
	OrReplace   bool
	ReadOnly    bool // CREATE SOURCE STREAM/TABLE
	IfNotExists bool
	Name        Ident
	// Elements are the declared columns; nil when none are declared (the
	// schema would come from a schema registry).
	Elements []TableElement
	Props    Properties
}

// CreateAsSelect is CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name
// [WITH (...)] AS SELECT ...: a persistent query writing a new source.
type CreateAsSelect struct {
	Loc
	Kind        SourceKind
	OrReplace   bool
	IfNotExists bool
	Name        Ident
	Props       Properties
	Query       *Query
}

// InsertInto is INSERT INTO target [WITH (...)] SELECT ...: a persistent
// query writing into an existing stream.
type InsertInto struct {
	Loc
	Target Ident
	Props  Properties
	Query  *Query
}

// InsertValues is INSERT INTO target [(columns)] VALUES (values): it
// produces one row.
type InsertValues struct {
	Loc
	Target Ident
	// Columns are the named columns; nil means all of them, in order.
	Columns []Ident
	Values  []Expr
}

// SetProperty is SET 'name' = 'value'.
type SetProperty struct {
	Loc
	Name, Value string
}

// UnsetProperty is UNSET 'name'.
type UnsetProperty struct {
	Loc
	Name string
}

// ShowKind is what SHOW (or LIST) lists.
type ShowKind int

// The SHOW listings.
const (
	ShowStreams ShowKind = iota + 1
	ShowTables
	ShowQueries
	ShowTopics
	ShowProperties
	ShowFunctions
)

var showNames = map[ShowKind]string{
	ShowStreams: "STREAMS", ShowTables: "TABLES", ShowQueries: "QUERIES",
	ShowTopics: "TOPICS", ShowProperties: "PROPERTIES", ShowFunctions: "FUNCTIONS",
}

// String returns the listed thing as SQL (STREAMS, TABLES, ...).
func (k ShowKind) String() string { return showNames[k] }

// Show is SHOW|LIST STREAMS|TABLES|QUERIES|[ALL] TOPICS|PROPERTIES|FUNCTIONS
// [EXTENDED].
type Show struct {
	Loc
	What     ShowKind
	Extended bool
	// All is SHOW ALL TOPICS (internal topics too).
	All bool
}

// Describe is DESCRIBE name [EXTENDED].
type Describe struct {
	Loc
	Name     Ident
	Extended bool
}

// DescribeSources is DESCRIBE STREAMS|TABLES [EXTENDED]: every stream or
// table, described.
type DescribeSources struct {
	Loc
	Kind     SourceKind
	Extended bool
}

// DescribeFunction is DESCRIBE FUNCTION name.
type DescribeFunction struct {
	Loc
	Name Ident
}

// Explain is EXPLAIN statement or EXPLAIN query_id. Exactly one of
// Statement and QueryID is set.
type Explain struct {
	Loc
	Statement Statement
	QueryID   Ident
}

// Drop is DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC].
type Drop struct {
	Loc
	Kind        SourceKind
	IfExists    bool
	Name        Ident
	DeleteTopic bool
}

// Terminate is TERMINATE query_id or TERMINATE ALL.
type Terminate struct {
	Loc
	QueryID Ident
	All     bool
}

// Print is PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]: dump the
// raw records of a topic.
type Print struct {
	Loc
	// Topic is the topic name, case preserved.
	Topic         string
	FromBeginning bool
	Interval      *int64
	Limit         *int64
}

// AssertValues is the test statement ASSERT VALUES target [(columns)]
// VALUES (...), or, with Tombstone, ASSERT NULL VALUES target [(columns)]
// KEY (...): the next record of target must be this row (or a tombstone
// for this key).
type AssertValues struct {
	Loc
	Target    Ident
	Columns   []Ident
	Values    []Expr
	Tombstone bool
}

// AssertSource is the test statement ASSERT STREAM|TABLE name [(columns)]
// [WITH (...)]: the source must exist with this schema and properties.
type AssertSource struct {
	Loc
	Kind     SourceKind
	Name     Ident
	Elements []TableElement
	Props    Properties
}

func (*CreateSource) statementNode()     {}
func (*CreateAsSelect) statementNode()   {}
func (*InsertInto) statementNode()       {}
func (*InsertValues) statementNode()     {}
func (*Query) statementNode()            {}
func (*SetProperty) statementNode()      {}
func (*UnsetProperty) statementNode()    {}
func (*Show) statementNode()             {}
func (*Describe) statementNode()         {}
func (*DescribeSources) statementNode()  {}
func (*DescribeFunction) statementNode() {}
func (*Explain) statementNode()          {}
func (*Drop) statementNode()             {}
func (*Terminate) statementNode()        {}
func (*Print) statementNode()            {}
func (*AssertValues) statementNode()     {}
func (*AssertSource) statementNode()     {}
