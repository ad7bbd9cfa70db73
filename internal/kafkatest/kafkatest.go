package kafkatest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"
	tckafka "github.com/testcontainers/testcontainers-go/modules/kafka"

	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// BootstrapEnv is the environment variable Bootstrap reads first. The
// services and commands of this project read the same name.
const BootstrapEnv = "KAFKA_BOOTSTRAP_SERVERS"

// Image is the container image Bootstrap starts when it uses Docker.
const Image = "apache/kafka:4.4.0"

// containerStart bounds pulling and starting the container.
const containerStart = 3 * time.Minute

// Bootstrap returns the bootstrap addresses of a real Kafka broker: those
// in KAFKA_BOOTSTRAP_SERVERS if it is set, else those of an apache/kafka
// container started for this test (and removed when it ends) if a Docker
// engine answers. Otherwise it skips the test, naming the three ways to
// provide a broker.
func Bootstrap(t testing.TB) []string {
	t.Helper()
	return bootstrap(t, os.Getenv(BootstrapEnv), dockerUnavailable, startContainer)
}

// bootstrap is Bootstrap with its inputs passed in, so tests can take each
// path without touching the environment or Docker.
func bootstrap(t testing.TB, env string, dockerUnavailable func() string, startContainer func(testing.TB) []string) []string {
	t.Helper()
	if v := strings.TrimSpace(env); v != "" {
		var addrs []string
		for a := range strings.SplitSeq(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				addrs = append(addrs, a)
			}
		}
		require.NotEmpty(t, addrs, "%s=%q holds no address", BootstrapEnv, v)
		return addrs
	}
	if reason := dockerUnavailable(); reason != "" {
		t.Skipf("no Kafka broker for this integration test: %s is not set and Docker is not usable (%s). "+
			"Provide one of: (1) %s=host:port of a running broker, "+
			"(2) a Docker engine, so testcontainers can start %s, "+
			"(3) Java 17 and Maven: bash scripts/kafka.sh start, then %s=127.0.0.1:9092",
			BootstrapEnv, reason, BootstrapEnv, Image, BootstrapEnv)
	}
	return startContainer(t)
}

// dockerUnavailable returns why Docker cannot be used, or "" if it can.
func dockerUnavailable() (reason string) {
	// testcontainers panics when it finds no Docker host; that means no Docker.
	defer func() {
		if r := recover(); r != nil {
			reason = fmt.Sprintf("testcontainers found no Docker engine: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return err.Error()
	}
	defer provider.Close()
	if err := provider.Health(ctx); err != nil {
		return err.Error()
	}
	return ""
}

// startContainer runs Image through the testcontainers Kafka module.
// The module (v0.40) starts a Confluent image by a script of its own; the
// apache/kafka image has a different start script, so the command below
// waits for the module's script only to read the advertised listener it
// computed, then runs the image's own entry point.
func startContainer(t testing.TB) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), containerStart)
	defer cancel()
	const script = "/usr/sbin/testcontainers_start.sh"
	c, err := tckafka.Run(ctx, Image,
		testcontainers.WithEnv(map[string]string{
			"KAFKA_AUTO_CREATE_TOPICS_ENABLE": "true",
			"KAFKA_NUM_PARTITIONS":            "3",
		}),
		testcontainers.WithCmd("-c", "while [ ! -f "+script+" ]; do sleep 0.1; done; "+
			"eval \"$(grep '^export KAFKA_ADVERTISED_LISTENERS=' "+script+")\"; "+
			"exec /etc/kafka/docker/run"),
	)
	testcontainers.CleanupContainer(t, c)
	require.NoError(t, err, "start %s with testcontainers", Image)
	addrs, err := c.Brokers(ctx)
	require.NoError(t, err, "bootstrap address of the %s container", Image)
	return addrs
}

// Embedded starts an in-process cluster for the test, closes it when the
// test ends, and returns its bootstrap addresses. Options are those of
// package embedded, for example embedded.WithTopic.
func Embedded(t testing.TB, opts ...embedded.Option) []string {
	t.Helper()
	c, err := embedded.Start(t.Context(), opts...)
	require.NoError(t, err, "start embedded cluster")
	t.Cleanup(c.Close)
	return c.Addrs()
}
