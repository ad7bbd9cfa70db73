-- Exercise 07: enrichment and fraud detection in streaming SQL.
--
-- The two sources are the order system's topics, as the services write
-- them (see package domain): orders keyed by order id, customers keyed by
-- customer id, both with JSON values. JSON field names match the columns
-- ignoring case, so CUSTOMERID reads "customerId".

CREATE STREAM orders (
    id         STRING KEY,
    customerid BIGINT,
    state      STRING,
    product    STRING,
    quantity   INT,
    price      DOUBLE
) WITH (kafka_topic='orders', value_format='JSON');

CREATE TABLE customers_table (
    customerid BIGINT PRIMARY KEY,
    firstname  STRING,
    lastname   STRING,
    email      STRING,
    address    STRING,
    level      STRING
) WITH (kafka_topic='customers', value_format='JSON');

-- TODO 7.1: every order with its customer's name and level. A LEFT JOIN
-- keeps the orders of customers the table does not know yet; the result
-- is keyed by the customer id.
CREATE STREAM orders_enriched AS
  SELECT customers_table.customerid AS customerid,
         customers_table.firstname,
         customers_table.lastname,
         customers_table.level,
         orders.product,
         orders.quantity,
         orders.price
  FROM orders
  LEFT JOIN customers_table ON orders.customerid = customers_table.customerid
  EMIT CHANGES;

-- TODO 7.2: the customers who placed more than two orders in a 30-second
-- window. Three grouping columns make a key of three columns, which needs
-- the JSON key format; the grace period says how long a window waits for
-- orders that arrive late.
CREATE TABLE fraud_order WITH (key_format='json') AS
  SELECT customerid, lastname, firstname, COUNT(*) AS counts
  FROM orders_enriched
  WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 10 SECONDS)
  GROUP BY customerid, lastname, firstname
  HAVING COUNT(*) > 2
  EMIT CHANGES;
