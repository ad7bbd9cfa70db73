package domain

// OrderValidationType names one of the checks an order must pass.
type OrderValidationType string

// The three checks. Each validator service writes exactly one kind.
const (
	InventoryCheck    OrderValidationType = "INVENTORY_CHECK"
	FraudCheck        OrderValidationType = "FRAUD_CHECK"
	OrderDetailsCheck OrderValidationType = "ORDER_DETAILS_CHECK"
)

// ValidationTypes returns the three checks every order goes through.
func ValidationTypes() []OrderValidationType {
	return []OrderValidationType{InventoryCheck, FraudCheck, OrderDetailsCheck}
}

// NumberOfRules is how many checks must pass before an order is validated:
// one per validation type.
const NumberOfRules = 3

// FraudLimit is the total value (quantity × price) a customer may order within
// one session before further orders fail the fraud check. Totals at or above
// the limit fail.
const FraudLimit = 2000.0

// OrderValidationResult is the outcome of one check.
type OrderValidationResult string

// The outcomes of a check.
const (
	Pass OrderValidationResult = "PASS"
	Fail OrderValidationResult = "FAIL"
	// ErrorResult is in the model for completeness; no validator writes it.
	ErrorResult OrderValidationResult = "ERROR"
)

// OrderValidation is one validator's verdict on one order, written to the
// order-validations topic keyed by the order id.
type OrderValidation struct {
	OrderID          string                `json:"orderId"`
	CheckType        OrderValidationType   `json:"checkType"`
	ValidationResult OrderValidationResult `json:"validationResult"`
}
