package kafka

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"
)

func TestConfigDefaults(t *testing.T) {
	dir := t.TempDir()
	c, err := Config{ApplicationID: "orders", BootstrapServers: []string{"a:9092, b:9092", " "}, StateDir: dir}.withDefaults()
	require.NoError(t, err)
	require.Equal(t, []string{"a:9092", "b:9092"}, c.BootstrapServers, "comma-separated lists are split")
	require.Equal(t, 1, c.Goroutines)
	require.Equal(t, AtLeastOnce, c.Guarantee)
	require.Equal(t, DefaultCommitIntervalAtLeastOnce, c.CommitInterval)
	require.Equal(t, Earliest, c.AutoOffsetReset)
	require.Equal(t, "orders", c.ClientID)
	require.NotEmpty(t, c.InstanceID)
	require.NotNil(t, c.OnDeserializationError)
	require.NotNil(t, c.OnProductionError)
	require.NotNil(t, c.Logger)
	require.Equal(t, "orders-"+c.InstanceID+"-2", c.transactionalID(2))

	eos, err := Config{ApplicationID: "orders", BootstrapServers: []string{"a:9092"}, Guarantee: ExactlyOnce}.withDefaults()
	require.NoError(t, err)
	require.Equal(t, DefaultCommitIntervalExactlyOnce, eos.CommitInterval)
	require.Equal(t, sarama.ReadCommitted, eos.isolation())
	require.True(t, filepath.IsAbs(eos.StateDir), "the default state directory is absolute")

	other, err := Config{ApplicationID: "orders", BootstrapServers: []string{"a:9092"}, StateDir: t.TempDir()}.withDefaults()
	require.NoError(t, err)
	require.NotEqual(t, c.InstanceID, other.InstanceID, "instances with different state directories get different IDs")
	again, err := Config{ApplicationID: "orders", BootstrapServers: []string{"a:9092"}, StateDir: dir}.withDefaults()
	require.NoError(t, err)
	require.Equal(t, c.InstanceID, again.InstanceID, "the ID is stable across restarts")
}

func TestConfigErrors(t *testing.T) {
	base := func() Config { return Config{ApplicationID: "app", BootstrapServers: []string{"a:1"}} }
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no application ID", func(c *Config) { c.ApplicationID = "" }, "ApplicationID is required"},
		{"application ID not usable in topic names", func(c *Config) { c.ApplicationID = "my app" }, "only letters"},
		{"no brokers", func(c *Config) { c.BootstrapServers = nil }, "BootstrapServers is required"},
		{"negative goroutines", func(c *Config) { c.Goroutines = -1 }, "Goroutines is -1"},
		{"unknown guarantee", func(c *Config) { c.Guarantee = 7 }, "unknown Guarantee"},
		{"negative commit interval", func(c *Config) { c.CommitInterval = -time.Second }, "negative"},
		{"bad offset reset", func(c *Config) { c.AutoOffsetReset = "oldest" }, `AutoOffsetReset "oldest"`},
		{"bad application server", func(c *Config) { c.ApplicationServer = "localhost" }, "not host:port"},
		{"SCRAM without a client", func(c *Config) { c.SASL = &SASL{Mechanism: sarama.SASLTypeSCRAMSHA256} }, "needs SASL.SCRAMClient"},
		{"unsupported SASL", func(c *Config) { c.SASL = &SASL{Mechanism: "GSSAPI"} }, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			tt.change(&c)
			_, err := c.withDefaults()
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestSaramaConfig(t *testing.T) {
	c, err := Config{
		ApplicationID: "app", BootstrapServers: []string{"a:1"},
		SASL:   &SASL{User: "u", Password: "p"},
		Sarama: func(sc *sarama.Config) { sc.Version = sarama.V3_6_0_0 },
	}.withDefaults()
	require.NoError(t, err)
	sc := c.saramaConfig()
	require.True(t, sc.Net.SASL.Enable)
	require.Equal(t, sarama.SASLMechanism(sarama.SASLTypePlaintext), sc.Net.SASL.Mechanism)
	require.Equal(t, "u", sc.Net.SASL.User)
	require.Equal(t, sarama.V3_6_0_0, sc.Version, "the hook has the last word")
	require.NoError(t, sc.Validate())
}
