-- Windowed aggregations: tumbling, hopping and session windows, grace
-- periods, EMIT FINAL and the window bounds.

--@test: tumbling window counts
--@ksqldb: a tumbling window groups records into epoch-aligned [start, start+size) windows; every update emits the window's row, keyed by the group key and the window (QTT tumbling-windows.json "count")
CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE per_page AS SELECT page, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY page;
INSERT INTO clicks (ROWTIME, id, page) VALUES (1000, 'c1', 'home');
INSERT INTO clicks (ROWTIME, id, page) VALUES (9999, 'c2', 'home');
INSERT INTO clicks (ROWTIME, id, page) VALUES (10000, 'c3', 'home');
ASSERT VALUES per_page (ROWTIME, page, WINDOWSTART, WINDOWEND, n) VALUES (1000, 'home', 0, 10000, 1);
ASSERT VALUES per_page (ROWTIME, page, WINDOWSTART, WINDOWEND, n) VALUES (9999, 'home', 0, 10000, 2);
ASSERT VALUES per_page (ROWTIME, page, WINDOWSTART, WINDOWEND, n) VALUES (10000, 'home', 10000, 20000, 1);
ASSERT TABLE per_page (page STRING PRIMARY KEY, n BIGINT) WITH (WINDOW_TYPE='TUMBLING');

