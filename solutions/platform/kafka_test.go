package platform_test

import (
	"flag"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func TestKafkaFlagsTakeDefaultsFromEnv(t *testing.T) {
	t.Setenv("KAFKA_BOOTSTRAP_SERVERS", "a:1, b:2")
	t.Setenv("KAFKA_SASL_USER", "u")
	var k platform.Kafka
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	k.Register(fs)
	require.NoError(t, fs.Parse(nil))
	var c kafka.Config
	k.Apply(&c)
	require.Equal(t, []string{"a:1", "b:2"}, c.BootstrapServers)
	require.NotNil(t, c.SASL)
	require.Equal(t, "u", c.SASL.User)
	require.Nil(t, c.TLS)

	require.NoError(t, fs.Parse([]string{"--bootstrap-servers=c:3", "--kafka-tls"}))
	k.Apply(&c)
	require.Equal(t, []string{"c:3"}, c.BootstrapServers)
	require.NotNil(t, c.TLS)
}

func TestSaramaSettings(t *testing.T) {
	k := platform.Kafka{BootstrapServers: "a:1", TLS: true, SASLUser: "u", SASLPassword: "p"}
	require.NoError(t, k.Validate())
	c := sarama.NewConfig()
	k.Sarama(c)
	require.True(t, c.Net.TLS.Enable)
	require.True(t, c.Net.SASL.Enable)
	require.Equal(t, sarama.SASLMechanism(sarama.SASLTypePlaintext), c.Net.SASL.Mechanism)
	require.Equal(t, "u", c.Net.SASL.User)

	c = sarama.NewConfig()
	platform.Kafka{BootstrapServers: "a:1"}.Sarama(c)
	require.False(t, c.Net.TLS.Enable)
	require.False(t, c.Net.SASL.Enable)

	require.Error(t, platform.Kafka{}.Validate())
	require.ErrorContains(t, platform.Kafka{BootstrapServers: "a:1", SASLUser: "u", SASLMechanism: "SCRAM-SHA-256"}.Validate(), "only PLAIN")
}
