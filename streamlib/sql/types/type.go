package types

import (
	"fmt"
	"strings"
)

// Kind is the family of a SQL type.
type Kind int

// The kinds of SQL types. Zero is not a valid kind, so a zero Type is
// detectably unset.
const (
	KindInvalid Kind = iota
	KindBoolean
	KindInteger // INT / INTEGER: 32-bit signed
	KindBigint  // BIGINT: 64-bit signed
	KindDouble  // DOUBLE: IEEE 754 binary64
	KindDecimal // DECIMAL(precision, scale): exact
	KindString  // STRING / VARCHAR
	KindTimestamp
	KindArray
	KindMap
	KindStruct
)

var kindNames = [...]string{
	KindInvalid:   "INVALID",
	KindBoolean:   "BOOLEAN",
	KindInteger:   "INTEGER",
	KindBigint:    "BIGINT",
	KindDouble:    "DOUBLE",
	KindDecimal:   "DECIMAL",
	KindString:    "STRING",
	KindTimestamp: "TIMESTAMP",
	KindArray:     "ARRAY",
	KindMap:       "MAP",
	KindStruct:    "STRUCT",
}

// String returns the SQL keyword of the kind.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MaxDecimalPrecision is the largest precision a DECIMAL may declare, as in
// ksqlDB.
const MaxDecimalPrecision = 38

// Type is a SQL type. Primitive types are the predefined values (Boolean,
// Integer, ...); compound types are built with Array, Map and Struct.
// Types are values: compare them with Equal, never with ==, because compound
// types hold pointers.
type Type struct {
	// Kind is the type's family.
	Kind Kind
	// Precision and Scale describe a DECIMAL: Precision digits in total,
	// Scale of them after the decimal point.
	Precision, Scale int
	// Elem is the element type of an ARRAY and the value type of a MAP.
	Elem *Type
	// Key is the key type of a MAP (always STRING here, as in ksqlDB's JSON
	// support).
	Key *Type
	// Fields are the fields of a STRUCT, in declaration order.
	Fields []Field
}

// Field is a named member of a STRUCT type, or a named column in a list of
// columns.
type Field struct {
	Name string
	Type Type
}

// The primitive types. Treat them as constants.
var (
	Boolean   = Type{Kind: KindBoolean}
	Integer   = Type{Kind: KindInteger}
	Bigint    = Type{Kind: KindBigint}
	Double    = Type{Kind: KindDouble}
	String    = Type{Kind: KindString}
	Timestamp = Type{Kind: KindTimestamp}
)

// Decimal returns DECIMAL(precision, scale). Validate reports whether the
// numbers are allowed.
func Decimal(precision, scale int) Type {
	return Type{Kind: KindDecimal, Precision: precision, Scale: scale}
}

// Array returns ARRAY<elem>.
func Array(elem Type) Type {
	e := elem
	return Type{Kind: KindArray, Elem: &e}
}

// Map returns MAP<key, value>.
func Map(key, value Type) Type {
	k, v := key, value
	return Type{Kind: KindMap, Key: &k, Elem: &v}
}

// Struct returns STRUCT<fields...>.
func Struct(fields ...Field) Type {
	return Type{Kind: KindStruct, Fields: append([]Field(nil), fields...)}
}

// IsValid reports whether t has a kind.
func (t Type) IsValid() bool { return t.Kind != KindInvalid }

// IsNumeric reports whether t is INTEGER, BIGINT, DOUBLE or DECIMAL.
func (t Type) IsNumeric() bool {
	switch t.Kind {
	case KindInteger, KindBigint, KindDouble, KindDecimal:
		return true
	}
	return false
}

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t Type) IsPrimitive() bool {
	switch t.Kind {
	case KindArray, KindMap, KindStruct, KindInvalid:
		return false
	}
	return true
}

