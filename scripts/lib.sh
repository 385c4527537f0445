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

# What the scripts create is readable by the service user unless made private on purpose
# (secrets are written under umask 077), whatever umask root's shell has.
umask 022
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# runtime/ is a link when the checkout lies where the service user cannot reach (see setup); the
# services are always given its real path.
RUNTIME=$(readlink -f "$ROOT/runtime")
TOMCAT_HOME=$RUNTIME/tomcat
LOG_DIR=$RUNTIME/logs
# Root's: the layout and the daemons' pid files. The services write only into run/service
# (Redis's and Tomcat's own pid files), which root reads but never writes.
RUN_DIR=$RUNTIME/run
SERVICE_RUN_DIR=$RUN_DIR/service
SECRETS_DIR=$RUNTIME/secrets
CONFIG_FILE=$RUNTIME/classifier.properties
REDIS_CONF=$RUNTIME/redis/redis.conf
# What Redis may write (nothing, without persistence, but it must have a folder of its own).
REDIS_DATA=$RUNTIME/redis/data
REDIS_PORT=6379
REDIS_PID=$SERVICE_RUN_DIR/redis.pid
REDIS_LOG=$LOG_DIR/redis.log
DAEMON_JAR=$ROOT/model-daemon/target/model-daemon.jar
EXPORT_JAR=$ROOT/model-export/target/model-export.jar
# libjpeg-turbo's Java API and JNA (for libwebp), Debian's jars, linked into each Tomcat's lib/.
NATIVE_JARS=(/usr/share/java/turbojpeg.jar /usr/share/java/jna.jar)
# Debian's tomcat10 when scripts/deploy-debian-tomcat started it on a host without systemd.
DEBIAN_TOMCAT_PID=$RUN_DIR/debian-tomcat10.pid
DEBIAN_TOMCAT_MARK=$RUN_DIR/debian-tomcat10.deployed
# What scripts/start last started (--devices, --tomcats), so restart and status know it.
LAYOUT_FILE=$RUN_DIR/layout
APACHE_PID=/var/run/apache2/apache2.pid
APACHE_LOG=/var/log/apache2
# Rendered mod_jk workers file: it holds the AJP secret, so it lives outside git (mode 600).
JK_WORKERS=/etc/libapache2-mod-jk/imageclassifier-workers.properties
ADMIN_HTPASSWD=/etc/apache2/imageclassifier-admin.htpasswd

# Redis, the model daemons and Tomcat run as this unprivileged user (setup creates it): uploads
# from anyone are parsed by image decoders inside Tomcat, which must not be root. It owns only
# what they write (logs, pid files, Tomcat's work folders); settings and secrets stay root's,
# readable by its group.
SERVICE_USER=imageclassifier
# Prefix that runs a command as SERVICE_USER. setpriv replaces itself with the command (su and
# runuser stay behind as its parent), so a pid file names the service and signals reach it.
# setsid first: a service must not share root's terminal, where it could push keystrokes into
# root's shell (TIOCSTI). Neither forks here (the caller is never a process group leader).
AS_SERVICE_USER=(setsid setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups --)

# own_tomcat_base BASE: Tomcat's binaries and settings stay root's, readable by the service
# group (the AJP secret is in conf/); the service user owns only what Tomcat writes.
own_tomcat_base() {
  local d
  mkdir -p "$1/conf/Catalina/localhost"   # Tomcat looks for context files here, and cannot create it
  chgrp -hR "$SERVICE_USER" "$1"
  chmod -R g+rX,g-w,o-rwx "$1"
  for d in logs temp work webapps; do
    mkdir -p "$1/$d"
    chown -R "$SERVICE_USER:$SERVICE_USER" "$1/$d"
  done
}

