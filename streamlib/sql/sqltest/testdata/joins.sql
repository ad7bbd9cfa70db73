-- Joins: stream-table, stream-stream and table-table.

--@test: stream table inner join
--@ksqldb: an INNER stream-table join emits a stream record joined with the table's current row, and drops the records that find no row (QTT joins.json "stream to table inner join")
CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM named AS SELECT o.customerid AS customerid, c.name, o.product
  FROM orders o JOIN customers c ON o.customerid = c.id;
INSERT INTO customers (ROWTIME, id, name) VALUES (0, 1, 'Ada');
INSERT INTO orders (ROWTIME, id, customerid, product) VALUES (10, 'o1', 1, 'pen');
INSERT INTO orders (ROWTIME, id, customerid, product) VALUES (20, 'o2', 2, 'ink');
ASSERT VALUES named (ROWTIME, customerid, name, product) VALUES (10, 1, 'Ada', 'pen');

--@test: stream table left join
--@ksqldb: a LEFT stream-table join emits every stream record; the table's columns are NULL when the table has no row for the key (QTT joins.json "stream to table left join")
CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM enriched AS SELECT o.customerid AS customerid, c.name, c.level, o.product
  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
INSERT INTO customers (ROWTIME, id, name, level) VALUES (0, 1, 'Ada', 'gold');
INSERT INTO orders (ROWTIME, id, customerid, product) VALUES (10, 'o1', 1, 'pen');
INSERT INTO orders (ROWTIME, id, customerid, product) VALUES (20, 'o2', 2, 'ink');
ASSERT VALUES enriched (customerid, name, level, product) VALUES (1, 'Ada', 'gold', 'pen');
ASSERT VALUES enriched (customerid, name, level, product) VALUES (2, NULL, NULL, 'ink');

