package format_test

import (
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

var orderCols = []types.Field{
	{Name: "CUSTOMERID", Type: types.Bigint}, {Name: "STATE", Type: types.String},
	{Name: "PRODUCT", Type: types.String}, {Name: "QUANTITY", Type: types.Integer}, {Name: "PRICE", Type: types.Double},
}

func BenchmarkJSONDecode(b *testing.B) {
	c, err := format.NewValueCodec(format.JSON, orderCols, format.Options{})
	if err != nil {
		b.Fatal(err)
	}
	data := []byte(`{"customerId":15,"state":"CREATED","product":"JUMPERS","quantity":2,"price":25.5}`)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := c.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONEncode(b *testing.B) {
	c, err := format.NewValueCodec(format.JSON, orderCols, format.Options{})
	if err != nil {
		b.Fatal(err)
	}
	row := []any{int64(15), "CREATED", "JUMPERS", int32(2), 25.5}
	for b.Loop() {
		if _, err := c.Encode(row); err != nil {
			b.Fatal(err)
		}
	}
}
