#!/usr/bin/env bash
# Starts, stops and reports the platform's apps on the local infrastructure (built in dist/).
# Usage: deploy/local/apps.sh start|stop|status [app]...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/config.sh"
source "$SNE_ROOT/deploy/local/lib.sh"

APPS=(registration dispatching renewal-notices document-ingestion console)
# The issuer of the local platform's tokens (scripts/local-signing-key.ts).
LOCAL_AUTH_ISSUER=urn:sne:local-development

app_port() {
  case "$1" in
    registration) echo "$SNE_REGISTRATION_PORT" ;;
    dispatching) echo "$SNE_DISPATCHING_PORT" ;;
    renewal-notices) echo "$SNE_RENEWAL_NOTICES_PORT" ;;
    document-ingestion) echo "$SNE_DOCUMENT_INGESTION_PORT" ;;
    console) echo "$SNE_CONSOLE_PORT" ;;
    *) die "unknown app: $1 (${APPS[*]})" ;;
  esac
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
  local local_jwks signing_jwk=''
  local_jwks=$(cd "$SNE_ROOT" && node dist/scripts/local-signing-key.js jwks)
  # Only the console signs (its calls to the APIs); the other apps verify.
  [ "$app" != console ] || signing_jwk=$(cd "$SNE_ROOT" && node dist/scripts/local-signing-key.js private)
  HTTP_HOST="$SNE_HOST" HTTP_PORT="$port" \
    REGISTRATION_URL="http://$SNE_HOST:$SNE_REGISTRATION_PORT" \
    DISPATCHING_URL="http://$SNE_HOST:$SNE_DISPATCHING_PORT" \
    RENEWAL_NOTICES_URL="http://$SNE_HOST:$SNE_RENEWAL_NOTICES_PORT" \
    DOCUMENT_INGESTION_URL="http://$SNE_HOST:$SNE_DOCUMENT_INGESTION_PORT" \
    AUTH_ISSUER="$LOCAL_AUTH_ISSUER" AUTH_JWKS="$local_jwks" CONSOLE_SIGNING_JWK="$signing_jwk" \
    spawn "$app" node --enable-source-maps "$entry"
  wait_for "$app" 60 live "$port"
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
