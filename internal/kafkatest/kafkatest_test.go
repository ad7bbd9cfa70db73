package kafkatest_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

var legalTopic = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

func TestUniqueName(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
	}{
		{"plain", "orders"},
		{"needs cleaning / with spaces and ü", "pay ments"},
		{strings.Repeat("very-long-test-name", 20), strings.Repeat("p", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := kafkatest.UniqueName(t, tt.prefix)
			b := kafkatest.UniqueName(t, tt.prefix)
			require.NotEqual(t, a, b)
			for _, n := range []string{a, b} {
				require.Regexp(t, legalTopic, n)
				require.LessOrEqual(t, len(n), 200)
			}
			want := strings.ReplaceAll(tt.prefix, " ", "_")
			require.True(t, strings.HasPrefix(a, want[:min(len(want), 50)]), "%q should start with the prefix", a)
		})
	}
}

func TestBootstrapFromEnv(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"127.0.0.1:9092", []string{"127.0.0.1:9092"}},
		{" a:1, b:2 ,,c:3 ", []string{"a:1", "b:2", "c:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(kafkatest.BootstrapEnv, tt.env)
			require.Equal(t, tt.want, kafkatest.Bootstrap(t))
		})
	}
}

func TestEmbedded(t *testing.T) {
	addrs := kafkatest.Embedded(t, embedded.WithBrokers(2))
	require.Len(t, addrs, 2)
	kafkatest.CheckRoundTrip(t, addrs)
}
