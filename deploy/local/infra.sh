#!/usr/bin/env bash
# Starts, stops and reports the local infrastructure, every server on 127.0.0.1 only:
#   kafka (KRaft, single node), ferretdb (MongoDB protocol, SQLite backend), s3 (VersityGW over a
#   directory), redis,
#   smtp-sink (SMTP + HTTP API), smpp-sink (SMS centre + HTTP API).
# Usage: deploy/local/infra.sh start|stop|status [component]...
# start installs what is missing, starts what is stopped and waits until each part is ready;
# running it twice changes nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"
source "$SNE_ROOT/deploy/local/lib.sh"
source "$SNE_ROOT/deploy/local/install.sh"

ALL=(kafka ferretdb s3 redis smtp-sink smpp-sink)

start_kafka() {
  install_kafka
  local dir="$SNE_RUN_DIR/kafka"
  mkdir -p "$dir" "$SNE_RUN_DIR/logs"
  # Storage formatted before the broker required SASL has no admin credential: start it afresh.
  if [ -f "$dir/data/meta.properties" ] && [ ! -s "$KAFKA_ADMIN_PASSWORD_FILE" ]; then
    log "kafka: storage predates SASL/SCRAM; formatting it again (local data is lost)"
    rm -rf "$dir/data"
  fi
  if [ ! -s "$KAFKA_ADMIN_PASSWORD_FILE" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' \
      >"$KAFKA_ADMIN_PASSWORD_FILE")
  fi
  local admin_password
  admin_password=$(cat "$KAFKA_ADMIN_PASSWORD_FILE")
  # Clients authenticate with SCRAM-SHA-512 and are authorised by ACLs only (deny by default).
  # The controller listener is PLAINTEXT on loopback, inside this one process: its principal,
  # ANONYMOUS, is a super user, and no client listener ever yields that principal.
  (umask 077 && cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$SNE_HOST:$SNE_KAFKA_CONTROLLER_PORT
listeners=SASL_PLAINTEXT://$SNE_HOST:$SNE_KAFKA_PORT,CONTROLLER://$SNE_HOST:$SNE_KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$SNE_HOST:$SNE_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USERNAME" password="$admin_password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN_USERNAME;User:ANONYMOUS
log.dirs=$dir/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
log.retention.hours=168
PROPS
  )
  cat >"$dir/log4j2.yaml" <<'LOG'
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
      - name: kafka.server.BrokerServer
        level: INFO
LOG
  local cp
  cp="$(kafka_lib_dir)/*"
  if [ ! -f "$dir/data/meta.properties" ]; then
    log "kafka: formatting storage"
    java -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.yaml" kafka.tools.StorageTool format \
      -t "$(cat "$dir/cluster-id" 2>/dev/null || java -cp "$cp" kafka.tools.StorageTool random-uuid | tee "$dir/cluster-id")" \
      -c "$dir/server.properties" \
      --add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USERNAME,password=$admin_password]" \
      >>"$(log_file kafka)" 2>&1 || { tail -n 20 "$(log_file kafka)"; die "kafka: format failed"; }
  fi
  spawn kafka java "-Xms$SNE_KAFKA_HEAP" "-Xmx$SNE_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$dir/log4j2.yaml" \
    -cp "$cp" kafka.Kafka "$dir/server.properties"
  wait_for kafka 90 port_open "$SNE_KAFKA_PORT"
}

start_ferretdb() {
  install_ferretdb
  local dir="$SNE_RUN_DIR/ferretdb"
  mkdir -p "$dir/data"
  spawn ferretdb "$(ferretdb_bin)" --handler=sqlite --sqlite-url="file:$dir/data/" \
    --state-dir="$dir" --listen-addr="$SNE_HOST:$SNE_MONGO_PORT" \
    --debug-addr="$SNE_HOST:$SNE_FERRETDB_DEBUG_PORT" --telemetry=disable \
    --log-level=warn --log-format=json
  wait_for ferretdb 30 port_open "$SNE_MONGO_PORT"
}

start_s3() {
  install_versitygw
  local dir="$SNE_RUN_DIR/s3"
  mkdir -p "$dir/data"
  # The keys come from the environment, not the command line, so ps does not show the secret.
  ROOT_ACCESS_KEY_ID="$S3_ACCESS_KEY_ID" ROOT_SECRET_ACCESS_KEY="$S3_SECRET_ACCESS_KEY" \
    spawn s3 "$(versitygw_bin)" --port "$SNE_HOST:$SNE_S3_PORT" --region "$S3_REGION" --quiet \
    posix "$dir/data"
  wait_for s3 20 port_open "$SNE_S3_PORT"
}

start_redis() {
  install_redis
  local dir="$SNE_RUN_DIR/redis"
  mkdir -p "$dir"
  # noeviction: BullMQ must never lose a job to memory pressure; appendonly keeps accepted jobs.
  spawn redis "$(command -v redis-server)" --bind "$SNE_HOST" --port "$SNE_REDIS_PORT" \
    --dir "$dir" --daemonize no --appendonly yes --save "" --maxmemory-policy noeviction \
    --protected-mode yes --loglevel warning
  wait_for redis 20 port_open "$SNE_REDIS_PORT"
}

sink_entry() {
  local entry="$SNE_ROOT/dist/tools/$1/main.js"
  [ -f "$entry" ] || (cd "$SNE_ROOT" && install_npm && npm run --silent build)
  echo "$entry"
}

start_smtp-sink() {
  spawn smtp-sink node "$(sink_entry smtp-sink)"
  wait_for smtp-sink 20 port_open "$SNE_SMTP_API_PORT"
}

start_smpp-sink() {
  spawn smpp-sink node "$(sink_entry smpp-sink)"
  wait_for smpp-sink 20 port_open "$SNE_SMPP_API_PORT"
}

port_of() {
  case "$1" in
    kafka) echo "$SNE_KAFKA_PORT" ;;
    ferretdb) echo "$SNE_MONGO_PORT" ;;
    s3) echo "$SNE_S3_PORT" ;;
    redis) echo "$SNE_REDIS_PORT" ;;
    smtp-sink) echo "$SNE_SMTP_PORT" ;;
    smpp-sink) echo "$SNE_SMPP_PORT" ;;
  esac
}

start() {
  local name=$1 pid
  if pid=$(running_pid "$name"); then
    log "$name: already running (pid $pid)"
    return 0
  fi
  if port_open "$(port_of "$name")"; then
    die "$name: port $(port_of "$name") is taken by another program; set its SNE_*_PORT"
  fi
  log "$name: starting"
  "start_$name"
  log "$name: ready on $SNE_HOST:$(port_of "$name")"
}

main() {
  local action=${1:-}
  shift || true
  local parts=("$@")
  [ ${#parts[@]} -gt 0 ] || parts=("${ALL[@]}")
  case "$action" in
    start) for p in "${parts[@]}"; do start "$p"; done ;;
    stop)
      # Reverse order: clients of Kafka and Redis go first.
      for ((i = ${#parts[@]} - 1; i >= 0; i--)); do stop_component "${parts[i]}" 30; done ;;
    status) for p in "${parts[@]}"; do status_line "$p" "$(port_of "$p")"; done ;;
    *) die "usage: $0 start|stop|status [${ALL[*]}]" ;;
  esac
}

main "$@"