--@test: hopping windows overlap
--@ksqldb: a hopping window of SIZE s ADVANCE BY a puts each record in s/a windows, and each of them emits a row (QTT hopping-windows.json, issue #4397)
CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE per_page AS SELECT page, COUNT(*) AS n FROM clicks
  WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY page;
INSERT INTO clicks (ROWTIME, id, page) VALUES (7000, 'c1', 'home');
ASSERT VALUES per_page (page, WINDOWSTART, WINDOWEND, n) VALUES ('home', 0, 10000, 1);
ASSERT VALUES per_page (page, WINDOWSTART, WINDOWEND, n) VALUES ('home', 5000, 15000, 1);

--@test: session windows merge
--@ksqldb: a session window grows while records come within the inactivity gap; a record that bridges two sessions merges them, and the merged-away sessions are deleted with tombstones before the merged row (QTT session-windows.json)
CREATE STREAM clicks (id STRING KEY, user STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE sessions AS SELECT user, COUNT(*) AS n FROM clicks
  WINDOW SESSION (30 SECONDS) GROUP BY user;
INSERT INTO clicks (ROWTIME, id, user) VALUES (0, 'c1', 'ada');
INSERT INTO clicks (ROWTIME, id, user) VALUES (50000, 'c2', 'ada');
INSERT INTO clicks (ROWTIME, id, user) VALUES (25000, 'c3', 'ada');
ASSERT VALUES sessions (user, WINDOWSTART, WINDOWEND, n) VALUES ('ada', 0, 0, 1);
ASSERT VALUES sessions (user, WINDOWSTART, WINDOWEND, n) VALUES ('ada', 50000, 50000, 1);
ASSERT NULL VALUES sessions (user, WINDOWSTART, WINDOWEND) KEY ('ada', 0, 0);
ASSERT NULL VALUES sessions (user, WINDOWSTART, WINDOWEND) KEY ('ada', 50000, 50000);
ASSERT VALUES sessions (ROWTIME, user, WINDOWSTART, WINDOWEND, n) VALUES (50000, 'ada', 0, 50000, 3);

--@test: late records are dropped after the grace period
--@ksqldb: a window closes when stream time passes its end plus the GRACE PERIOD; later records for it are dropped (QTT tumbling-windows.json "with grace", issue #4579)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY customerid;
INSERT INTO orders (ROWTIME, id, customerid) VALUES (1000, 'o1', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (11000, 'o2', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (9000, 'o3', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (12000, 'o4', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (9500, 'o5', 1);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 0, 1);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 10000, 1);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 0, 2);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 10000, 2);

--@test: the default grace period is a day
--@ksqldb: without GRACE PERIOD ksqlDB keeps a window open for 24 hours, so an out-of-order record an hour late still counts (time-and-windows documentation, issue #8643)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders
  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY customerid;
INSERT INTO orders (ROWTIME, id, customerid) VALUES (1000, 'o1', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (3600000, 'o2', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (2000, 'o3', 1);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 0, 1);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 3600000, 1);
ASSERT VALUES counts (customerid, WINDOWSTART, n) VALUES (1, 0, 2);

--@test: emit final gives one row per window
--@ksqldb: EMIT FINAL suppresses a window's updates and emits its last row once the window closes, when stream time passes end plus grace (QTT suppress.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY customerid EMIT FINAL;
INSERT INTO orders (ROWTIME, id, customerid) VALUES (1000, 'o1', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (2000, 'o2', 1);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (3000, 'o3', 2);
INSERT INTO orders (ROWTIME, id, customerid) VALUES (10000, 'o4', 1);
ASSERT VALUES counts (customerid, WINDOWSTART, WINDOWEND, n) VALUES (1, 0, 10000, 2);
ASSERT VALUES counts (customerid, WINDOWSTART, WINDOWEND, n) VALUES (2, 0, 10000, 1);

--@test: window bounds as value columns
--@ksqldb: WINDOWSTART and WINDOWEND can be selected in a windowed aggregation; under an alias they are written to the value as BIGINT milliseconds (QTT window-bounds.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, WINDOWSTART AS ws, WINDOWEND AS we, COUNT(*) AS n FROM orders
  WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY customerid;
INSERT INTO orders (ROWTIME, id, customerid) VALUES (61000, 'o1', 4);
ASSERT TABLE counts (customerid BIGINT PRIMARY KEY, ws BIGINT, we BIGINT, n BIGINT);
ASSERT VALUES counts (customerid, WINDOWSTART, WINDOWEND, ws, we, n) VALUES (4, 60000, 120000, 60000, 120000, 1);

--@test: window bounds without alias stay in the key
--@ksqldb: selecting WINDOWSTART or WINDOWEND without an alias in a persistent windowed query does not add value columns: the windowed key carries them (QTT window-bounds.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, WINDOWSTART, WINDOWEND, COUNT(*) AS n FROM orders
  WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY customerid;
INSERT INTO orders (ROWTIME, id, customerid) VALUES (5000, 'o1', 4);
ASSERT TABLE counts (customerid BIGINT PRIMARY KEY, n BIGINT);
ASSERT VALUES counts (customerid, WINDOWSTART, WINDOWEND, n) VALUES (4, 0, 60000, 1);

--@test: windowed aggregate timestamp is the latest record
--@ksqldb: a windowed aggregate row carries the largest timestamp of the records that made it, even when a record arrives out of order (QTT tumbling-windows.json, 37 same-window updates never go back)
CREATE STREAM readings (id STRING KEY, sensor STRING, v INT) WITH (kafka_topic='readings', value_format='JSON');
CREATE TABLE sums AS SELECT sensor, SUM(v) AS total FROM readings
  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY sensor;
INSERT INTO readings (ROWTIME, id, sensor, v) VALUES (5000, 'r1', 's', 1);
INSERT INTO readings (ROWTIME, id, sensor, v) VALUES (2000, 'r2', 's', 2);
ASSERT VALUES sums (ROWTIME, sensor, WINDOWSTART, total) VALUES (5000, 's', 0, 1);
ASSERT VALUES sums (ROWTIME, sensor, WINDOWSTART, total) VALUES (5000, 's', 0, 3);

--@test: fraud detection from the tutorial
--@ksqldb: the microservices tutorial's FRAUD_ORDER counts a customer's orders per 30-second tumbling window with HAVING COUNT(*) > 2 and a JSON key for three GROUP BY columns; the fourth order re-emits the row (confluentinc/examples statements-ccloud.sql)
CREATE STREAM orders_enriched (customerid BIGINT KEY, firstname STRING, lastname STRING, product STRING)
  WITH (kafka_topic='orders_enriched', value_format='JSON');
CREATE TABLE fraud_order WITH (key_format='json') AS
  SELECT customerid, lastname, firstname, COUNT(*) AS counts FROM orders_enriched
  WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 5 SECONDS)
  GROUP BY customerid, lastname, firstname HAVING COUNT(*) > 2;
INSERT INTO orders_enriched (ROWTIME, customerid, firstname, lastname, product) VALUES (1000, 1, 'Ada', 'Lovelace', 'pen');
INSERT INTO orders_enriched (ROWTIME, customerid, firstname, lastname, product) VALUES (2000, 1, 'Ada', 'Lovelace', 'ink');
INSERT INTO orders_enriched (ROWTIME, customerid, firstname, lastname, product) VALUES (3000, 1, 'Ada', 'Lovelace', 'pad');
INSERT INTO orders_enriched (ROWTIME, customerid, firstname, lastname, product) VALUES (4000, 1, 'Ada', 'Lovelace', 'pen');
INSERT INTO orders_enriched (ROWTIME, customerid, firstname, lastname, product) VALUES (31000, 1, 'Ada', 'Lovelace', 'pen');
ASSERT TABLE fraud_order (customerid BIGINT PRIMARY KEY, lastname STRING PRIMARY KEY, firstname STRING PRIMARY KEY, counts BIGINT) WITH (KEY_FORMAT='JSON');
ASSERT VALUES fraud_order (ROWTIME, customerid, lastname, firstname, WINDOWSTART, WINDOWEND, counts) VALUES (3000, 1, 'Lovelace', 'Ada', 0, 30000, 3);
ASSERT VALUES fraud_order (ROWTIME, customerid, lastname, firstname, WINDOWSTART, WINDOWEND, counts) VALUES (4000, 1, 'Lovelace', 'Ada', 0, 30000, 4);