// Equal reports whether t and o are the same type. Struct field names
// compare exactly (they are already canonical upper case unless quoted).
func (t Type) Equal(o Type) bool {
	if t.Kind != o.Kind {
		return false
	}
	switch t.Kind {
	case KindDecimal:
		return t.Precision == o.Precision && t.Scale == o.Scale
	case KindArray:
		return t.Elem.Equal(*o.Elem)
	case KindMap:
		return t.Key.Equal(*o.Key) && t.Elem.Equal(*o.Elem)
	case KindStruct:
		if len(t.Fields) != len(o.Fields) {
			return false
		}
		for i := range t.Fields {
			if t.Fields[i].Name != o.Fields[i].Name || !t.Fields[i].Type.Equal(o.Fields[i].Type) {
				return false
			}
		}
		return true
	}
	return true
}

// Field returns the STRUCT field with the given name, matching exactly
// first and then ignoring case.
func (t Type) Field(name string) (Field, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	for _, f := range t.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// Validate reports a type that cannot be used: a DECIMAL with an impossible
// precision or scale, a MAP whose key is not STRING, a STRUCT with two
// fields of the same name.
func (t Type) Validate() error {
	switch t.Kind {
	case KindInvalid:
		return fmt.Errorf("invalid type")
	case KindDecimal:
		if t.Precision < 1 || t.Precision > MaxDecimalPrecision {
			return fmt.Errorf("DECIMAL precision must be between 1 and %d, got %d", MaxDecimalPrecision, t.Precision)
		}
		if t.Scale < 0 || t.Scale > t.Precision {
			return fmt.Errorf("DECIMAL scale must be between 0 and the precision (%d), got %d", t.Precision, t.Scale)
		}
	case KindArray:
		return t.Elem.Validate()
	case KindMap:
		if t.Key.Kind != KindString {
			return fmt.Errorf("MAP keys must be STRING, got %s", t.Key)
		}
		return t.Elem.Validate()
	case KindStruct:
		seen := make(map[string]bool, len(t.Fields))
		for _, f := range t.Fields {
			if seen[f.Name] {
				return fmt.Errorf("STRUCT has two fields named %s", f.Name)
			}
			seen[f.Name] = true
			if err := f.Type.Validate(); err != nil {
				return fmt.Errorf("STRUCT field %s: %w", f.Name, err)
			}
		}
	}
	return nil
}

// String formats the type as SQL, quoting struct field names with
// backticks when they are not plain upper-case identifiers.
func (t Type) String() string { return t.Format(quoteIfNeeded) }

// Format formats the type as SQL and lets the caller decide how struct
// field names are quoted (the SQL printer also quotes reserved words).
func (t Type) Format(quote func(string) string) string {
	var b strings.Builder
	t.format(&b, quote)
	return b.String()
}

func (t Type) format(b *strings.Builder, quote func(string) string) {
	switch t.Kind {
	case KindDecimal:
		fmt.Fprintf(b, "DECIMAL(%d, %d)", t.Precision, t.Scale)
	case KindArray:
		b.WriteString("ARRAY<")
		t.Elem.format(b, quote)
		b.WriteString(">")
	case KindMap:
		b.WriteString("MAP<")
		t.Key.format(b, quote)
		b.WriteString(", ")
		t.Elem.format(b, quote)
		b.WriteString(">")
	case KindStruct:
		b.WriteString("STRUCT<")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(f.Name))
			b.WriteByte(' ')
			f.Type.format(b, quote)
		}
		b.WriteString(">")
	default:
		b.WriteString(t.Kind.String())
	}
}

// quoteIfNeeded leaves plain upper-case identifiers alone and backquotes
// everything else.
func quoteIfNeeded(name string) string {
	if IsPlainIdentifier(name) {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// IsPlainIdentifier reports whether name can be written without quotes
// and still mean itself: [A-Z_][A-Z0-9_@]*. (The SQL printer also quotes
// reserved words.)
func IsPlainIdentifier(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '@'):
		default:
			return false
		}
	}
	return true
}
