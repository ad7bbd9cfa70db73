// Package enrichment is exercise 07: two persistent queries in streaming
// SQL, in enrichment.sql, that enrich orders with their customers and
// count each customer's orders in 30-second windows. Its suite runs the
// file on the SQL engine of streamlib/sql, on the test driver.
package enrichment
