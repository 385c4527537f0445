# shellcheck shell=bash disable=SC2034  # sourced; the paths are used by the scripts that source it
# Shared paths and helpers for scripts/setup, start, stop and test. Sourced, not run.
#
# Overrides (for testing the operations side without the Java build, or tuning):
#   STACK_SKIP_BUILD=1      setup: skip the Maven build and scripts/export-model
#   STACK_WAR=/path.war     start: deploy this WAR instead of target/ROOT.war
#   STACK_DAEMON_CMD='...'  start: run this (bash -c) instead of the model daemon jar
#   DAEMON_JAVA_OPTS        extra JVM options for the model daemon
#   DAEMON_READY_TIMEOUT    seconds to wait for "model daemon ready" (default 180)
#   TOMCAT_READY_TIMEOUT    seconds to wait for Tomcat to answer 200 (default 120)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNTIME=$ROOT/runtime
TOMCAT_HOME=$RUNTIME/tomcat
LOG_DIR=$RUNTIME/logs
RUN_DIR=$RUNTIME/run
SECRETS_DIR=$RUNTIME/secrets
CONFIG_FILE=$RUNTIME/classifier.properties
REDIS_CONF=$RUNTIME/redis/redis.conf
REDIS_PORT=6379
REDIS_PID=$RUN_DIR/redis.pid
REDIS_LOG=$LOG_DIR/redis.log
DAEMON_JAR=$ROOT/model-daemon/target/model-daemon.jar
DAEMON_PID=$RUN_DIR/model-daemon.pid
DAEMON_LOG=$LOG_DIR/model-daemon.log
TOMCAT_PID=$RUN_DIR/tomcat.pid
APACHE_PID=/var/run/apache2/apache2.pid
APACHE_LOG=/var/log/apache2
# Rendered mod_jk workers file: it holds the AJP secret, so it lives outside git (mode 600).
JK_WORKERS=/etc/libapache2-mod-jk/imageclassifier-workers.properties

say()  { echo "==> $*"; }
info() { echo "    $*"; }
die()  { echo "ERROR: $*" >&2; exit 1; }

# alive PID: the process exists and is not a zombie (this machine's PID 1 reaps exited
# daemons only after a while, and kill -0 succeeds on a zombie).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# pid_of PIDFILE: prints the pid if that process is alive (stale pid files are ignored).
pid_of() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc 0-9 <"$1")
  [ -n "$pid" ] && alive "$pid" && echo "$pid"
}

# pids_running SUBSTRING: processes whose command line contains SUBSTRING (one of our absolute
# paths), so a lost pid file (runtime/ wiped) never leaves a process behind or starts a duplicate.
pids_running() {
  local f args
  for f in /proc/[0-9]*/cmdline; do
    { mapfile -d '' -t args <"$f"; } 2>/dev/null || continue   # the process may be gone already
    if [[ " ${args[*]} " == *"$1"* ]]; then
      f=${f#/proc/}; echo "${f%/cmdline}"
    fi
  done
}

# wait_gone PID SECONDS: true once the process has exited.
wait_gone() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    alive "$1" || return 0
    sleep 0.1
  done
  ! alive "$1"
}

# port_busy PORT: something accepts connections on 127.0.0.1:PORT (bash /dev/tcp: no iproute2 needed).
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_code URL: the HTTP status, or 000 when nothing answers.
http_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" || true; }

# wait_http URL SECONDS PID: waits for a 200; fails early if PID (when given) has died.
wait_http() {
  local i code
  for ((i = 0; i < $2 * 2; i++)); do
    code=$(http_code "$1")
    [ "$code" = 200 ] && return 0
    if [ -n "${3:-}" ] && ! alive "$3"; then return 1; fi
    sleep 0.5
  done
  echo "    $1 still answers $code after $2 s" >&2
  return 1
}

# The generated Redis password (setup creates it).
redis_password() { cat "$SECRETS_DIR/redis.password"; }

stop_apache() {
  local pid
  pid=$(pid_of "$APACHE_PID") || return 0
  say "Stopping Apache (pid $pid)"
  apache2ctl stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
}

stop_tomcat() {
  local pid
  for pid in $({ pid_of "$TOMCAT_PID"; pids_running "-Dcatalina.base=$TOMCAT_HOME "; } | sort -u); do
    say "Stopping Tomcat (pid $pid)"
    # The shutdown port asks Tomcat to stop cleanly; after 30 s it gets SIGKILL.
    mkdir -p "$RUN_DIR" && echo "$pid" >"$TOMCAT_PID"   # catalina.sh -force kills by pid file
    "$TOMCAT_HOME/bin/catalina.sh" stop 30 -force >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$TOMCAT_PID"
}

stop_daemon() {
  local pid
  for pid in $({ pid_of "$DAEMON_PID"; pids_running "-jar $DAEMON_JAR "; } | sort -u); do
    say "Stopping model daemon (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || continue
    if ! wait_gone "$pid" "${DAEMON_STOP_TIMEOUT:-30}"; then
      info "still running after ${DAEMON_STOP_TIMEOUT:-30} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || true
    fi
  done
  rm -f "$DAEMON_PID"
}

stop_redis() {
  local pid
  pid=$(pid_of "$REDIS_PID") || return 0
  say "Stopping Redis (pid $pid)"
  # REDISCLI_AUTH keeps the password off the command line (ps); nothing to save: no persistence.
  REDISCLI_AUTH=$(redis_password 2>/dev/null || true) \
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$REDIS_PID"
}
