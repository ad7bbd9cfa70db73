package platform_test

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func TestServiceFlags(t *testing.T) {
	t.Setenv("KAFKA_BOOTSTRAP_SERVERS", "k:9")
	t.Setenv("PROCESSING_GUARANTEE", "exactly-once")
	t.Setenv("STATE_DIR", "/var/lib/fraud")
	var svc platform.Service
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	svc.Register(fs, "fraud-service", ":8091")
	require.NoError(t, fs.Parse([]string{"--log-level", "warn"}))
	log, err := svc.Logger()
	require.NoError(t, err)
	cfg, err := svc.Config("FraudService", log)
	require.NoError(t, err)
	require.Equal(t, "FraudService", cfg.ApplicationID)
	require.Equal(t, []string{"k:9"}, cfg.BootstrapServers)
	require.Equal(t, "/var/lib/fraud", cfg.StateDir)
	require.Equal(t, kafka.ExactlyOnce, cfg.Guarantee)
	require.Equal(t, ":8091", svc.Listen)

	require.NoError(t, fs.Parse([]string{"--processing-guarantee", "twice"}))
	_, err = svc.Config("FraudService", log)
	require.ErrorContains(t, err, "at-least-once or exactly-once")
	require.NoError(t, fs.Parse([]string{"--log-level", "loud"}))
	_, err = svc.Logger()
	require.ErrorContains(t, err, "--log-level")

	var client platform.Service
	fs = flag.NewFlagSet("c", flag.ContinueOnError)
	client.RegisterClient(fs)
	require.Nil(t, fs.Lookup("state-dir"), "a client has no state")
	require.NotNil(t, fs.Lookup("bootstrap-servers"))
}
