package domain

// Customer is a person who orders. Customers arrive on the customers topic,
// keyed by ID, from the shop's customer database.
type Customer struct {
	ID        int64  `json:"id"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
	Address   string `json:"address"`
	// Level is one of the Level constants; it names the topic that
	// enriched orders of this customer are routed to.
	Level string `json:"level"`
}

// Customer levels. Each is also the name of a topic (see LevelTopic).
const (
	LevelPlatinum = "platinum"
	LevelGold     = "gold"
	LevelSilver   = "silver"
	LevelBronze   = "bronze"
	// DefaultLevel is the level of a customer whose record has none.
	DefaultLevel = LevelBronze
)

// Levels returns the customer levels, highest first.
func Levels() []string { return []string{LevelPlatinum, LevelGold, LevelSilver, LevelBronze} }

// LevelOrDefault returns c.Level, or DefaultLevel when it is empty.
func (c Customer) LevelOrDefault() string {
	if c.Level == "" {
		return DefaultLevel
	}
	return c.Level
}

// Payment pays for an order. Payments are keyed by their own id on the
// payments topic; OrderID links them to the order.
type Payment struct {
	ID      string  `json:"id"`
	OrderID string  `json:"orderId"`
	Ccy     string  `json:"ccy"`
	Amount  float64 `json:"amount"`
}
