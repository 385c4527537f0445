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
# The daemon runs from a copy: Maven rewrites the built jar in place, and a JVM whose jar changes
# under it fails at its next class load.
DAEMON_RUN_DIR=$RUNTIME/daemon
DAEMON_RUN_JAR=$DAEMON_RUN_DIR/model-daemon.jar
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
  for pid in $({ pid_of "$DAEMON_PID"; pids_running "-jar $DAEMON_RUN_JAR "; } | sort -u); do
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

# current_front: ajp or jk, whichever scripts/start last enabled.
current_front() { if [ -e /etc/apache2/sites-enabled/imageclassifier-jk.conf ]; then echo jk; else echo ajp; fi; }

# --- starting (each stops a running instance first) -----------------------------------------

start_redis() {
  stop_redis
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by another process (a system Redis?)"
  say "Starting Redis"
  redis-server "$REDIS_CONF"   # daemonizes once it listens
  local i
  for ((i = 0; i < 50; i++)); do
    [ "$(REDISCLI_AUTH=$(redis_password) redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  tail -n 20 "$REDIS_LOG" >&2 || true
  die "Redis did not answer PING (log: $REDIS_LOG)"
}

start_daemon() {
  stop_daemon
  local cmd pid i
  if [ -n "${STACK_DAEMON_CMD:-}" ]; then
    cmd=(bash -c "$STACK_DAEMON_CMD")
  else
    [ -f "$DAEMON_JAR" ] || die "$DAEMON_JAR is missing (scripts/setup builds it)"
    rm -rf "$DAEMON_RUN_DIR" && mkdir -p "$DAEMON_RUN_DIR"
    cp "$DAEMON_JAR" "$DAEMON_RUN_JAR" && cp -r "$(dirname "$DAEMON_JAR")/lib" "$DAEMON_RUN_DIR/lib"
    # shellcheck disable=SC2206 # DAEMON_JAVA_OPTS is a list of options
    cmd=(java ${DAEMON_JAVA_OPTS:-} -jar "$DAEMON_RUN_JAR")
  fi
  say "Starting the model daemon"
  # A fresh log per run (the previous one is kept as .1), so "ready" below is this run's.
  [ -f "$DAEMON_LOG" ] && mv -f "$DAEMON_LOG" "$DAEMON_LOG.1"
  (cd "$ROOT" && CLASSIFIER_CONFIG=$CONFIG_FILE exec nohup "${cmd[@]}" >>"$DAEMON_LOG" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$DAEMON_PID"
  info "pid $pid, waiting for 'model daemon ready' in $DAEMON_LOG"
  for ((i = 0; i < ${DAEMON_READY_TIMEOUT:-180} * 2; i++)); do
    grep -q 'model daemon ready' "$DAEMON_LOG" 2>/dev/null && return 0
    alive "$pid" || break
    sleep 0.5
  done
  echo "---- last lines of $DAEMON_LOG ----" >&2
  tail -n 40 "$DAEMON_LOG" >&2 || true
  echo "----" >&2
  if alive "$pid"; then
    stop_daemon >&2
    die "the model daemon was not ready after ${DAEMON_READY_TIMEOUT:-180} s (stopped it)"
  fi
  rm -f "$DAEMON_PID"
  die "the model daemon exited during startup"
}

start_tomcat() {
  stop_tomcat
  local war=${STACK_WAR:-$ROOT/target/ROOT.war} p
  [ -f "$war" ] || die "$war is missing (scripts/setup builds it)"
  for p in 8080 8009 8005; do
    port_busy "$p" && die "port $p is taken by another process (another Tomcat?)"
  done
  say "Starting Tomcat (deploying $(basename "$war") as ROOT)"
  # Deploy while stopped: a clean ROOT so no files of the previous version linger.
  rm -rf "$TOMCAT_HOME/webapps/ROOT" "$TOMCAT_HOME/webapps/ROOT.war"
  cp "$war" "$TOMCAT_HOME/webapps/ROOT.war"
  "$TOMCAT_HOME/bin/catalina.sh" start >/dev/null
  if ! wait_http http://127.0.0.1:8080/ "${TOMCAT_READY_TIMEOUT:-120}" "$(pid_of "$TOMCAT_PID")"; then
    echo "---- last lines of $TOMCAT_HOME/logs/catalina.out ----" >&2
    tail -n 40 "$TOMCAT_HOME/logs/catalina.out" >&2 || true
    die "Tomcat does not answer 200 on http://127.0.0.1:8080/"
  fi
}

# apache_select_front ajp|jk: enables exactly one front (site + modules), disables the other.
apache_select_front() {
  if [ "$1" = jk ]; then
    a2dissite -q 000-default >/dev/null
    a2dismod -q proxy_ajp >/dev/null
    a2enmod -q jk headers unique_id >/dev/null
    a2ensite -q imageclassifier-jk >/dev/null
  else
    # Debian enables jk on install; its mounts and workers must not linger next to mod_proxy_ajp.
    a2dissite -q imageclassifier-jk >/dev/null
    a2dismod -q jk >/dev/null
    a2enmod -q proxy proxy_ajp headers unique_id >/dev/null
    a2ensite -q 000-default >/dev/null
  fi
}

start_apache() {
  local out pid
  say "Starting Apache (front: ${FRONT:-ajp})"
  apache_select_front "${FRONT:-ajp}"
  if ! out=$(apache2ctl configtest 2>&1); then
    echo "$out" >&2
    die "apache2ctl configtest failed"
  fi
  # An undefined ${AJP_SECRET} is only a warning, but it means 403 for every request.
  if grep -q AH00111 <<<"$out"; then echo "$out" >&2; die "Apache config uses an undefined variable"; fi
  if pid=$(pid_of "$APACHE_PID"); then
    info "already running (pid $pid): graceful restart"
    apache2ctl graceful
  else
    port_busy 80 && die "port 80 is taken by another process"
    apache2ctl start
  fi
  if ! wait_http http://localhost/ 30; then
    tail -n 20 "$APACHE_LOG/error.log" >&2 || true
    die "Apache does not answer 200 on http://localhost/ (front: ${FRONT:-ajp})"
  fi
}
