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

-- TODO 7.1: create the stream ORDERS_ENRICHED: every order with its
-- customer's name and level. Its columns, in this order: CUSTOMERID (the
-- key), FIRSTNAME, LASTNAME, LEVEL, PRODUCT, QUANTITY, PRICE. An order
-- whose customer the table does not know must still come out.
--
-- CREATE STREAM orders_enriched AS
--   SELECT ...
--   FROM orders ... customers_table ON ...
--   EMIT CHANGES;


-- TODO 7.2: create the table FRAUD_ORDER: the customers who placed more
-- than two orders in a 30-second tumbling window, with an explicit grace
-- period. Group ORDERS_ENRICHED by CUSTOMERID, LASTNAME and FIRSTNAME, and
-- name the count COUNTS.
--
-- CREATE TABLE fraud_order ... AS
--   SELECT ...
--   FROM orders_enriched
--   WINDOW ...
--   GROUP BY ...
--   HAVING ...
--   EMIT CHANGES;
