package kafkatest

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
)

// notTopicChar matches what Kafka forbids in topic names (legal: letters,
// digits, '.', '_', '-').
var notTopicChar = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// UniqueName returns a name for a topic, group or transactional ID that no
// other test, and no earlier run against the same broker, uses:
// prefix, the test's name, a time stamp and a random suffix. It is
// a legal topic name of at most 200 characters.
func UniqueName(t testing.TB, prefix string) string {
	t.Helper()
	const maxLen = 200
	suffix := fmt.Sprintf("-%x-%08x", time.Now().UnixNano(), rand.Uint32())
	base := prefix + "-" + t.Name()
	base = strings.Trim(notTopicChar.ReplaceAllString(base, "_"), "_")
	if len(base) > maxLen-len(suffix) {
		base = base[:maxLen-len(suffix)] // keep the suffix: it is what makes the name unique
	}
	return base + suffix
}
