package kafkatest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBootstrapOrder(t *testing.T) {
	container := []string{"127.0.0.1:32768"}
	tests := []struct {
		name        string
		env         string
		noDocker    string // why Docker is unusable; "" when it is usable
		want        []string
		wantSkipped bool
	}{
		{name: "environment without Docker", env: "h:1,h:2", noDocker: "no socket", want: []string{"h:1", "h:2"}},
		{name: "environment wins over Docker", env: "h:1", noDocker: "", want: []string{"h:1"}},
		{name: "container when Docker answers", want: container},
		{name: "skip without either", noDocker: "no socket", wantSkipped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var inner *testing.T
			t.Run("bootstrap", func(t *testing.T) {
				inner = t
				got = bootstrap(t, tt.env,
					func() string { return tt.noDocker },
					func(testing.TB) []string { return container })
			})
			require.Equal(t, tt.wantSkipped, inner.Skipped())
			require.Equal(t, tt.want, got)
		})
	}
}