--@test: only the stream side triggers
--@ksqldb: in a stream-table join a table update emits nothing; it changes what later stream records find, and a record that came before the row finds nothing (QTT joins.json, issues #4181 and #1751)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM enriched AS SELECT o.customerid AS customerid, o.id AS order_id, c.name
  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
INSERT INTO orders (ROWTIME, id, customerid) VALUES (1, 'o1', 1);
INSERT INTO customers (ROWTIME, id, name) VALUES (2, 1, 'Ada');
INSERT INTO customers (ROWTIME, id, name) VALUES (3, 1, 'Ada Lovelace');
INSERT INTO orders (ROWTIME, id, customerid) VALUES (4, 'o2', 1);
ASSERT VALUES enriched (customerid, order_id, name) VALUES (1, 'o1', NULL);
ASSERT VALUES enriched (customerid, order_id, name) VALUES (1, 'o2', 'Ada Lovelace');

--@test: a deleted table row is no longer found
--@ksqldb: a tombstone removes the table's row, so later stream records find nothing (QTT joins.json "stream to table left join" with a table tombstone)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM enriched AS SELECT o.customerid AS customerid, o.id AS order_id, c.name
  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
INSERT INTO customers (ROWTIME, id, name) VALUES (1, 1, 'Ada');
INSERT INTO orders (ROWTIME, id, customerid) VALUES (2, 'o1', 1);
--@tombstone: customers (ROWTIME, id) KEY (3, 1)
INSERT INTO orders (ROWTIME, id, customerid) VALUES (4, 'o2', 1);
ASSERT VALUES enriched (customerid, order_id, name) VALUES (1, 'o1', 'Ada');
ASSERT VALUES enriched (customerid, order_id, name) VALUES (1, 'o2', NULL);

--@test: the join result is keyed by the join expression
--@ksqldb: the key of a join result is the join column; either side's copy of it can be the projected key column, and a stream keyed otherwise is repartitioned (QTT joins.json, partition-by.json)
CREATE STREAM ratings (id STRING KEY, user_id BIGINT, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE TABLE users (uid BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='JSON');
CREATE STREAM rated AS SELECT u.uid AS uid, r.id AS rating_id, u.name, r.stars
  FROM ratings r JOIN users u ON r.user_id = u.uid;
INSERT INTO users (ROWTIME, uid, name) VALUES (0, 7, 'Ada');
INSERT INTO ratings (ROWTIME, id, user_id, stars) VALUES (1, 'r1', 7, 2);
ASSERT STREAM rated (uid BIGINT KEY, rating_id STRING, name STRING, stars INTEGER);
ASSERT VALUES rated (uid, rating_id, name, stars) VALUES (7, 'r1', 'Ada', 2);

--@test: records with a null join key are dropped
--@ksqldb: a stream record whose join column is NULL joins nothing, not even in a LEFT JOIN (QTT joins.json, issue #2657)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM enriched AS SELECT o.customerid AS customerid, o.id AS order_id, c.name
  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
INSERT INTO orders (ROWTIME, id) VALUES (1, 'o1');
INSERT INTO orders (ROWTIME, id, customerid) VALUES (2, 'o2', 5);
ASSERT VALUES enriched (customerid, order_id, name) VALUES (5, 'o2', NULL);

--@test: select star of a join prefixes the columns
--@ksqldb: SELECT * over a join names each column <ALIAS>_<COLUMN>, and the key is the left side's join column (QTT joins.json, "ColumnNames.generatedJoinColumnAlias")
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM joined AS SELECT * FROM orders o JOIN customers c ON o.customerid = c.id;
INSERT INTO customers (ROWTIME, id, name) VALUES (0, 3, 'Cy');
INSERT INTO orders (ROWTIME, id, customerid) VALUES (1, 'o1', 3);
ASSERT STREAM joined (O_CUSTOMERID BIGINT KEY, O_ID STRING, C_ID BIGINT, C_NAME STRING);
ASSERT VALUES joined (O_CUSTOMERID, O_ID, C_ID, C_NAME) VALUES (3, 'o1', 3, 'Cy');

--@test: stream stream inner join within a window
--@ksqldb: a stream-stream join pairs records with equal keys whose timestamps are WITHIN the window; the result has the larger timestamp (QTT joins.json "stream stream inner join")
CREATE STREAM orders (id STRING KEY, amount DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM payments (id STRING KEY, paid DOUBLE) WITH (kafka_topic='payments', value_format='JSON');
CREATE STREAM settled AS SELECT o.id AS id, o.amount, p.paid
  FROM orders o JOIN payments p WITHIN 10 SECONDS ON o.id = p.id;
INSERT INTO orders (ROWTIME, id, amount) VALUES (1000, 'a', 5.0);
INSERT INTO payments (ROWTIME, id, paid) VALUES (4000, 'a', 5.0);
INSERT INTO orders (ROWTIME, id, amount) VALUES (5000, 'b', 7.0);
INSERT INTO payments (ROWTIME, id, paid) VALUES (20000, 'b', 7.0);
ASSERT VALUES settled (ROWTIME, id, amount, paid) VALUES (4000, 'a', 5.0, 5.0);

--@test: stream stream join is many to many
--@ksqldb: every pair of matching records within the window joins, so two records on each side give four results (QTT joins.json)
CREATE STREAM l (k STRING KEY, a INT) WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM r (k STRING KEY, b INT) WITH (kafka_topic='r', value_format='JSON');
CREATE STREAM pairs AS SELECT l.k AS k, l.a, r.b FROM l JOIN r WITHIN 1 MINUTE ON l.k = r.k;
INSERT INTO l (ROWTIME, k, a) VALUES (1, 'x', 1);
INSERT INTO l (ROWTIME, k, a) VALUES (2, 'x', 2);
INSERT INTO r (ROWTIME, k, b) VALUES (3, 'x', 10);
INSERT INTO r (ROWTIME, k, b) VALUES (4, 'x', 20);
ASSERT VALUES pairs (k, a, b) VALUES ('x', 1, 10);
ASSERT VALUES pairs (k, a, b) VALUES ('x', 2, 10);
ASSERT VALUES pairs (k, a, b) VALUES ('x', 1, 20);
ASSERT VALUES pairs (k, a, b) VALUES ('x', 2, 20);

--@test: stream stream left join with a grace period
--@ksqldb: with a GRACE PERIOD a LEFT stream-stream join emits an unmatched left record with NULLs once its window closes (end + grace passed by stream time), not at once (upgrading notes for 0.20; QTT joins.json "...with grace")
CREATE STREAM orders (id STRING KEY, amount DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM payments (id STRING KEY, paid DOUBLE) WITH (kafka_topic='payments', value_format='JSON');
CREATE STREAM checked AS SELECT o.id AS id, o.amount, p.paid
  FROM orders o LEFT JOIN payments p WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON o.id = p.id;
INSERT INTO orders (ROWTIME, id, amount) VALUES (1000, 'a', 5.0);
INSERT INTO payments (ROWTIME, id, paid) VALUES (2000, 'a', 5.0);
INSERT INTO orders (ROWTIME, id, amount) VALUES (3000, 'b', 9.0);
INSERT INTO orders (ROWTIME, id, amount) VALUES (30000, 'c', 1.0);
ASSERT VALUES checked (ROWTIME, id, amount, paid) VALUES (2000, 'a', 5.0, 5.0);
ASSERT VALUES checked (ROWTIME, id, amount, paid) VALUES (3000, 'b', 9.0, NULL);

--@test: stream stream join repartitions by the join column
--@ksqldb: a stream-stream join on a value column re-keys that side through a repartition topic first (QTT joins.json "on non-key")
CREATE STREAM shipments (id STRING KEY, order_id STRING, carrier STRING) WITH (kafka_topic='shipments', value_format='JSON');
CREATE STREAM orders (id STRING KEY, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM shipped AS SELECT o.id AS id, o.product, s.carrier
  FROM orders o JOIN shipments s WITHIN 1 HOUR ON o.id = s.order_id;
INSERT INTO orders (ROWTIME, id, product) VALUES (1, 'o1', 'pen');
INSERT INTO shipments (ROWTIME, id, order_id, carrier) VALUES (2, 's1', 'o1', 'post');
ASSERT VALUES shipped (ROWTIME, id, product, carrier) VALUES (2, 'o1', 'pen', 'post');

--@test: table table inner join
--@ksqldb: a table-table join on primary keys has a row for every key both tables have; an update on either side emits the new joined row (QTT joins.json "table table inner join")
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance DOUBLE) WITH (kafka_topic='accounts', value_format='JSON');
CREATE TABLE summary AS SELECT c.id AS id, c.name, a.balance FROM customers c JOIN accounts a ON c.id = a.id;
INSERT INTO customers (ROWTIME, id, name) VALUES (1, 1, 'Ada');
INSERT INTO accounts (ROWTIME, id, balance) VALUES (2, 1, 10.0);
INSERT INTO accounts (ROWTIME, id, balance) VALUES (3, 2, 99.0);
INSERT INTO customers (ROWTIME, id, name) VALUES (4, 1, 'Ada L');
ASSERT VALUES summary (ROWTIME, id, name, balance) VALUES (2, 1, 'Ada', 10.0);
ASSERT VALUES summary (ROWTIME, id, name, balance) VALUES (4, 1, 'Ada L', 10.0);

--@test: table table left join and deletes
--@ksqldb: a LEFT table-table join keeps the left rows with NULLs for a missing right row; deleting the right row re-emits the left row with NULLs, deleting the left row deletes the result (QTT joins.json "table table left join")
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance DOUBLE) WITH (kafka_topic='accounts', value_format='JSON');
CREATE TABLE summary AS SELECT c.id AS id, c.name, a.balance FROM customers c LEFT JOIN accounts a ON c.id = a.id;
INSERT INTO customers (ROWTIME, id, name) VALUES (1, 1, 'Ada');
INSERT INTO accounts (ROWTIME, id, balance) VALUES (2, 1, 10.0);
--@tombstone: accounts (ROWTIME, id) KEY (3, 1)
--@tombstone: customers (ROWTIME, id) KEY (4, 1)
ASSERT VALUES summary (id, name, balance) VALUES (1, 'Ada', NULL);
ASSERT VALUES summary (id, name, balance) VALUES (1, 'Ada', 10.0);
ASSERT VALUES summary (id, name, balance) VALUES (1, 'Ada', NULL);
ASSERT NULL VALUES summary (id) KEY (1);

--@test: a chain of joins
--@ksqldb: joins chain left to right; each join's result is joined with the next source (QTT multi-joins.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT, sku STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE products (sku STRING PRIMARY KEY, title STRING) WITH (kafka_topic='products', value_format='JSON');
CREATE STREAM full_orders AS SELECT p.sku AS sku, o.id AS order_id, c.name, p.title
  FROM orders o
  JOIN customers c ON o.customerid = c.id
  JOIN products p ON o.sku = p.sku;
INSERT INTO customers (ROWTIME, id, name) VALUES (0, 1, 'Ada');
INSERT INTO products (ROWTIME, sku, title) VALUES (0, 'p1', 'Pen');
INSERT INTO orders (ROWTIME, id, customerid, sku) VALUES (5, 'o1', 1, 'p1');
ASSERT VALUES full_orders (ROWTIME, sku, order_id, name, title) VALUES (5, 'p1', 'o1', 'Ada', 'Pen');
