package domain_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// roundTrip serializes v with s, compares the bytes with want (when given),
// and checks that deserializing gives v back.
func roundTrip[T any](t *testing.T, s serde.Serde[T], v T, want string) {
	t.Helper()
	b, err := s.Serialize(v)
	require.NoError(t, err)
	if want != "" {
		require.Equal(t, want, string(b))
	}
	back, err := s.Deserialize(b)
	require.NoError(t, err)
	if diff := cmp.Diff(v, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestWireFormats(t *testing.T) {
	t.Run("order", func(t *testing.T) {
		o := domain.Order{ID: "0", CustomerID: 15, State: domain.Created, Product: domain.Underpants, Quantity: 3, Price: 5}
		roundTrip(t, domain.OrdersTopic().ValueSerde(), o,
			`{"id":"0","customerId":15,"state":"CREATED","product":"UNDERPANTS","quantity":3,"price":5}`)
		roundTrip(t, domain.OrdersTopic().KeySerde(), o.ID, "0")
	})
	t.Run("validation", func(t *testing.T) {
		v := domain.OrderValidation{OrderID: "1", CheckType: domain.FraudCheck, ValidationResult: domain.Fail}
		roundTrip(t, domain.OrderValidationsTopic().ValueSerde(), v,
			`{"orderId":"1","checkType":"FRAUD_CHECK","validationResult":"FAIL"}`)
	})
	t.Run("payment", func(t *testing.T) {
		p := domain.Payment{ID: "Payment:1234", OrderID: "0", Ccy: "CZK", Amount: 1000}
		roundTrip(t, domain.PaymentsTopic().ValueSerde(), p,
			`{"id":"Payment:1234","orderId":"0","ccy":"CZK","amount":1000}`)
	})
	t.Run("customer", func(t *testing.T) {
		c := domain.Customer{ID: 15, FirstName: "Franz", LastName: "Kafka", Email: "f@example.com", Address: "Prague", Level: domain.LevelGold}
		roundTrip(t, domain.CustomersTopic().ValueSerde(), c,
			`{"id":15,"firstName":"Franz","lastName":"Kafka","email":"f@example.com","address":"Prague","level":"gold"}`)
		roundTrip(t, domain.CustomersTopic().KeySerde(), c.ID, "\x00\x00\x00\x00\x00\x00\x00\x0f")
	})
	t.Run("inventory", func(t *testing.T) {
		inv := domain.WarehouseInventoryTopic()
		roundTrip(t, inv.KeySerde(), domain.Jumpers, "JUMPERS")
		roundTrip(t, inv.ValueSerde(), int32(10), "\x00\x00\x00\x0a")
	})
	t.Run("enriched and value", func(t *testing.T) {
		roundTrip(t, domain.LevelTopic(domain.LevelGold).ValueSerde(),
			domain.OrderEnriched{ID: "0", CustomerID: 15, CustomerLevel: "gold"},
			`{"id":"0","customerId":15,"customerLevel":"gold"}`)
		roundTrip(t, domain.OrderValueSerde(),
			domain.OrderValue{Order: domain.Order{ID: "0", Quantity: 2, Price: 3}, Value: 6}, "")
	})
}

func TestUnknownNamesDecode(t *testing.T) {
	// A newer producer may write names this code does not know: decoding keeps them, Valid says no.
	o, err := domain.OrdersTopic().ValueSerde().Deserialize([]byte(`{"id":"9","state":"RETURNED","product":"SOCKS"}`))
	require.NoError(t, err)
	require.False(t, o.State.Valid())
	require.False(t, o.Product.Valid())
}

func TestProductSerdeRejectsUnknown(t *testing.T) {
	s := domain.ProductSerde()
	_, err := s.Serialize("SOCKS")
	require.ErrorIs(t, err, domain.ErrUnknownProduct)
	_, err = s.Deserialize([]byte("jumpers"))
	require.ErrorIs(t, err, domain.ErrUnknownProduct)
}

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"JUMPERS", domain.Jumpers.Valid(), true},
		{"UNDERPANTS", domain.Underpants.Valid(), true},
		{"STOCKINGS", domain.Stockings.Valid(), true},
		{"empty product", domain.Product("").Valid(), false},
		{"lower-case product", domain.Product("jumpers").Valid(), false},
		{"CREATED", domain.Created.Valid(), true},
		{"SHIPPED", domain.Shipped.Valid(), true},
		{"empty state", domain.OrderState("").Valid(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.got)
		})
	}
}

func TestOrderHelpers(t *testing.T) {
	o := domain.Order{ID: "1", State: domain.Created, Quantity: 10, Price: 200}
	require.Equal(t, domain.FraudLimit, o.Value(), "10 × 200 is exactly the fraud limit")
	v := o.WithState(domain.Validated)
	require.Equal(t, domain.Validated, v.State)
	require.Equal(t, domain.Created, o.State, "WithState must not change the original")
	require.Equal(t, "42", domain.OrderID(42))
	require.Equal(t, domain.DefaultLevel, domain.Customer{}.LevelOrDefault())
	require.Equal(t, domain.LevelGold, domain.Customer{Level: domain.LevelGold}.LevelOrDefault())
}

func TestTopics(t *testing.T) {
	want := []string{"orders", "order-validations", "payments", "customers", "warehouse-inventory",
		"orders-enriched", "platinum", "gold", "silver", "bronze"}
	if diff := cmp.Diff(want, domain.TopicNames()); diff != "" {
		t.Errorf("TopicNames() (-want +got):\n%s", diff)
	}
	require.Equal(t, "gold", domain.LevelTopic("gold").Name())
	require.Equal(t, "orders-enriched", domain.OrdersEnrichedTopic().Name(), "LevelTopic must not change the shared topic")
	require.Len(t, domain.ValidationTypes(), domain.NumberOfRules)
	require.True(t, errors.Is(func() error { _, err := domain.ParseProduct("x"); return err }(), domain.ErrUnknownProduct))
}
