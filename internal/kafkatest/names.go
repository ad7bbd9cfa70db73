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
	test := strings.Trim(notTopicChar.ReplaceAllString(t.Name(), "_"), "_")
	if len(test) > 120 {
		test = test[:120]
	}
	name := fmt.Sprintf("%s-%s-%x-%08x", prefix, test, time.Now().UnixNano(), rand.Uint32())
	name = notTopicChar.ReplaceAllString(name, "_")
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}
