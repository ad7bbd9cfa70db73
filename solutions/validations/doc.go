// Package validations is the validations aggregator of the order system,
// and the reference solution of workshop exercise 05 (stateful operations).
//
// Three validators each write one verdict per new order to
// order-validations. The aggregator reads those verdicts and the new
// orders, and writes each order back to orders once, with its final state:
//
//   - VALIDATED when domain.NumberOfRules verdicts passed. The PASS
//     verdicts of each order are counted in session windows: a session
//     lasts while verdicts keep coming within ValidationWindow of each
//     other. The count that reaches the number of rules is joined back to
//     the order (a stream-stream join, within ValidationWindow).
//
//   - FAILED on the first FAIL verdict. FAILs are counted per order, the
//     first one is joined back to the order, and later ones are dropped, so
//     an order fails once however many checks fail.
//
//     topo, err := validations.Topology()
//     if err != nil {
//     return err
//     }
//     app, err := kafka.New(topo, kafka.Config{ApplicationID: validations.ApplicationID, ...})
//
// Build adds the same nodes to a Builder of your own instead. The counts are
// kept in the stores PassCountsStore (sessions) and FailCountsStore, which
// interactive queries can read.
//
// Unlike the original tutorial's, the aggregator validates an order exactly
// when the count reaches the number of rules, so a verdict delivered twice
// cannot validate it again, and it fails an order once. It still counts
// PASS verdicts, not distinct checks: a PASS delivered twice can stand in
// for a missing one.
package validations
