// Package generator puts data into the order system, as a shop's other
// systems would:
//
//   - Customers, the nine customers of the original tutorial (a seed file,
//     customers.json), which SeedCustomers writes to the customers topic,
//     keyed by id;
//   - the warehouse's stock, which SeedInventory writes to
//     warehouse-inventory (DefaultStock: 20 UNDERPANTS and 10 JUMPERS, as in
//     the original; STOCKINGS only when asked, so orders for them fail the
//     inventory check);
//   - orders, which RunOrders posts to the orders service's REST API at a
//     given rate, each followed by its payment on the payments topic, while
//     it shows its progress.
//
// Seeding and generating from a program:
//
//	p, err := generator.NewProducer(brokers, nil)
//	defer p.Close()
//	err = generator.SeedCustomers(ctx, p, generator.Customers())
//	err = generator.SeedInventory(ctx, p, generator.DefaultStock())
//	stats, err := generator.RunOrders(ctx, generator.OrdersConfig{
//		URL: "http://localhost:8080", Payments: p, Rate: 2, Count: 100, Progress: os.Stderr,
//	})
//
// Every record is produced with the murmur2 partitioner, as the streams
// runtime partitions, so a payment meets its order in the email service's
// join.
package generator
