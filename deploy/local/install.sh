#!/usr/bin/env bash
# Installs what the local platform needs, each part only when missing:
#   npm packages, Kafka's jars (Maven Central), FerretDB and VersityGW (Go module proxy),
#   redis-server, poppler-utils, chromium and kcat (Debian), schemathesis (PyPI, for the API fuzzing tests).
# Usage: deploy/local/install.sh [npm|kafka|ferretdb|versitygw|redis|poppler|chromium|kcat|schemathesis]...   (no argument: all)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"
source "$SNE_ROOT/deploy/local/lib.sh"

kafka_lib_dir() { echo "$SNE_CACHE_DIR/kafka-$SNE_KAFKA_VERSION/lib"; }
# "-idfix": built with the _id look-up patch below; a binary built without it is not reused.
ferretdb_bin() { echo "$SNE_CACHE_DIR/ferretdb-$SNE_FERRETDB_VERSION-idfix/ferretdb"; }
versitygw_bin() { echo "$SNE_CACHE_DIR/versitygw-$SNE_VERSITYGW_VERSION/versitygw"; }

install_npm() {
  local stamp="$SNE_ROOT/node_modules/.sne-lock-hash"
  local hash
  hash=$(sha256sum "$SNE_ROOT/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    return 0
  fi
  # npm install, not npm ci: the registry reachable here serves no binaries of other platforms,
  # so the lock lacks their optional entries and npm ci refuses it; npm install follows the lock
  # for everything it has and leaves it unchanged.
  log "installing npm packages"
  (cd "$SNE_ROOT" && npm install --no-audit --no-fund)
  echo "$hash" >"$stamp"
}

install_kafka() {
  local dir
  dir=$(kafka_lib_dir)
  if [ -f "$dir/kafka_2.13-$SNE_KAFKA_VERSION.jar" ]; then
    return 0
  fi
  command -v java >/dev/null || die "java (17 or newer) is needed to run Kafka"
  command -v mvn >/dev/null || die "mvn is needed to fetch Kafka's jars from Maven Central"
  log "fetching Apache Kafka $SNE_KAFKA_VERSION jars from Maven Central"
  rm -rf "$dir.tmp"
  mvn -q -B -f "$SNE_ROOT/deploy/local/kafka/pom.xml" package \
    -Dkafka.version="$SNE_KAFKA_VERSION" -Dkafka.lib.dir="$dir.tmp"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# build_go_module MODULE VERSION PACKAGE BIN [PREPARE]: builds PACKAGE from a writable copy of
# the module's source on the Go module proxy, so the module's own go.mod and go.sum pin its
# dependencies; PREPARE, a function, may change the copy (its folder is $1) before the build.
build_go_module() {
  local module=$1 version=$2 package=$3 bin=$4 prepare=${5:-}
  command -v go >/dev/null || die "go is needed to build $module"
  log "building $module $version from the Go module proxy"
  local dir src
  dir=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || die "go mod download $module@$version gave no source folder"
  src=$(mktemp -d)
  cp -r "$dir/." "$src/"
  chmod -R u+w "$src"
  [ -z "$prepare" ] || "$prepare" "$src"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && go build -trimpath -o "$bin.tmp" "$package")
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
}

# FerretDB's module zip lacks the version file its release build writes (go install alone panics
# at start), so it is added. One constant is patched (ADR 0006): its SQLite backend looks `_id` up
# with the expression `->'$._id'` while the unique index is on `->"_id"` (the same as `->'_id'`),
# so SQLite never uses the index and every find, update or delete by `_id` scans the whole
# collection.
prepare_ferretdb() {
  local src=$1
  echo "$SNE_FERRETDB_VERSION" >"$src/build/version/version.txt"
  local metadata="$src/internal/backends/sqlite/metadata/metadata.go"
  grep -q "IDColumn = DefaultColumn + \"->'\\\$._id'\"" "$metadata" ||
    die "FerretDB $SNE_FERRETDB_VERSION: the _id expression to patch is not in $metadata"
  # SQLite reads the label '_id' as the path '$._id': same value, and now the index's expression.
  sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata"
}

install_ferretdb() {
  [ -x "$(ferretdb_bin)" ] ||
    build_go_module github.com/FerretDB/FerretDB "$SNE_FERRETDB_VERSION" ./cmd/ferretdb \
      "$(ferretdb_bin)" prepare_ferretdb
}

# VersityGW, an S3 gateway over a local directory: the S3-compatible server the document files
# go to when DOCUMENT_STORAGE=s3, and in the tests of that setting (ADR 0009).
install_versitygw() {
  [ -x "$(versitygw_bin)" ] ||
    build_go_module github.com/versity/versitygw "$SNE_VERSITYGW_VERSION" ./cmd/versitygw \
      "$(versitygw_bin)"
}

# Installs Debian packages (as root, or through sudo) when the command they bring is missing.
apt_install() {
  local command=$1
  shift
  if command -v "$command" >/dev/null; then
    return 0
  fi
  log "installing $* from Debian's packages"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_redis() {
  command -v redis-server >/dev/null && return 0
  apt_install redis-server redis-server
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  # Debian starts a system-wide redis on 6379; the platform runs its own, so that one is stopped.
  if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
    $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
  elif command -v service >/dev/null; then
    $sudo service redis-server stop >/dev/null 2>&1 || true
  fi
}

# pdftoppm renders scanned batches to find their QR-coded sheets (document ingestion).
install_poppler() { apt_install pdftoppm poppler-utils; }

# Debian's Chromium, driven by Playwright (playwright-core, no browser download) in the console's
# browser tests (test/console-browser.e2e-spec.ts).
install_chromium() { apt_install chromium chromium fonts-dejavu-core; }

# kcat connects as a guichet's software would, to prove that one guichet cannot read another's
# topic (test/kafka-access.e2e-spec.ts). Debian's kcat runs on librdkafka 2.0.2, whose SCRAM
# Kafka 4 brokers refuse (fixed in librdkafka 2.6.1, edenhill/kcat#462): $SNE_KCAT runs it on
# the librdkafka that the confluent-kafka wheel (PyPI) carries.
install_kcat() {
  apt_install kcat kcat
  [ -x "$SNE_KCAT" ] && return 0
  log "kcat: fetching librdkafka from the confluent-kafka $SNE_CONFLUENT_KAFKA_VERSION wheel"
  local dir
  dir=$(dirname "$SNE_KCAT")
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp/wheel"
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    -d "$dir.tmp" "confluent-kafka==$SNE_CONFLUENT_KAFKA_VERSION"
  python3 -m zipfile -e "$dir.tmp"/confluent_kafka-*.whl "$dir.tmp/wheel"
  local lib
  lib=$(find "$dir.tmp/wheel/confluent_kafka.libs" -name 'librdkafka-*.so.1' | head -n 1)
  [ -n "$lib" ] || die "kcat: no librdkafka in the confluent-kafka wheel"
  mkdir -p "$dir.tmp/lib"
  cp "$lib" "$dir.tmp/lib/librdkafka.so.1"
  rm -rf "$dir.tmp/wheel" "$dir.tmp"/*.whl
  cat >"$dir.tmp/kcat" <<WRAPPER
#!/bin/sh
LD_LIBRARY_PATH="$dir/lib" exec "$(command -v kcat)" "\$@"
WRAPPER
  chmod +x "$dir.tmp/kcat"
  mv "$dir.tmp" "$dir"
}

# schemathesis fuzzes the HTTP APIs from their OpenAPI files (test/api-fuzz.e2e-spec.ts), in a
# virtualenv of its own named after the version tools/fuzz/requirements.txt pins.
schemathesis_dir() {
  echo "$SNE_CACHE_DIR/schemathesis-$(sed -n 's/^schemathesis==//p' "$SNE_ROOT/tools/fuzz/requirements.txt")"
}

install_schemathesis() {
  local dir
  dir=$(schemathesis_dir)
  if [ -x "$dir/bin/schemathesis" ]; then
    return 0
  fi
  command -v python3 >/dev/null || die "python3 (3.9 or newer) is needed for schemathesis"
  log "installing schemathesis from PyPI"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$SNE_ROOT/tools/fuzz/requirements.txt"
}

main() {
  mkdir -p "$SNE_CACHE_DIR"
  local parts=("$@")
  [ ${#parts[@]} -gt 0 ] || parts=(npm kafka ferretdb versitygw redis poppler chromium kcat schemathesis)
  for part in "${parts[@]}"; do
    case "$part" in
      npm) install_npm ;;
      kafka) install_kafka ;;
      ferretdb) install_ferretdb ;;
      versitygw) install_versitygw ;;
      redis) install_redis ;;
      poppler) install_poppler ;;
      chromium) install_chromium ;;
      kcat) install_kcat ;;
      schemathesis) install_schemathesis ;;
      *) die "unknown part: $part (npm, kafka, ferretdb, versitygw, redis, poppler, chromium, kcat, schemathesis)" ;;
    esac
  done
}

# Other scripts source this file for kafka_lib_dir, ferretdb_bin and versitygw_bin.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