# --- instances: daemon N (one per device) and Tomcat N (N = 1, 2, ...) -----------------------
# Instance 1 keeps the plain names (model-daemon.log, runtime/tomcat); instance N adds "-N".
suffix() { [ "$1" = 1 ] || echo "-$1"; }
daemon_pidfile() { echo "$RUN_DIR/model-daemon$(suffix "$1").pid"; }
daemon_log() { echo "$LOG_DIR/model-daemon$(suffix "$1").log"; }
# Each daemon runs from its own copy of the jar: Maven rewrites the built jar in place, and a
# JVM whose jar changes under it fails at its next class load.
daemon_run_jar() { echo "$RUNTIME/daemon$(suffix "$1")/model-daemon.jar"; }
# Tomcat N shares the binaries in runtime/tomcat (CATALINA_HOME) and has its own CATALINA_BASE.
tomcat_base() { echo "$TOMCAT_HOME$(suffix "$1")"; }
tomcat_pidfile() { echo "$SERVICE_RUN_DIR/tomcat$(suffix "$1").pid"; }
# Ports of Tomcat N: HTTP 8080, 8081, ...; AJP 8009, 8010, ...; shutdown 8005, 8006, ...
tomcat_http_port() { echo $((8079 + $1)); }
tomcat_ajp_port() { echo $((8008 + $1)); }
tomcat_shutdown_port() { echo $((8004 + $1)); }
MAX_TOMCATS=2

# file_value FILE KEY: the last value of KEY in a KEY=VALUE file. A file that does not exist yet
# (a fresh clone) gives an empty value; an unreadable one is an error, with sed's message.
file_value() {
  [ -e "$1" ] || return 0
  sed -n "s/^${2//./\\.}=//p" "$1" | tail -n 1
}

# setting KEY: a classifier setting as the services see it: runtime/classifier.properties, else
# the built-in default. (Environment overrides apply to the services' own environment only.)
setting() {
  local v
  v=$(file_value "$CONFIG_FILE" "$1")
  [ -n "$v" ] || v=$(file_value "$ROOT/protocol/src/main/resources/io/imageclassifier/protocol/classifier-defaults.properties" "$1")
  echo "$v"
}

# layout_get KEY DEFAULT: a value scripts/start saved (devices, tomcats).
layout_get() {
  local v
  v=$(file_value "$LAYOUT_FILE" "$1")
  echo "${v:-$2}"
}

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

