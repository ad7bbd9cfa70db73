package ast

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Dump writes a node as an indented tree, one field per line, leaving out
// positions and empty fields. It shows exactly what the parser built, which
// makes it the format of the parser's golden tests and a debugging aid.
//
//	Query
//	  Select:
//	    - SelectAll
//	  From: Source
//	    Name: ORDERS
func Dump(n Node) string {
	var b strings.Builder
	d := dumper{b: &b}
	d.value(reflect.ValueOf(n), 0)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

type dumper struct{ b *strings.Builder }

var (
	identType = reflect.TypeFor[Ident]()
	typeType  = reflect.TypeFor[types.Type]()
	locType   = reflect.TypeFor[Loc]()
)

func (d dumper) line(indent int, s string) {
	d.b.WriteString(strings.Repeat("  ", indent))
	d.b.WriteString(s)
	d.b.WriteString("\n")
}

// value writes v, whose header (if any) was already written, with its
// fields at indent.
func (d dumper) value(v reflect.Value, indent int) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	d.line(indent, v.Type().Name())
	d.fields(v, indent+1)
}

func (d dumper) fields(v reflect.Value, indent int) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Type == locType || !f.IsExported() {
			continue
		}
		// Literal values show even when zero (0, FALSE, '').
		if fv.IsZero() && (f.Name != "Value" || fv.Kind() == reflect.Interface) {
			continue
		}
		d.field(f.Name, fv, indent)
	}
}

func (d dumper) field(name string, v reflect.Value, indent int) {
	if s, ok := scalar(v); ok {
		d.line(indent, name+": "+s)
		return
	}
	switch v.Kind() {
	case reflect.Slice:
		d.line(indent, name+":")
		for i := 0; i < v.Len(); i++ {
			e := v.Index(i)
			if s, ok := scalar(e); ok {
				d.line(indent+1, "- "+s)
				continue
			}
			for e.Kind() == reflect.Interface || e.Kind() == reflect.Pointer {
				e = e.Elem()
			}
			d.line(indent+1, "- "+e.Type().Name())
			d.fields(e, indent+2)
		}
	default:
		for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if s, ok := scalar(v); ok {
			d.line(indent, name+": "+s)
			return
		}
		d.line(indent, name+": "+v.Type().Name())
		d.fields(v, indent+1)
	}
}

// scalar formats the values that fit on one line.
func scalar(v reflect.Value) (string, bool) {
	switch v.Type() {
	case identType:
		return QuoteIdent(v.Interface().(Ident).Name), true
	case typeType:
		return v.Interface().(types.Type).Format(QuoteIdent), true
	}
	switch x := v.Interface().(type) {
	case fmt.Stringer:
		if v.Kind() != reflect.Struct || v.Type() == reflect.TypeFor[Duration]() {
			return x.String(), true
		}
	case string:
		return fmt.Sprintf("%q", x), true
	}
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return fmt.Sprint(v.Interface()), true
	case reflect.Pointer:
		if !v.IsNil() && v.Elem().Kind() == reflect.Int64 {
			return fmt.Sprint(v.Elem().Interface()), true
		}
	}
	return "", false
}
