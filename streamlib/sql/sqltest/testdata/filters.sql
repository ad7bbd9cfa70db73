-- Filters: WHERE on streams and tables.
--
-- Every case runs on a fresh engine with auto.offset.reset=earliest, on
-- the test driver. ASSERT VALUES reads the next record of a source's
-- topic; at the end, a source an assertion read must have no records
-- left. Columns an assertion leaves out must be NULL; ROWTIME, WINDOWSTART
-- and WINDOWEND are checked only when named.

--@test: where keeps the rows whose condition is true
--@ksqldb: a WHERE clause on a stream passes the records for which the condition is TRUE and drops the others (QTT where.json, filter.json)
CREATE STREAM orders (id STRING KEY, product STRING, quantity INT, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM bulk AS SELECT id, product, quantity FROM orders WHERE quantity >= 10;
INSERT INTO orders (id, product, quantity, price) VALUES ('o1', 'pen', 12, 1.5);
INSERT INTO orders (id, product, quantity, price) VALUES ('o2', 'ink', 2, 3.0);
INSERT INTO orders (id, product, quantity, price) VALUES ('o3', 'pad', 10, 2.0);
ASSERT VALUES bulk (id, product, quantity) VALUES ('o1', 'pen', 12);
ASSERT VALUES bulk (id, product, quantity) VALUES ('o3', 'pad', 10);

--@test: a null condition drops the row
--@ksqldb: comparisons with NULL are NULL (three-valued logic), and WHERE treats NULL like FALSE (QTT null.json "null in WHERE")
CREATE STREAM orders (id STRING KEY, quantity INT) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM small AS SELECT id, quantity FROM orders WHERE quantity < 5 OR quantity > 100;
INSERT INTO orders (id, quantity) VALUES ('o1', 1);
INSERT INTO orders (id) VALUES ('o2');
INSERT INTO orders (id, quantity) VALUES ('o3', 500);
ASSERT VALUES small (id, quantity) VALUES ('o1', 1);
ASSERT VALUES small (id, quantity) VALUES ('o3', 500);

--@test: is null and is not null
--@ksqldb: IS NULL and IS NOT NULL are never NULL themselves, so they select the rows with and without a value (QTT null.json)
CREATE STREAM ratings (id STRING KEY, stars INT, message STRING) WITH (kafka_topic='ratings', value_format='JSON');
CREATE STREAM silent AS SELECT id, stars FROM ratings WHERE message IS NULL;
CREATE STREAM talkative AS SELECT id, message FROM ratings WHERE message IS NOT NULL;
INSERT INTO ratings (id, stars) VALUES ('r1', 4);
INSERT INTO ratings (id, stars, message) VALUES ('r2', 1, 'cold soup');
ASSERT VALUES silent (id, stars) VALUES ('r1', 4);
ASSERT VALUES talkative (id, message) VALUES ('r2', 'cold soup');

--@test: like in and between
--@ksqldb: LIKE matches % and _ wildcards, IN tests a list, BETWEEN is inclusive on both ends (QTT like.json, in.json, between.json)
CREATE STREAM products (sku STRING KEY, name STRING, price INT) WITH (kafka_topic='products', value_format='JSON');
CREATE STREAM picked AS SELECT sku, name FROM products
  WHERE name LIKE 'blue%' AND price BETWEEN 10 AND 20 AND sku IN ('a', 'b', 'c');
INSERT INTO products (sku, name, price) VALUES ('a', 'blue pen', 10);
INSERT INTO products (sku, name, price) VALUES ('b', 'red pen', 15);
INSERT INTO products (sku, name, price) VALUES ('c', 'blue ink', 21);
INSERT INTO products (sku, name, price) VALUES ('d', 'blue pad', 20);
INSERT INTO products (sku, name, price) VALUES ('c', 'blueish', 20);
ASSERT VALUES picked (sku, name) VALUES ('a', 'blue pen');
ASSERT VALUES picked (sku, name) VALUES ('c', 'blueish');

--@test: where on rowtime
--@ksqldb: ROWTIME is the record's timestamp, a BIGINT that WHERE can compare (QTT system-columns.json, rowtime.json)
CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE STREAM late_clicks AS SELECT id, page FROM clicks WHERE ROWTIME >= 5000;
INSERT INTO clicks (ROWTIME, id, page) VALUES (1000, 'c1', 'home');
INSERT INTO clicks (ROWTIME, id, page) VALUES (6000, 'c2', 'cart');
ASSERT VALUES late_clicks (ROWTIME, id, page) VALUES (6000, 'c2', 'cart');

--@test: the output keeps the input timestamp
--@ksqldb: a projection or filter writes each result with the timestamp of the record it came from (QTT project-filter.json)
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM expensive AS SELECT id, price FROM orders WHERE price > 100;
INSERT INTO orders (ROWTIME, id, price) VALUES (1234, 'o1', 250.0);
ASSERT VALUES expensive (ROWTIME, id, price) VALUES (1234, 'o1', 250.0);

--@test: a filtered table deletes rows that stop matching
--@ksqldb: WHERE on a table emits a tombstone for a key whose new row no longer matches, and nothing for a key that never matched (QTT table.json, filter on table)
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
  WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE platinum AS SELECT id, name FROM customers WHERE level = 'platinum';
INSERT INTO customers (id, name, level) VALUES (1, 'Ada', 'platinum');
INSERT INTO customers (id, name, level) VALUES (2, 'Bob', 'bronze');
INSERT INTO customers (id, name, level) VALUES (1, 'Ada', 'gold');
INSERT INTO customers (id, name, level) VALUES (2, 'Bob', 'platinum');
ASSERT VALUES platinum (id, name) VALUES (1, 'Ada');
ASSERT NULL VALUES platinum (id) KEY (1);
ASSERT VALUES platinum (id, name) VALUES (2, 'Bob');

--@test: a table tombstone passes a filter as a tombstone
--@ksqldb: deleting a row of a filtered table deletes it downstream when the row had matched (QTT table.json, tombstones)
CREATE TABLE customers (id BIGINT PRIMARY KEY, level STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE gold AS SELECT id, level FROM customers WHERE level = 'gold';
INSERT INTO customers (id, level) VALUES (7, 'gold');
INSERT INTO customers (id, level) VALUES (8, 'silver');
--@tombstone: customers (id) KEY (7)
--@tombstone: customers (id) KEY (8)
ASSERT VALUES gold (id, level) VALUES (7, 'gold');
ASSERT NULL VALUES gold (id) KEY (7);
