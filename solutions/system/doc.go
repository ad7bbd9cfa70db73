// Package system runs the whole order system in one process, on the
// brokers it is given: what the demo starts, and what the end-to-end tests
// drive.
//
//	client ──POST /v1/orders──▶ orders service ──CREATED──▶ [orders]
//	                                                          │
//	            ┌──────────────────┬──────────────────┬───────┤
//	            ▼                  ▼                  ▼       │
//	      order details          fraud            inventory   │   (each a verdict)
//	            └──────────────────┴──────────┬───────┘       │
//	                                          ▼               │
//	                                 [order-validations]      │
//	                                          ▼               │
//	                        validations aggregator ──VALIDATED/FAILED──▶ [orders]
//
//	[orders] ─▶ orders service's read side (GET /v1/orders/{id}[/validated])
//	[orders] + [payments] + [customers] ─▶ email service ─▶ outbox / SMTP, [platinum|gold|silver|bronze]
//	[orders] + [customers] ─▶ search service ─▶ bleve / Elasticsearch ─▶ GET /v1/search?q=
//
// Each service is its own streams application (or, for order details, its
// own consumer group), with its own application ID and state directory,
// exactly as when each runs as a separate command (solutions/cmd/...):
// only the process is shared.
//
//	s, err := system.Start(ctx, system.Config{
//		Kafka:   platform.Kafka{BootstrapServers: "localhost:9092"},
//		DataDir: "/var/lib/orders-demo",
//	})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//	fmt.Println("orders at", s.OrdersURL(0)+"/v1/orders")
//	<-ctx.Done()
//
// Start creates missing topics (CreateTopics), then waits until every
// service runs. Everything the services keep lives under Config.DataDir
// (state stores, the outbox, the bleve index) or in Kafka (changelogs,
// offsets), so a system started again on the same folder and brokers
// resumes where it stopped.
//
// The Feed tells what happens, for people to watch: each state an order
// reaches, each validator's verdict and each email sent, in order. Console
// prints it as a compact live log; the orders instances serve it as
// server-sent events at /v1/events, and Config.Routes adds routes (a web
// page) beside it.
package system
