package store

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a store leaves goroutines behind
// (Pebble runs some per database until Close).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
