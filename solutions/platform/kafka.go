package platform

import (
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// Kafka is how a service reaches the brokers.
type Kafka struct {
	// BootstrapServers: --bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS
	// (comma-separated; default localhost:9092).
	BootstrapServers string
	// TLS: --kafka-tls, KAFKA_TLS ("true" encrypts connections).
	TLS bool
	// SASLMechanism: --kafka-sasl-mechanism, KAFKA_SASL_MECHANISM (PLAIN
	// when a user is set; PLAIN is the only one the commands support).
	SASLMechanism string
	// SASLUser: --kafka-sasl-user, KAFKA_SASL_USER.
	SASLUser string
	// SASLPassword: --kafka-sasl-password, KAFKA_SASL_PASSWORD.
	SASLPassword string
}

// Env returns the environment variable behind a flag name:
// "bootstrap-servers" is KAFKA_BOOTSTRAP_SERVERS, "kafka-tls" is KAFKA_TLS.
func Env(flagName string) string {
	n := strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
	if !strings.HasPrefix(n, "KAFKA_") && flagName == "bootstrap-servers" {
		n = "KAFKA_" + n
	}
	return n
}

func envOr(flagName, def string) string {
	if v, ok := os.LookupEnv(Env(flagName)); ok {
		return v
	}
	return def
}

// Register adds the flags to fs, with defaults from the environment.
func (k *Kafka) Register(fs *flag.FlagSet) {
	fs.StringVar(&k.BootstrapServers, "bootstrap-servers", envOr("bootstrap-servers", "localhost:9092"), "Kafka bootstrap servers, comma-separated (env "+Env("bootstrap-servers")+")")
	fs.BoolVar(&k.TLS, "kafka-tls", envOr("kafka-tls", "") == "true", "encrypt connections to Kafka (env "+Env("kafka-tls")+")")
	fs.StringVar(&k.SASLMechanism, "kafka-sasl-mechanism", envOr("kafka-sasl-mechanism", ""), "SASL mechanism (env "+Env("kafka-sasl-mechanism")+")")
	fs.StringVar(&k.SASLUser, "kafka-sasl-user", envOr("kafka-sasl-user", ""), "SASL user (env "+Env("kafka-sasl-user")+")")
	fs.StringVar(&k.SASLPassword, "kafka-sasl-password", envOr("kafka-sasl-password", ""), "SASL password (env "+Env("kafka-sasl-password")+")")
}

// Brokers returns the bootstrap servers as a list.
func (k Kafka) Brokers() []string {
	var out []string
	for _, s := range strings.Split(k.BootstrapServers, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Apply sets the broker, TLS and SASL fields of c.
func (k Kafka) Apply(c *kafka.Config) {
	c.BootstrapServers = k.Brokers()
	if k.TLS {
		c.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if k.SASLUser != "" {
		c.SASL = &kafka.SASL{Mechanism: k.SASLMechanism, User: k.SASLUser, Password: k.SASLPassword}
	}
}

// Validate reports settings the commands cannot use: no bootstrap server,
// or a SASL mechanism other than PLAIN.
func (k Kafka) Validate() error {
	if len(k.Brokers()) == 0 {
		return fmt.Errorf("--bootstrap-servers (%s) is empty", Env("bootstrap-servers"))
	}
	if k.SASLUser != "" && k.SASLMechanism != "" && k.SASLMechanism != sarama.SASLTypePlaintext {
		return fmt.Errorf("--kafka-sasl-mechanism %q: only %s is supported", k.SASLMechanism, sarama.SASLTypePlaintext)
	}
	return nil
}

// Sarama sets the TLS and SASL settings of a sarama configuration, for
// the services that use sarama directly. Pass it as their Sarama hook.
func (k Kafka) Sarama(c *sarama.Config) {
	if k.TLS {
		c.Net.TLS.Enable = true
		c.Net.TLS.Config = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if k.SASLUser != "" {
		c.Net.SASL.Enable = true
		c.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		c.Net.SASL.User = k.SASLUser
		c.Net.SASL.Password = k.SASLPassword
	}
}
