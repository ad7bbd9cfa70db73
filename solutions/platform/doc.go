// Package platform holds the settings every service of the order system
// shares, read the same way by every command: a flag, whose default comes
// from an environment variable of the matching upper-case name (flag
// --bootstrap-servers, variable KAFKA_BOOTSTRAP_SERVERS).
//
//	var cfg platform.Kafka
//	cfg.Register(flag.CommandLine)
//	flag.Parse()
//	kc := kafka.Config{ApplicationID: "fraud"}
//	cfg.Apply(&kc)
package platform