# service_pid_of PIDFILE: pid_of for a pid file a service wrote itself, only if that process is
# the service user's: root must not signal whatever pid the service user puts there.
service_pid_of() {
  local pid
  pid=$(pid_of "$1") || return 1
  [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" = "$SERVICE_USER" ] && echo "$pid"
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

# tomcat_requests N: how many requests Tomcat N has logged, over all its access logs (0 before
# its first request).
tomcat_requests() {
  local f n=0
  for f in "$(tomcat_base "$1")"/logs/localhost_access_log*; do
    [ -f "$f" ] && n=$((n + $(wc -l <"$f")))
  done
  echo "$n"
}

# tomcat_access_log N: Tomcat N's newest access log; today's name if it has written none yet.
tomcat_access_log() {
  local logs
  logs=("$(tomcat_base "$1")"/logs/localhost_access_log*)   # one per day; the newest sorts last
  if [ -f "${logs[-1]}" ]; then echo "${logs[-1]}"; else echo "$(tomcat_base "$1")/logs/localhost_access_log.$(date +%F).txt"; fi
}

# wait_routed_to_tomcat N SECONDS: sends probes through Apache until Tomcat N logs one, that is,
# until Apache's balancer sends it requests again.
wait_routed_to_tomcat() {
  local before i
  before=$(tomcat_requests "$1")
  for ((i = 0; i < $2 * 2; i++)); do
    http_code http://localhost/health/live >/dev/null
    (($(tomcat_requests "$1") > before)) && return 0
    sleep 0.5
  done
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
  local n
  for n in $(seq "$MAX_TOMCATS" -1 1); do stop_tomcat_instance "$n"; done
}

# stop_debian_tomcat: Debian's tomcat10 as scripts/deploy-debian-tomcat started it.
stop_debian_tomcat() {
  local pid
  # Only the one scripts/deploy-debian-tomcat deployed: a host's own tomcat10 is not ours to stop.
  [ -e "$DEBIAN_TOMCAT_MARK" ] || return 0
  rm -f "$DEBIAN_TOMCAT_MARK"
  if [ -d /run/systemd/system ] && systemctl is-active -q tomcat10 2>/dev/null; then
    say "Stopping Debian's tomcat10"; systemctl stop tomcat10; return 0
  fi
  for pid in $({ pid_of "$DEBIAN_TOMCAT_PID"; pids_running "-Dcatalina.base=/var/lib/tomcat10 "; } | sort -u); do
    say "Stopping Debian's tomcat10 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$DEBIAN_TOMCAT_PID"
}

# stop_tomcat_instance N: the shutdown port asks Tomcat to stop cleanly (in-flight requests get
# their answers first); after 30 s it gets SIGKILL.
stop_tomcat_instance() {
  local n=$1 base pidfile pid
  base=$(tomcat_base "$n"); pidfile=$(tomcat_pidfile "$n")
  for pid in $({ service_pid_of "$pidfile"; pids_running "-Dcatalina.base=$base "; } | sort -u); do
    say "Stopping Tomcat $n (pid $pid)"
    # As the service user: -force kills by the pid file, which that user wrote.
    CATALINA_BASE=$base CATALINA_PID=$pidfile "${AS_SERVICE_USER[@]}" "$TOMCAT_HOME/bin/catalina.sh" stop 30 -force \
      >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$pidfile"
}

stop_daemon() {
  local n
  for n in $(daemon_instances); do stop_daemon_instance "$n"; done
}

# daemon_instances: the numbers of the daemons that have a pid file or a run directory.
daemon_instances() {
  local f n
  for f in "$RUN_DIR"/model-daemon*.pid "$RUNTIME"/daemon "$RUNTIME"/daemon-*; do
    [ -e "$f" ] || continue
    n=${f##*/}; n=${n#model-daemon}; n=${n#daemon}; n=${n%.pid}; n=${n#-}
    echo "${n:-1}"
  done | sort -un
}

stop_daemon_instance() {
  local n=$1 pidfile pid
  pidfile=$(daemon_pidfile "$n")
  for pid in $({ pid_of "$pidfile"; pids_running "-jar $(daemon_run_jar "$n") "; } | sort -u); do
    say "Stopping model daemon $n (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || continue
    if ! wait_gone "$pid" "${DAEMON_STOP_TIMEOUT:-30}"; then
      info "still running after ${DAEMON_STOP_TIMEOUT:-30} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || true
    fi
  done
  rm -f "$pidfile"
}

stop_redis() {
  local pid
  # run/redis.pid: where a stack started before run/service kept it.
  pid=$(service_pid_of "$REDIS_PID" || service_pid_of "$RUN_DIR/redis.pid") || return 0
  say "Stopping Redis (pid $pid)"
  # REDISCLI_AUTH keeps the password off the command line (ps). SHUTDOWN writes no snapshot
  # (save "") but flushes the append-only file when redis.appendonly is on.
  REDISCLI_AUTH=$(redis_password 2>/dev/null || true) \
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$REDIS_PID"
}

# current_front: ajp or jk, whichever scripts/start last enabled.
current_front() { layout_get front ajp; }

# print_logs: every log file of the running layout, one per line, for people to tail.
print_logs() {
  local devices n
  IFS=, read -r -a devices <<<"$(layout_get devices cpu)"
  {
    for n in $(seq 1 "${#devices[@]}"); do daemon_log "$n"; done
    for n in $(seq 1 "$(layout_get tomcats 1)"); do
      echo "$(tomcat_base "$n")/logs/catalina.out"
      tomcat_access_log "$n"
    done
    echo "$APACHE_LOG/error.log"
    echo "$APACHE_LOG/access.log"
    [ "$(current_front)" != jk ] || echo "$APACHE_LOG/mod_jk.log"
    echo "$REDIS_LOG"
  } | sed 's/^/      /'
}

# --- starting (each stops a running instance first) -----------------------------------------

start_redis() {
  stop_redis
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by another process (a system Redis?)"
  say "Starting Redis (as $SERVICE_USER)"
  "${AS_SERVICE_USER[@]}" redis-server "$REDIS_CONF"   # daemonizes once it listens
  local i
  for ((i = 0; i < 50; i++)); do
    [ "$(REDISCLI_AUTH=$(redis_password) redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  tail -n 20 "$REDIS_LOG" >&2 || true
  die "Redis did not answer PING (log: $REDIS_LOG)"
}

# start_daemons DEVICES: one daemon per comma-separated entry (cpu, cuda:0, ...), all on the
# same queue; the first keeps the plain log name.
start_daemons() {
  local devices=(${1//,/ }) n
  stop_daemon
  for n in "${!devices[@]}"; do start_daemon "$((n + 1))" "${devices[$n]}"; done
}

# start_daemon N DEVICE: (re)starts daemon N on DEVICE (cpu or cuda:N).
start_daemon() {
  local n=${1:-1} device=${2:-cpu} cmd pid i log jar
  stop_daemon_instance "$n"
  log=$(daemon_log "$n"); jar=$(daemon_run_jar "$n")
  if [ -n "${STACK_DAEMON_CMD:-}" ]; then
    cmd=(bash -c "$STACK_DAEMON_CMD")
  else
    [ -f "$DAEMON_JAR" ] || die "$DAEMON_JAR is missing (scripts/setup builds it)"
    rm -rf "$(dirname "$jar")" && mkdir -p "$(dirname "$jar")"
    cp "$DAEMON_JAR" "$jar" && cp -r "$(dirname "$DAEMON_JAR")/lib" "$(dirname "$jar")/lib"
    # shellcheck disable=SC2206 # DAEMON_JAVA_OPTS is a list of options
    cmd=(java ${DAEMON_JAVA_OPTS:-} -jar "$jar")
  fi
  say "Starting model daemon $n on $device (as $SERVICE_USER)"
  # A fresh log per run (the previous one is kept as .1), so "ready" below is this run's.
  [ -f "$log" ] && mv -f "$log" "$log.1"
  # The log is opened by the service user: root never writes into the folder that user owns.
  (cd "$RUNTIME" && CLASSIFIER_CONFIG=$CONFIG_FILE MODEL_DEVICE=$device exec nohup "${AS_SERVICE_USER[@]}" \
    sh -c 'exec "$@" >>"$0" 2>&1' "$log" "${cmd[@]}" >/dev/null 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$(daemon_pidfile "$n")"
  info "pid $pid, waiting for 'model daemon ready' in $log"
  for ((i = 0; i < ${DAEMON_READY_TIMEOUT:-180} * 2; i++)); do
    grep -q 'model daemon ready' "$log" 2>/dev/null && return 0
    alive "$pid" || break
    sleep 0.5
  done
  echo "---- last lines of $log ----" >&2
  tail -n 40 "$log" >&2 || true
  echo "----" >&2
  if alive "$pid"; then
    stop_daemon_instance "$n" >&2
    die "model daemon $n was not ready after ${DAEMON_READY_TIMEOUT:-180} s (stopped it)"
  fi
  rm -f "$(daemon_pidfile "$n")"
  die "model daemon $n exited during startup"
}

# prepare_tomcat_base N: Tomcat 2.. get their own CATALINA_BASE with instance 1's configuration
# (rendered by scripts/setup) and their own ports and pid file.
prepare_tomcat_base() {
  local n=$1 base
  base=$(tomcat_base "$n")
  mkdir -p "$base"/{conf,logs,webapps,temp,work,bin}
  find "$TOMCAT_HOME/conf" -maxdepth 1 -type f -exec cp -p {} "$base/conf/" \;
  sed -i '/^port\./d' "$base/conf/catalina.properties"
  printf '%s\n' "port.http=$(tomcat_http_port "$n")" "port.ajp=$(tomcat_ajp_port "$n")" \
    "port.shutdown=$(tomcat_shutdown_port "$n")" >>"$base/conf/catalina.properties"
  sed "s|^CATALINA_PID=.*|CATALINA_PID=\"$(tomcat_pidfile "$n")\"|" "$TOMCAT_HOME/bin/setenv.sh" >"$base/bin/setenv.sh"
  own_tomcat_base "$base"
}

start_tomcats() {
  local count=$1 n
  stop_tomcat
  for n in $(seq 1 "$count"); do start_tomcat "$n"; done
}

# start_tomcat N: (re)starts Tomcat N with a fresh copy of the WAR as its ROOT.
start_tomcat() {
  local n=${1:-1} war=${STACK_WAR:-$ROOT/target/ROOT.war} p base http
  stop_tomcat_instance "$n"
  [ -f "$war" ] || die "$war is missing (scripts/setup builds it)"
  [ "$n" = 1 ] || prepare_tomcat_base "$n"
  base=$(tomcat_base "$n"); http=$(tomcat_http_port "$n")
  for p in "$http" "$(tomcat_ajp_port "$n")" "$(tomcat_shutdown_port "$n")"; do
    port_busy "$p" && die "port $p is taken by another process (another Tomcat?)"
  done
  say "Starting Tomcat $n (deploying $(basename "$war") as ROOT; HTTP $http, AJP $(tomcat_ajp_port "$n"); as $SERVICE_USER)"
  # Deploy while stopped: a clean ROOT so no files of the previous version linger.
  rm -rf "$base/webapps/ROOT" "$base/webapps/ROOT.war"
  install -m 640 -g "$SERVICE_USER" "$war" "$base/webapps/ROOT.war"
  # catalina.sh writes it as the service user; one left by a stop (written by root) would block that.
  rm -f "$(tomcat_pidfile "$n")"
  CATALINA_BASE=$base "${AS_SERVICE_USER[@]}" "$TOMCAT_HOME/bin/catalina.sh" start >/dev/null
  if ! wait_http "http://127.0.0.1:$http/" "${TOMCAT_READY_TIMEOUT:-120}" "$(pid_of "$(tomcat_pidfile "$n")")"; then
    echo "---- last lines of $base/logs/catalina.out ----" >&2
    tail -n 40 "$base/logs/catalina.out" >&2 || true
    die "Tomcat $n does not answer 200 on http://127.0.0.1:$http/"
  fi
}

# --- Draining a Tomcat (scripts/restart tomcat, with several Tomcats behind a balancer) ------
# Apache stops sending new requests to Tomcat N, and it is stopped only once Apache has no
# request in flight to it: a rolling restart then fails nothing. The member state is changed at
# run time (mod_proxy's balancer-manager, mod_jk's status worker; both loopback only), not by a
# reload, which would close clients' idle keep-alive connections under them.
BALANCER_MANAGER=http://127.0.0.1/balancer-manager
JK_STATUS=http://127.0.0.1/jkstatus

# admin_curl ARGS: curl to a balancer admin page, with the admin password (setup generates it)
# handed over on stdin, not on a command line that other users can see.
admin_curl() {
  printf 'user = "admin:%s"\n' "$(cat "$SECRETS_DIR/balancer-admin.password")" | curl -K - -s -m 5 "$@"
}

# balancer_member N: Tomcat N as mod_proxy names it (without AJP's default port 8009).
balancer_member() {
  local port; port=$(tomcat_ajp_port "$1")
  if [ "$port" = 8009 ]; then echo ajp://127.0.0.1; else echo "ajp://127.0.0.1:$port"; fi
}
# jk_member N: Tomcat N's worker in apache/mod_jk/workers.properties.
jk_member() { if [ "$1" = 1 ]; then echo classifier; else echo "classifier$1"; fi; }

# balancer_row N: Tomcat N's row of the balancer-manager page, as "|"-separated cells:
# URL|Route|RouteRedir|Factor|Set|Status|Elected|Busy|Load|To|From.
balancer_row() {
  admin_curl "$BALANCER_MANAGER" | grep -F ">$(balancer_member "$1")</a>" | sed 's#</td>#|#g; s/<[^>]*>//g'
}

# jk_member_value N KEY: one property of Tomcat N's worker from mod_jk's status worker.
jk_member_value() {
  admin_curl "$JK_STATUS?cmd=show&mime=prop&w=classifier_lb" |
    sed -n "s/^worker\.classifier_lb\.balance_workers\.$(jk_member "$1")\.$2=//p;s/^worker\.$(jk_member "$1")\.$2=//p" | head -n 1
}

# set_tomcat_routing N on|off: whether Apache sends new requests to Tomcat N; checked after.
set_tomcat_routing() {
  local n=$1 off=0 nonce
  [ "$2" = off ] && off=1
  case $(current_front) in
    ajp)
      nonce=$(admin_curl "$BALANCER_MANAGER" | grep -o 'nonce=[0-9a-f-]*' | head -n 1 | cut -d= -f2)
      [ -n "$nonce" ] || { echo "    no balancer-manager at $BALANCER_MANAGER" >&2; return 1; }
      # The Referer passes the manager's cross-site check, the nonce its replay check.
      admin_curl -o /dev/null -e "$BALANCER_MANAGER" \
        -d "b=classifier&w=$(balancer_member "$n")&w_status_D=$off&nonce=$nonce" "$BALANCER_MANAGER"
      if ((off)); then balancer_row "$n" | cut -d'|' -f6 | grep -q Dis
      else ! balancer_row "$n" | cut -d'|' -f6 | grep -q Dis; fi ;;
    jk)
      # vwa: the member's activation, 0 active, 1 disabled.
      admin_curl -o /dev/null "$JK_STATUS?cmd=update&mime=txt&w=classifier_lb&sw=$(jk_member "$n")&vwa=$off"
      [ "$(jk_member_value "$n" activation)" = "$( ((off)) && echo DIS || echo ACT)" ] ;;
  esac
}

# tomcat_busy N: how many requests Apache has in flight to Tomcat N now.
tomcat_busy() {
  local busy
  case $(current_front) in
    ajp) busy=$(balancer_row "$1" | cut -d'|' -f8) ;;
    jk) busy=$(jk_member_value "$1" busy) ;;
  esac
  busy=${busy//[^0-9]/}
  echo "${busy:-unknown}"
}

# drain_tomcat N SECONDS: no new requests to Tomcat N, then waits up to SECONDS for Apache's
# requests in flight to it to be answered. Fails (leaving it disabled) when they are not.
drain_tomcat() {
  local n=$1 i busy
  set_tomcat_routing "$n" off || { echo "    could not disable Tomcat $n in Apache's balancer" >&2; return 1; }
  for ((i = 0; i < $2 * 4; i++)); do
    busy=$(tomcat_busy "$n")
    [ "$busy" = 0 ] && return 0
    sleep 0.25
  done
  echo "    Tomcat $n still has $busy requests in flight after $2 s" >&2
  return 1
}

# apache_site FRONT TOMCATS: the site that puts Apache in front of that many Tomcats that way.
apache_site() {
  if [ "$1" = jk ]; then
    if (($2 > 1)); then echo imageclassifier-jk-lb; else echo imageclassifier-jk; fi
  else
    if (($2 > 1)); then echo imageclassifier-balancer; else echo 000-default; fi
  fi
}

# apache_select_front FRONT TOMCATS: enables exactly one front site (and its modules).
apache_select_front() {
  local site s
  site=$(apache_site "$1" "$2")
  for s in 000-default imageclassifier-balancer imageclassifier-jk imageclassifier-jk-lb; do
    [ "$s" = "$site" ] || a2dissite -q "$s" >/dev/null 2>&1 || true
  done
  if [ "$1" = jk ]; then
    a2dismod -q proxy_ajp >/dev/null
    a2enmod -q jk headers unique_id >/dev/null
  else
    # Debian enables jk on install; its mounts and workers must not linger next to mod_proxy_ajp.
    a2dismod -q jk >/dev/null
    a2enmod -q proxy proxy_ajp proxy_balancer lbmethod_byrequests headers unique_id >/dev/null
  fi
  a2ensite -q "$site" >/dev/null
}

start_apache() {
  local out pid
  say "Starting Apache (front: ${FRONT:-ajp}, $(apache_site "${FRONT:-ajp}" "${TOMCATS:-1}"))"
  apache_select_front "${FRONT:-ajp}" "${TOMCATS:-1}"
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
    # Tomcat answers 403 to a wrong AJP secret and logs nothing about it.
    [ "$(http_code http://localhost/)" != 403 ] ||
      die "Apache gets 403 from Tomcat: their AJP secrets differ (run scripts/setup, then scripts/start)"
    tail -n 20 "$APACHE_LOG/error.log" >&2 || true
    die "Apache does not answer 200 on http://localhost/ (front: ${FRONT:-ajp})"
  fi
}
