#!/usr/bin/env bash
# Starts, stops and reports the platform's apps on the local infrastructure (built in dist/).
# Usage: deploy/local/apps.sh start|stop|status [app]...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"
source "$SNE_ROOT/deploy/local/lib.sh"

# The identity provider first: the others fetch its keys to verify their callers' tokens.
APPS=(identity-provider audit-trail registration dispatching renewal-notices document-ingestion console)
IDP_ISSUER="http://$SNE_HOST:$SNE_IDENTITY_PROVIDER_PORT/oidc"

app_port() {
  case "$1" in
    registration) echo "$SNE_REGISTRATION_PORT" ;;
    dispatching) echo "$SNE_DISPATCHING_PORT" ;;
    renewal-notices) echo "$SNE_RENEWAL_NOTICES_PORT" ;;
    document-ingestion) echo "$SNE_DOCUMENT_INGESTION_PORT" ;;
    console) echo "$SNE_CONSOLE_PORT" ;;
    identity-provider) echo "$SNE_IDENTITY_PROVIDER_PORT" ;;
    audit-trail) echo "$SNE_AUDIT_TRAIL_PORT" ;;
    *) die "unknown app: $1 (${APPS[*]})" ;;
  esac
}

# The identity provider's initial access token for client registration (RFC 7591), which only
# the dispatcher holds: it registers each guichet's machine client when the guichet is created.
registration_token() {
  local file="$SNE_RUN_DIR/auth/registration.token"
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")" && chmod 700 "$(dirname "$file")"
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$file")
  fi
  cat "$file"
}

live() { curl -fs -o /dev/null --max-time 2 "http://$SNE_HOST:$1/health/live"; }

start_app() {
  local app=$1 port pid entry
  port=$(app_port "$app")
  if pid=$(running_pid "$app"); then
    log "$app: already running (pid $pid)"
    return 0
  fi
  port_open "$port" && die "$app: port $port is taken by another program; set SNE_*_PORT"
  entry="$SNE_ROOT/dist/apps/$app/src/main.js"
  [ -f "$entry" ] || die "$app is not built: run npm run build"
  log "$app: starting"
  # The provider signs with the run directory's key (scripts/local-signing-key.ts) and knows the
  # sample people; the console is its web client; the other apps verify its tokens. Each app
  # connects to Kafka as its own principal (scripts/kafka-access.ts).
  local idp_keys='' console_secret='' kafka_user='' kafka_password='' registration='' registration_url=''
  if [ "$app" != identity-provider ]; then
    kafka_user="sne-$app"
    kafka_password=$(cd "$SNE_ROOT" && node dist/scripts/kafka-access.js password "$app")
  fi
  case "$app" in
    identity-provider)
      idp_keys=$(cd "$SNE_ROOT" && node dist/scripts/local-signing-key.js private-jwks)
      registration=$(registration_token)
      ;;
    dispatching) registration=$(registration_token) registration_url="$IDP_ISSUER/reg" ;;
    console) console_secret=$(cd "$SNE_ROOT" && node dist/scripts/idp-clients.js ensure-web-client "http://$SNE_HOST:$SNE_CONSOLE_PORT") ;;
  esac
  HTTP_HOST="$SNE_HOST" HTTP_PORT="$port" \
    REGISTRATION_URL="http://$SNE_HOST:$SNE_REGISTRATION_PORT" \
    DISPATCHING_URL="http://$SNE_HOST:$SNE_DISPATCHING_PORT" \
    RENEWAL_NOTICES_URL="http://$SNE_HOST:$SNE_RENEWAL_NOTICES_PORT" \
    DOCUMENT_INGESTION_URL="http://$SNE_HOST:$SNE_DOCUMENT_INGESTION_PORT" \
    AUTH_ISSUER="$IDP_ISSUER" AUTH_JWKS_URI="$IDP_ISSUER/jwks" \
    CONSOLE_OIDC_ISSUER="$IDP_ISSUER" CONSOLE_OIDC_CLIENT_SECRET="$console_secret" \
    CONSOLE_PUBLIC_URL="http://$SNE_HOST:$SNE_CONSOLE_PORT" \
    IDP_ISSUER="$IDP_ISSUER" IDP_SIGNING_JWKS="$idp_keys" \
    IDP_REGISTRATION_TOKEN="$registration" IDP_REGISTRATION_URL="$registration_url" \
    KAFKA_SASL_USERNAME="$kafka_user" KAFKA_SASL_PASSWORD="$kafka_password" \
    spawn "$app" node --enable-source-maps "$entry"
  wait_for "$app" 60 live "$port"
  if [ "$app" = identity-provider ]; then
    (cd "$SNE_ROOT" && node dist/scripts/idp-clients.js ensure-sample-people)
  fi
  log "$app: up on http://$SNE_HOST:$port"
}

main() {
  local action=${1:-}
  shift || true
  local apps=("$@")
  [ ${#apps[@]} -gt 0 ] || apps=("${APPS[@]}")
  case "$action" in
    start) for app in "${apps[@]}"; do start_app "$app"; done ;;
    stop) for app in "${apps[@]}"; do stop_component "$app" 20; done ;;
    status) for app in "${apps[@]}"; do status_line "$app" "$(app_port "$app")"; done ;;
    *) die "usage: $0 start|stop|status [${APPS[*]}]" ;;
  esac
}

main "$@"
