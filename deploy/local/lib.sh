# Process supervision helpers for deploy/local. Sourced, never executed alone.
# Each server runs in the background with a pid file under $SNE_RUN_DIR/pids and a log under
# $SNE_RUN_DIR/logs; "start" is a no-op when the recorded process is alive.

log() { printf '[sne] %s\n' "$*" >&2; }
die() { printf '[sne] error: %s\n' "$*" >&2; exit 1; }

pid_file() { echo "$SNE_RUN_DIR/pids/$1.pid"; }
log_file() { echo "$SNE_RUN_DIR/logs/$1.log"; }

# A process's start time in clock ticks since boot: with the pid, it names one process for good,
# so a pid reused by another program is never mistaken for ours.
start_time() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; }

# The pid of a running component, or nothing. A stale pid file is removed.
running_pid() {
  local file pid started
  file=$(pid_file "$1")
  [ -f "$file" ] || return 1
  read -r pid started <"$file" || true
  if [ -n "$pid" ] && [ -n "$started" ] && [ "$(start_time "$pid")" = "$started" ]; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$SNE_HOST/$1") 2>/dev/null; }

# wait_for NAME SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds, the component
# dies, or the time is up.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! running_pid "$name" >/dev/null; then
      log "$name exited during start-up; last lines of $(log_file "$name"):"
      tail -n 30 "$(log_file "$name")" >&2 || true
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name not ready after ${seconds}s; last lines of $(log_file "$name"):"
      tail -n 30 "$(log_file "$name")" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# spawn NAME COMMAND...: starts COMMAND detached in its own session (so that stop_component can
# signal its whole process group) and records its pid and start time.
spawn() {
  local name=$1
  shift
  mkdir -p "$SNE_RUN_DIR/pids" "$SNE_RUN_DIR/logs"
  setsid "$@" >>"$(log_file "$name")" 2>&1 </dev/null &
  local pid=$!
  echo "$pid $(start_time "$pid")" >"$(pid_file "$name")"
}

# stop_component NAME [SECONDS]: TERM the process group, then KILL it after SECONDS.
stop_component() {
  local name=$1 seconds=${2:-20} pid
  pid=$(running_pid "$name") || { log "$name: not running"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name did not stop in ${seconds}s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$name")"
  log "$name: stopped"
}

status_line() {
  local name=$1 port=$2 pid
  if pid=$(running_pid "$name"); then
    if port_open "$port"; then
      printf '%-22s up      pid %-8s %s:%s\n' "$name" "$pid" "$SNE_HOST" "$port"
    else
      printf '%-22s starting pid %-8s %s:%s\n' "$name" "$pid" "$SNE_HOST" "$port"
    fi
  else
    printf '%-22s down\n' "$name"
  fi
}
