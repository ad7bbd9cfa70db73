-- Projections: expressions, names, keys, formats and timestamps.

--@test: expressions and aliases
--@ksqldb: a SELECT computes each column from the row; an alias names it (QTT project-filter.json, binary-arithmetic.json)
CREATE STREAM orders (id STRING KEY, product STRING, quantity INT, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM priced AS
  SELECT id, UCASE(product) AS product, quantity * price AS total, quantity + 1 AS next
  FROM orders;
INSERT INTO orders (id, product, quantity, price) VALUES ('o1', 'pen', 3, 1.5);
ASSERT VALUES priced (id, product, total, next) VALUES ('o1', 'PEN', 4.5, 4);
ASSERT STREAM priced (id STRING KEY, product STRING, total DOUBLE, next INTEGER);

--@test: unnamed expressions get generated names
--@ksqldb: an expression without an alias is named KSQL_COL_0, KSQL_COL_1 ... in select order, while a bare column keeps its name (QTT select.json, identifiers.json)
CREATE STREAM orders (id STRING KEY, product STRING, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM named AS SELECT id, product, price * 2, LCASE(product) FROM orders;
INSERT INTO orders (id, product, price) VALUES ('o1', 'Pen', 2.0);
ASSERT STREAM named (id STRING KEY, product STRING, KSQL_COL_0 DOUBLE, KSQL_COL_1 STRING);
ASSERT VALUES named (id, product, KSQL_COL_0, KSQL_COL_1) VALUES ('o1', 'Pen', 4.0, 'pen');

--@test: cast between types
--@ksqldb: CAST converts numbers, strings and booleans; a string that does not parse is a processing error and gives NULL (QTT cast.json)
CREATE STREAM raw (id STRING KEY, amount STRING, flag STRING, n BIGINT) WITH (kafka_topic='raw', value_format='JSON');
CREATE STREAM typed AS
  SELECT id, CAST(amount AS INTEGER) AS amount, CAST(flag AS BOOLEAN) AS flag, CAST(n AS STRING) AS n, CAST(n AS DOUBLE) / 4 AS quarter
  FROM raw;
INSERT INTO raw (id, amount, flag, n) VALUES ('a', '42', 'true', 10);
INSERT INTO raw (id, amount, flag, n) VALUES ('b', 'forty', 'no', 7);
ASSERT VALUES typed (id, amount, flag, n, quarter) VALUES ('a', 42, true, '10', 2.5);
ASSERT VALUES typed (id, amount, flag, n, quarter) VALUES ('b', NULL, false, '7', 1.75);

--@test: case expressions
--@ksqldb: a searched CASE returns the first branch whose condition is TRUE, else the ELSE value or NULL (QTT case-expression.json)
CREATE STREAM ratings (id STRING KEY, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE STREAM moods AS
  SELECT id, CASE WHEN stars >= 4 THEN 'happy' WHEN stars <= 2 THEN 'unhappy' END AS mood,
         CASE stars WHEN 3 THEN 'meh' ELSE 'other' END AS simple
  FROM ratings;
INSERT INTO ratings (id, stars) VALUES ('r1', 5);
INSERT INTO ratings (id, stars) VALUES ('r2', 3);
INSERT INTO ratings (id, stars) VALUES ('r3', 1);
ASSERT VALUES moods (id, mood, simple) VALUES ('r1', 'happy', 'other');
ASSERT VALUES moods (id, mood, simple) VALUES ('r2', NULL, 'meh');
ASSERT VALUES moods (id, mood, simple) VALUES ('r3', 'unhappy', 'other');

--@test: string functions
--@ksqldb: CONCAT joins its arguments and takes a NULL one as empty; SUBSTRING counts from 1 and gives NULL for NULL; LEN, TRIM and || work as in SQL (QTT concat.json, substring.json, len.json)
CREATE STREAM people (id STRING KEY, first STRING, last STRING) WITH (kafka_topic='people', value_format='JSON');
CREATE STREAM names AS
  SELECT id, CONCAT(first, ' ', last) AS full_name, SUBSTRING(last, 1, 3) AS short, LEN(TRIM(first)) AS n, first || '!' AS shout
  FROM people;
INSERT INTO people (id, first, last) VALUES ('p1', ' Ada ', 'Lovelace');
INSERT INTO people (id, first) VALUES ('p2', 'Bob');
ASSERT VALUES names (id, full_name, short, n, shout) VALUES ('p1', ' Ada  Lovelace', 'Lov', 3, ' Ada !');
ASSERT VALUES names (id, full_name, short, n, shout) VALUES ('p2', 'Bob ', NULL, 3, 'Bob!');

--@test: null handling functions
--@ksqldb: IFNULL and COALESCE replace NULL with the first non-NULL value (QTT ifnull.json, coalesce.json)
CREATE STREAM readings (id STRING KEY, a INT, b INT) WITH (kafka_topic='readings', value_format='JSON');
CREATE STREAM filled AS SELECT id, IFNULL(a, -1) AS a, COALESCE(a, b, 0) AS first_set FROM readings;
INSERT INTO readings (id, b) VALUES ('x', 5);
INSERT INTO readings (id) VALUES ('y');
INSERT INTO readings (id, a, b) VALUES ('z', 1, 2);
ASSERT VALUES filled (id, a, first_set) VALUES ('x', -1, 5);
ASSERT VALUES filled (id, a, first_set) VALUES ('y', -1, 0);
ASSERT VALUES filled (id, a, first_set) VALUES ('z', 1, 1);

--@test: integer division by zero gives null
--@ksqldb: an arithmetic error on one row is logged to the processing log and the column is NULL; the row is still written (QTT binary-arithmetic.json)
CREATE STREAM pairs (id STRING KEY, a INT, b INT) WITH (kafka_topic='pairs', value_format='JSON');
CREATE STREAM ratios AS SELECT id, a / b AS q, a % 3 AS r FROM pairs;
INSERT INTO pairs (id, a, b) VALUES ('p1', 7, 2);
INSERT INTO pairs (id, a, b) VALUES ('p2', 7, 0);
ASSERT VALUES ratios (id, q, r) VALUES ('p1', 3, 1);
ASSERT VALUES ratios (id, q, r) VALUES ('p2', NULL, 1);

--@test: select star keeps the key and the values
--@ksqldb: SELECT * projects every column of the source, the key column first (QTT select.json "select *")
CREATE STREAM orders (id STRING KEY, product STRING, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM copy AS SELECT * FROM orders;
INSERT INTO orders (id, product, price) VALUES ('o1', 'pen', 1.0);
ASSERT STREAM copy (id STRING KEY, product STRING, price DOUBLE) WITH (KAFKA_TOPIC='COPY', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');
ASSERT VALUES copy (id, product, price) VALUES ('o1', 'pen', 1.0);

--@test: partition by moves a value column into the key
--@ksqldb: PARTITION BY re-keys a stream; the partitioning column becomes the key and leaves the value (QTT partition-by.json, since 0.10)
CREATE STREAM ratings (id STRING KEY, user_id BIGINT, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE STREAM by_user AS SELECT user_id, id, stars FROM ratings PARTITION BY user_id;
INSERT INTO ratings (id, user_id, stars) VALUES ('r1', 42, 3);
ASSERT STREAM by_user (user_id BIGINT KEY, id STRING, stars INTEGER);
ASSERT VALUES by_user (user_id, id, stars) VALUES (42, 'r1', 3);

--@test: partition by an expression
--@ksqldb: PARTITION BY may compute the key; the key column takes its alias in the projection (QTT partition-by.json "partition by expression")
CREATE STREAM ratings (id STRING KEY, user_id BIGINT, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE STREAM by_user AS SELECT CAST(user_id AS STRING) AS uid, stars FROM ratings PARTITION BY CAST(user_id AS STRING);
INSERT INTO ratings (id, user_id, stars) VALUES ('r1', 42, 3);
ASSERT STREAM by_user (uid STRING KEY, stars INTEGER);
ASSERT VALUES by_user (uid, stars) VALUES ('42', 3);

--@test: partition by null removes the key
--@ksqldb: PARTITION BY NULL writes records without a key (QTT partition-by.json "partition by null")
CREATE STREAM ratings (id STRING KEY, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE STREAM keyless AS SELECT id AS rid, stars FROM ratings PARTITION BY NULL;
INSERT INTO ratings (id, stars) VALUES ('r1', 3);
ASSERT STREAM keyless (rid STRING, stars INTEGER);
ASSERT VALUES keyless (rid, stars) VALUES ('r1', 3);

--@test: as_value copies the key into the value
--@ksqldb: AS_VALUE(key) puts a copy of a key column in the value, next to the key column itself (QTT as_value.json)
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM with_id AS SELECT id, AS_VALUE(id) AS order_id, price FROM orders;
INSERT INTO orders (id, price) VALUES ('o1', 2.0);
ASSERT STREAM with_id (id STRING KEY, order_id STRING, price DOUBLE);
ASSERT VALUES with_id (id, order_id, price) VALUES ('o1', 'o1', 2.0);

--@test: timestamp column of the source sets rowtime
--@ksqldb: WITH (TIMESTAMP='col') takes each record's event time from a BIGINT column instead of the record timestamp (QTT timestamp-extractor.json)
CREATE STREAM events (id STRING KEY, at BIGINT, what STRING) WITH (kafka_topic='events', value_format='JSON', timestamp='at');
CREATE STREAM seen AS SELECT id, what, ROWTIME AS t FROM events;
INSERT INTO events (ROWTIME, id, at, what) VALUES (1, 'e1', 5000, 'login');
ASSERT VALUES seen (ROWTIME, id, what, t) VALUES (5000, 'e1', 'login', 5000);

--@test: delimited values
--@ksqldb: VALUE_FORMAT='DELIMITED' reads and writes the value columns as one comma-separated line, in column order (QTT delimited.json)
CREATE STREAM lines (id STRING KEY, name STRING, qty INT) WITH (kafka_topic='lines', value_format='DELIMITED');
CREATE STREAM doubled WITH (value_format='JSON') AS SELECT id, name, qty * 2 AS qty FROM lines;
INSERT INTO lines (id, name, qty) VALUES ('l1', 'pen', 4);
ASSERT VALUES doubled (id, name, qty) VALUES ('l1', 'pen', 8);
ASSERT STREAM doubled WITH (VALUE_FORMAT='JSON');

--@test: insert into select merges streams
--@ksqldb: INSERT INTO ... SELECT runs another query writing into an existing stream with the same schema (QTT insert-into.json)
CREATE STREAM web (id STRING KEY, amount DOUBLE) WITH (kafka_topic='web', value_format='JSON');
CREATE STREAM shop (id STRING KEY, amount DOUBLE) WITH (kafka_topic='shop', value_format='JSON');
CREATE STREAM sales AS SELECT id, amount FROM web;
INSERT INTO sales SELECT id, amount FROM shop;
INSERT INTO web (id, amount) VALUES ('w1', 1.0);
INSERT INTO shop (id, amount) VALUES ('s1', 2.0);
ASSERT VALUES sales (id, amount) VALUES ('w1', 1.0);
ASSERT VALUES sales (id, amount) VALUES ('s1', 2.0);
