#!/usr/bin/env bash
# kafka.sh runs a single-node Apache Kafka (KRaft, broker and controller in
# one process) on 127.0.0.1, from the jars Apache publishes on Maven Central.
# It needs Java 17+ and Maven; no Docker, no download of the release tarball.
#
#   scripts/kafka.sh start    fetch the jars if needed, format, start, wait; prints the bootstrap address
#   scripts/kafka.sh stop     stop the broker and delete its data
#   scripts/kafka.sh status   say whether it runs (exit 0) or not (exit 3)
#   scripts/kafka.sh fetch    only resolve the jars into the cache
#   scripts/kafka.sh logs     print the broker's log
#
# Settings (environment):
#   KAFKA_VERSION          Apache Kafka version                (default 4.4.0)
#   KAFKA_PORT             client (PLAINTEXT) port              (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port                (default 9093)
#   KAFKA_CACHE_DIR        where jars are kept                  (default ~/.cache/workshop-kafka/<version>)
#   KAFKA_RUN_DIR          config, data, log and pid file       (default ${TMPDIR:-/tmp}/workshop-kafka-<port>)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker       (default 120)
#   KAFKA_HEAP_OPTS        JVM heap flags                       (default -Xms256m -Xmx1g)
#
# Only stdout carries the bootstrap address, so this works:
#   export KAFKA_BOOTSTRAP_SERVERS=$(scripts/kafka.sh start)
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_CACHE_DIR=${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/workshop-kafka/$KAFKA_VERSION}
KAFKA_RUN_DIR=${KAFKA_RUN_DIR:-${TMPDIR:-/tmp}/workshop-kafka-$KAFKA_PORT}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}

# Pinned so the fetch does not depend on Maven's built-in plugin defaults.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
JARS_DIR=$KAFKA_CACHE_DIR/jars
PID_FILE=$KAFKA_RUN_DIR/kafka.pid
LOG_FILE=$KAFKA_RUN_DIR/server.log
BOOTSTRAP=127.0.0.1:$KAFKA_PORT

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

now_ms() { date +%s%3N; }
elapsed() { printf '%d.%03ds' $((($(now_ms) - $1) / 1000)) $((($(now_ms) - $1) % 1000)); }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

check_java() {
	need java "install Java 17 or newer (Kafka 4 brokers need 17+)"
	local v
	v=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
	[[ ${v%%.*} =~ ^[0-9]+$ ]] || die "cannot read the Java version (java.specification.version=$v)"
	((${v%%.*} >= 17)) || die "Java $v found; Kafka $KAFKA_VERSION brokers need Java 17 or newer"
}

# port_open answers whether something accepts connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# running_pid prints the broker's pid if it runs. The command line is
# checked too, so a reused pid never gets a signal from stop.
running_pid() {
	[[ -f $PID_FILE ]] || return 1
	local pid
	pid=$(<"$PID_FILE")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
	if [[ -r /proc/$pid/cmdline ]]; then
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
	fi
	echo "$pid"
}

# fetch resolves org.apache.kafka:kafka_2.13 and its runtime dependencies
# into $JARS_DIR through a throwaway POM. A stamp file marks a complete
# fetch, so an interrupted one is redone.
fetch() {
	if [[ -f $KAFKA_CACHE_DIR/.complete ]]; then
		say "jars for Kafka $KAFKA_VERSION cached in $JARS_DIR"
		return
	fi
	need mvn "install Maven 3.6 or newer"
	local start
	start=$(now_ms)
	say "resolving Kafka $KAFKA_VERSION from Maven Central into $KAFKA_CACHE_DIR ..."
	rm -rf "$JARS_DIR"
	mkdir -p "$KAFKA_CACHE_DIR"
	# log4j-core and the SLF4J bridge are what the Kafka distribution logs
	# through; the kafka_2.13 POM leaves the choice of backend to users.
	cat >"$KAFKA_CACHE_DIR/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>workshop.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>2.24.3</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.24.3</version>
    </dependency>
  </dependencies>
</project>
POM
	# Maven's output is only worth reading when it fails.
	if ! mvn -B -q -Dstyle.color=never -f "$KAFKA_CACHE_DIR/pom.xml" \
		-Dmaven.repo.local="$KAFKA_CACHE_DIR/m2" \
		"$DEPENDENCY_PLUGIN:copy-dependencies" \
		-DincludeScope=runtime -DoutputDirectory="$JARS_DIR" >"$KAFKA_CACHE_DIR/mvn.log" 2>&1; then
		cat "$KAFKA_CACHE_DIR/mvn.log" >&2
		die "mvn could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (network? version?)"
	fi
	ls "$JARS_DIR"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after the fetch"
	# The jars are copied out; the Maven repository is only a download area.
	rm -rf "$KAFKA_CACHE_DIR/m2"
	touch "$KAFKA_CACHE_DIR/.complete"
	say "fetched $(find "$JARS_DIR" -name "*.jar" | wc -l) jars in $(elapsed "$start")"
}

