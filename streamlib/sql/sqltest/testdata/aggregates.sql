-- GROUP BY, HAVING and the aggregate functions.

--@test: count and sum per key
--@ksqldb: GROUP BY makes a table keyed by the grouping column; every input record emits the group's updated row (QTT count.json, sum.json, group-by.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE spend AS SELECT customerid, COUNT(*) AS n, SUM(price) AS total FROM orders GROUP BY customerid;
INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (1, 'o1', 1, 2.5);
INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (2, 'o2', 2, 1.0);
INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (3, 'o3', 1, 4.0);
ASSERT TABLE spend (customerid BIGINT PRIMARY KEY, n BIGINT, total DOUBLE);
ASSERT VALUES spend (ROWTIME, customerid, n, total) VALUES (1, 1, 1, 2.5);
ASSERT VALUES spend (ROWTIME, customerid, n, total) VALUES (2, 2, 1, 1.0);
ASSERT VALUES spend (ROWTIME, customerid, n, total) VALUES (3, 1, 2, 6.5);

--@test: count of a column skips nulls
--@ksqldb: COUNT(col) counts the rows where col is not NULL, COUNT(*) every row; SUM ignores NULLs (QTT count.json)
CREATE STREAM ratings (id STRING KEY, channel STRING, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE TABLE stats AS SELECT channel, COUNT(*) AS rows_seen, COUNT(stars) AS rated, SUM(stars) AS total FROM ratings GROUP BY channel;
INSERT INTO ratings (id, channel, stars) VALUES ('r1', 'web', 4);
INSERT INTO ratings (id, channel) VALUES ('r2', 'web');
ASSERT VALUES stats (channel, rows_seen, rated, total) VALUES ('web', 1, 1, 4);
ASSERT VALUES stats (channel, rows_seen, rated, total) VALUES ('web', 2, 1, 4);

--@test: avg min and max
--@ksqldb: AVG is a DOUBLE over the non-NULL values; MIN and MAX keep the extreme non-NULL value (QTT average-udaf.json, min-group-by.json, max-group-by.json)
CREATE STREAM readings (id STRING KEY, sensor STRING, v INT) WITH (kafka_topic='readings', value_format='JSON');
CREATE TABLE stats AS SELECT sensor, AVG(v) AS mean, MIN(v) AS low, MAX(v) AS high FROM readings GROUP BY sensor;
INSERT INTO readings (id, sensor, v) VALUES ('r1', 's', 4);
INSERT INTO readings (id, sensor, v) VALUES ('r2', 's', 1);
INSERT INTO readings (id, sensor, v) VALUES ('r3', 's', 7);
ASSERT VALUES stats (sensor, mean, low, high) VALUES ('s', 4.0, 4, 4);
ASSERT VALUES stats (sensor, mean, low, high) VALUES ('s', 2.5, 1, 4);
ASSERT VALUES stats (sensor, mean, low, high) VALUES ('s', 4.0, 1, 7);

--@test: latest by offset turns a stream into a table
--@ksqldb: LATEST_BY_OFFSET keeps the value of the most recent record, skipping NULLs by default (QTT latest-offset-udaf.json)
CREATE STREAM updates (id STRING KEY, user STRING, email STRING) WITH (kafka_topic='updates', value_format='JSON');
CREATE TABLE emails AS SELECT user, LATEST_BY_OFFSET(email) AS email FROM updates GROUP BY user;
INSERT INTO updates (id, user, email) VALUES ('u1', 'ada', 'a@x');
INSERT INTO updates (id, user) VALUES ('u2', 'ada');
INSERT INTO updates (id, user, email) VALUES ('u3', 'ada', 'ada@y');
ASSERT VALUES emails (user, email) VALUES ('ada', 'a@x');
ASSERT VALUES emails (user, email) VALUES ('ada', 'a@x');
ASSERT VALUES emails (user, email) VALUES ('ada', 'ada@y');

--@test: collect list gathers values in order
--@ksqldb: COLLECT_LIST returns an ARRAY of the values in arrival order, NULLs included (QTT collect-list.json)
CREATE STREAM ratings (id STRING KEY, user STRING, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE TABLE all_stars AS SELECT user, COLLECT_LIST(stars) AS stars FROM ratings GROUP BY user;
INSERT INTO ratings (id, user, stars) VALUES ('r1', 'ada', 3);
INSERT INTO ratings (id, user, stars) VALUES ('r2', 'ada', 5);
ASSERT VALUES all_stars (user, stars) VALUES ('ada', ARRAY[3]);
ASSERT VALUES all_stars (user, stars) VALUES ('ada', ARRAY[3, 5]);

--@test: group by several columns needs a json key
--@ksqldb: a GROUP BY of several columns makes a key of several columns, which KEY_FORMAT='JSON' writes as an object (QTT multi-col-keys.json)
CREATE STREAM orders (id STRING KEY, region STRING, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE sold WITH (key_format='json') AS SELECT region, product, COUNT(*) AS n FROM orders GROUP BY region, product;
INSERT INTO orders (id, region, product) VALUES ('o1', 'eu', 'pen');
INSERT INTO orders (id, region, product) VALUES ('o2', 'eu', 'ink');
INSERT INTO orders (id, region, product) VALUES ('o3', 'eu', 'pen');
ASSERT TABLE sold (region STRING PRIMARY KEY, product STRING PRIMARY KEY, n BIGINT) WITH (KEY_FORMAT='JSON');
ASSERT VALUES sold (region, product, n) VALUES ('eu', 'pen', 1);
ASSERT VALUES sold (region, product, n) VALUES ('eu', 'ink', 1);
ASSERT VALUES sold (region, product, n) VALUES ('eu', 'pen', 2);

--@test: group by an expression
--@ksqldb: GROUP BY may group by a computed value; the projection names it with an alias, and it becomes the key column (QTT group-by.json "expression")
CREATE STREAM orders (id STRING KEY, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE by_initial AS SELECT SUBSTRING(product, 1, 1) AS initial, COUNT(*) AS n FROM orders GROUP BY SUBSTRING(product, 1, 1);
INSERT INTO orders (id, product) VALUES ('o1', 'pen');
INSERT INTO orders (id, product) VALUES ('o2', 'pad');
ASSERT TABLE by_initial (initial STRING PRIMARY KEY, n BIGINT);
ASSERT VALUES by_initial (initial, n) VALUES ('p', 1);
ASSERT VALUES by_initial (initial, n) VALUES ('p', 2);

--@test: null group keys are dropped
--@ksqldb: a record whose GROUP BY expression is NULL is dropped and counted in the processing log (QTT group-by.json "null key")
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders GROUP BY customerid;
INSERT INTO orders (id) VALUES ('o1');
INSERT INTO orders (id, customerid) VALUES ('o2', 9);
ASSERT VALUES counts (customerid, n) VALUES (9, 1);

--@test: having emits only matching groups and deletes the ones that stop matching
--@ksqldb: HAVING filters the aggregated rows; a group that never matched emits nothing, a group that stops matching gets a tombstone (QTT having.json "table having", "calculate average in having")
CREATE STREAM payments (id STRING KEY, account STRING, amount BIGINT) WITH (kafka_topic='payments', value_format='JSON');
CREATE TABLE big_spenders AS SELECT account, SUM(amount) AS total FROM payments GROUP BY account HAVING SUM(amount) > 100;
INSERT INTO payments (id, account, amount) VALUES ('p1', 'a', 50);
INSERT INTO payments (id, account, amount) VALUES ('p2', 'b', 150);
INSERT INTO payments (id, account, amount) VALUES ('p3', 'b', -60);
INSERT INTO payments (id, account, amount) VALUES ('p4', 'a', 60);
ASSERT VALUES big_spenders (account, total) VALUES ('b', 150);
ASSERT NULL VALUES big_spenders (account) KEY ('b');
ASSERT VALUES big_spenders (account, total) VALUES ('a', 110);

--@test: having on an aggregate not selected
--@ksqldb: HAVING may use an aggregate that the SELECT does not show (QTT having.json, group-by.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE regulars AS SELECT customerid, SUM(price) AS total FROM orders GROUP BY customerid HAVING COUNT(*) >= 2;
INSERT INTO orders (id, customerid, price) VALUES ('o1', 1, 1.0);
INSERT INTO orders (id, customerid, price) VALUES ('o2', 1, 2.0);
ASSERT VALUES regulars (customerid, total) VALUES (1, 3.0);

--@test: aggregating a table undoes the old row
--@ksqldb: GROUP BY over a TABLE subtracts a row's old value from its old group before adding the new one, so counts go down when a row moves (QTT group-by.json "table", TableUdaf undo)
CREATE TABLE customers (id BIGINT PRIMARY KEY, level STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE TABLE per_level AS SELECT level, COUNT(*) AS n FROM customers GROUP BY level;
INSERT INTO customers (id, level) VALUES (1, 'gold');
INSERT INTO customers (id, level) VALUES (2, 'gold');
INSERT INTO customers (id, level) VALUES (1, 'silver');
ASSERT VALUES per_level (level, n) VALUES ('gold', 1);
ASSERT VALUES per_level (level, n) VALUES ('gold', 2);
ASSERT VALUES per_level (level, n) VALUES ('gold', 1);
ASSERT VALUES per_level (level, n) VALUES ('silver', 1);

--@test: a deleted table row leaves its group
--@ksqldb: a tombstone on the aggregated table subtracts the deleted row from its group (QTT group-by.json "table", with tombstones)
CREATE TABLE accounts (id BIGINT PRIMARY KEY, branch STRING, balance BIGINT) WITH (kafka_topic='accounts', value_format='JSON');
CREATE TABLE branches AS SELECT branch, SUM(balance) AS total FROM accounts GROUP BY branch;
INSERT INTO accounts (id, branch, balance) VALUES (1, 'north', 10);
INSERT INTO accounts (id, branch, balance) VALUES (2, 'north', 5);
--@tombstone: accounts (id) KEY (1)
ASSERT VALUES branches (branch, total) VALUES ('north', 10);
ASSERT VALUES branches (branch, total) VALUES ('north', 15);
ASSERT VALUES branches (branch, total) VALUES ('north', 5);

--@test: group by the key needs no repartition
--@ksqldb: grouping a stream by its own key column aggregates in place, and the result is keyed the same way (QTT group-by.json "by key")
CREATE STREAM visits (user STRING KEY, page STRING) WITH (kafka_topic='visits', value_format='JSON');
CREATE TABLE per_user AS SELECT user, COUNT(*) AS n FROM visits GROUP BY user;
INSERT INTO visits (user, page) VALUES ('ada', 'home');
INSERT INTO visits (user, page) VALUES ('ada', 'cart');
ASSERT VALUES per_user (user, n) VALUES ('ada', 1);
ASSERT VALUES per_user (user, n) VALUES ('ada', 2);
