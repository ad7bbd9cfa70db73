// Package platform holds the settings every service of the order system
// shares, read the same way by every command: a flag, whose default comes
// from an environment variable of the matching upper-case name (flag
// --bootstrap-servers, variable KAFKA_BOOTSTRAP_SERVERS; --state-dir,
// STATE_DIR).
//
// Kafka is how to reach the brokers (bootstrap servers, TLS, SASL PLAIN);
// it configures a streams application (Apply) or a plain sarama client
// (Sarama). Service adds what a streams service needs besides: its state
// directory, processing guarantee, HTTP address and log level; RunApp runs
// an application with its /metrics until a signal, and Main turns SIGINT
// and SIGTERM into a context and an error into an exit status.
//
//	var svc platform.Service
//	svc.Register(flag.CommandLine, "fraud-service", ":8091")
//	flag.Parse()
//	platform.Main("fraud", func(ctx context.Context) error {
//		log, _ := svc.Logger()
//		cfg, err := svc.Config(fraud.ApplicationID, log)
//		if err != nil {
//			return err
//		}
//		topo, _ := fraud.Topology()
//		app, err := kafka.New(topo, cfg)
//		if err != nil {
//			return err
//		}
//		return platform.RunApp(ctx, app, svc.Listen, nil, log)
//	})
package platform