write_config() {
	mkdir -p "$KAFKA_RUN_DIR/data"
	cat >"$KAFKA_RUN_DIR/server.properties" <<PROPS
# Written by scripts/kafka.sh: one node that is broker and KRaft controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$BOOTSTRAP
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_RUN_DIR/data

# Topics: created on first use, like the embedded cluster does.
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1

# Internal topics of a single node: one replica, few partitions (fast to create).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Tests start and stop group members quickly; do not wait for more to join.
group.initial.rebalance.delay.ms=0
PROPS
	cat >"$KAFKA_RUN_DIR/log4j2.properties" <<'LOG'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
LOG
}

start() {
	local pid
	if pid=$(running_pid); then
		say "already running (pid $pid) on $BOOTSTRAP"
		echo "$BOOTSTRAP"
		return
	fi
	for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
		port_open "$p" && die "port $p on 127.0.0.1 is taken; set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
	done
	check_java
	fetch

	rm -rf "$KAFKA_RUN_DIR"
	write_config
	local cp="$JARS_DIR/*" start cluster_id
	start=$(now_ms)
	# A cluster ID is 16 random bytes in URL-safe base64 without padding.
	cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
	java -cp "$cp" -Dlog4j2.configurationFile="$KAFKA_RUN_DIR/log4j2.properties" \
		kafka.tools.StorageTool format --cluster-id "$cluster_id" \
		--config "$KAFKA_RUN_DIR/server.properties" >"$KAFKA_RUN_DIR/format.log" 2>&1 ||
		{ cat "$KAFKA_RUN_DIR/format.log" >&2; die "formatting the storage failed"; }
	say "storage formatted in $(elapsed "$start")"

	start=$(now_ms)
	# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several flags
	nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$KAFKA_RUN_DIR/log4j2.properties" \
		-cp "$cp" kafka.Kafka "$KAFKA_RUN_DIR/server.properties" \
		>"$LOG_FILE" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$PID_FILE"
	echo "$KAFKA_VERSION" >"$KAFKA_RUN_DIR/version"

	# Ready means: the client port accepts connections and the server says
	# it has started (the port is bound before requests are served).
	local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
	until port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$LOG_FILE"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 40 "$LOG_FILE" >&2
			rm -f "$PID_FILE"
			die "the broker exited during startup; log above, full log in $LOG_FILE"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 40 "$LOG_FILE" >&2
			stop
			die "the broker did not start within ${KAFKA_START_TIMEOUT}s"
		fi
		sleep 0.2
	done
	say "Kafka $KAFKA_VERSION started in $(elapsed "$start") (pid $pid), log in $LOG_FILE"
	echo "$BOOTSTRAP"
}

stop() {
	local pid
	if ! pid=$(running_pid); then
		say "not running"
		rm -rf "$KAFKA_RUN_DIR"
		return
	fi
	local start
	start=$(now_ms)
	kill -TERM "$pid" 2>/dev/null || true
	# A clean shutdown of one node takes a few seconds; do not wait forever.
	local deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		if ((SECONDS >= deadline)); then
			say "pid $pid still alive after 30s, killing it"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	rm -rf "$KAFKA_RUN_DIR"
	say "stopped pid $pid in $(elapsed "$start")"
}

status() {
	local pid
	if pid=$(running_pid); then
		say "running (pid $pid) on $BOOTSTRAP, Kafka $(cat "$KAFKA_RUN_DIR/version" 2>/dev/null), log in $LOG_FILE"
		echo "$BOOTSTRAP"
		return 0
	fi
	say "not running"
	return 3
}

logs() {
	[[ -f $LOG_FILE ]] || die "no log at $LOG_FILE"
	cat "$LOG_FILE"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
fetch) fetch ;;
logs) logs ;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
