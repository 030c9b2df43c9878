# shellcheck shell=bash
# Shared by the side-by-side benchmarks (scripts/bench-etcd, scripts/bench-watchers): a 3-member etcd 3.4
# (Debian's etcd-server) and a 3-process `parley dev` on loopback, with a private copy of Parley's jars.
# Source it after setting BENCH_NAME: it sets up the work dir, the cleanup trap and the tools, and defines
# bench_start_clusters (starts both; sets ETCD_PIDS, PARLEY_PID, PARLEY_PIDS), cpu_seconds and rss_kib.

# Ports: member i of etcd listens for clients on ETCD_BASE+100*(i-1) and for peers one above; Parley's node i
# on PARLEY_BASE+100*(i-1) (peers one above, HTTP 7000 above), as 'parley dev --base-port' lays them out.
ETCD_BASE="${BENCH_ETCD_BASE_PORT:-42379}"
PARLEY_BASE="${BENCH_PARLEY_BASE_PORT:-32379}"
ETCD_ENDPOINTS="127.0.0.1:$ETCD_BASE,127.0.0.1:$((ETCD_BASE + 100)),127.0.0.1:$((ETCD_BASE + 200))"
PARLEY_ENDPOINTS="127.0.0.1:$PARLEY_BASE,127.0.0.1:$((PARLEY_BASE + 100)),127.0.0.1:$((PARLEY_BASE + 200))"
export ETCDCTL_API=3
# Quiet the JDK 25 warnings grpc-netty-shaded triggers (Unsafe, native access).
export PARLEY_JAVA_OPTS="${PARLEY_JAVA_OPTS:---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}"

die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/parley-${BENCH_NAME:-bench}.XXXXXX")"
ETCD_PIDS=()
PARLEY_PID=""

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$PARLEY_PID" ]] && kill -0 "$PARLEY_PID" 2>/dev/null; then
    kill -TERM "$PARLEY_PID" 2>/dev/null           # parley dev's shutdown hook stops its nodes
    for _ in $(seq 1 150); do kill -0 "$PARLEY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PARLEY_PID" 2>/dev/null
  fi
  for pid in "${ETCD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${ETCD_PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  wait 2>/dev/null
  if [[ "${BENCH_KEEP:-}" == 1 || $rc -ne 0 ]]; then
    echo "${BENCH_NAME:-bench}: data and logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- etcd binary
if ! command -v etcd >/dev/null 2>&1; then
  echo "== installing etcd-server (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server >/dev/null; } \
    || die "could not install etcd-server"
fi
command -v etcdctl >/dev/null 2>&1 || die "etcdctl not found (apt-get install etcd-client)"
# Every port either cluster will bind must be free (Debian's package may start a system etcd; another 'parley dev'?).
for base in "$ETCD_BASE" "$PARLEY_BASE"; do
  for p in $base $((base + 1)) $((base + 100)) $((base + 101)) $((base + 200)) $((base + 201)); do
    if ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then die "port $p is in use; set BENCH_ETCD_BASE_PORT / BENCH_PARLEY_BASE_PORT"; fi
  done
done
for p in $((PARLEY_BASE + 7000)) $((PARLEY_BASE + 7100)) $((PARLEY_BASE + 7200)); do
  if ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then die "port $p is in use; set BENCH_PARLEY_BASE_PORT"; fi
done

# ---- Parley: build if needed (under the shared build lock when there is one), then run a private copy of the
# jars, so a rebuild of the tree during the benchmark cannot swap classes under the running cluster.
if command -v flock >/dev/null 2>&1; then
  flock /tmp/parley-mvn.lock ./parley --version >/dev/null 2>&1 || flock /tmp/parley-mvn.lock ./parley --version
else
  ./parley --version >/dev/null 2>&1 || ./parley --version
fi
# shellcheck source=jdk.sh
source "$ROOT/scripts/jdk.sh"
JDK="$(parley_find_jdk)" || die "no JDK >= $PARLEY_MIN_JAVA found"
mkdir -p "$WORK/jars"
cp "$(ls "$ROOT"/cli/target/parley-cli-*.jar | head -1)" "$WORK/jars/"
cp -r "$ROOT/cli/target/lib" "$WORK/jars/lib"
parley() {
  # shellcheck disable=SC2086
  "$JDK/bin/java" -XX:+UseParallelGC -Xss8m $PARLEY_JAVA_OPTS -cp "$WORK/jars/*:$WORK/jars/lib/*" parley.cli.Main "$@"
}

echo "== machine"
echo "cores: $(nproc); $(uptime)"
echo "kernel: $(uname -r); temp dir $WORK on $(df -P "$WORK" | awk 'NR==2 {print $1 " (" $6 ")"}')"
echo "etcd: $(etcd --version | head -1); java: $("$JDK/bin/java" -version 2>&1 | head -1)"

# Starts both clusters on fresh data directories and waits until each is healthy.
bench_start_clusters() {
  # ---- etcd: 3 members on loopback, defaults (fsync on)
  echo "== starting etcd (3 members)"
  peer() { echo "http://127.0.0.1:$((ETCD_BASE + 100 * ($1 - 1) + 1))"; }
  client() { echo "http://127.0.0.1:$((ETCD_BASE + 100 * ($1 - 1)))"; }
  cluster="e1=$(peer 1),e2=$(peer 2),e3=$(peer 3)"
  for i in 1 2 3; do
    mkdir -p "$WORK/etcd"
    etcd --name "e$i" --data-dir "$WORK/etcd/e$i" \
      --listen-client-urls "$(client $i)" --advertise-client-urls "$(client $i)" \
      --listen-peer-urls "$(peer $i)" --initial-advertise-peer-urls "$(peer $i)" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token parley-bench \
      --logger zap --log-outputs stderr >"$WORK/etcd-e$i.log" 2>&1 &
    ETCD_PIDS+=($!)
  done
  for t in $(seq 1 60); do
    if etcdctl --endpoints "$ETCD_ENDPOINTS" endpoint health >/dev/null 2>&1; then break; fi
    [[ $t == 60 ]] && { tail -5 "$WORK"/etcd-e*.log; die "etcd did not become healthy in 30 s"; }
    sleep 0.5
  done
  etcdctl --endpoints "$ETCD_ENDPOINTS" endpoint health 2>&1

  # ---- Parley: ./parley dev on a fresh data dir
  echo "== starting parley dev (3 processes)"
  # shellcheck disable=SC2086
  ( exec "$JDK/bin/java" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xss8m $PARLEY_JAVA_OPTS -cp "$WORK/jars/*:$WORK/jars/lib/*" parley.cli.Main \
      dev --base-port "$PARLEY_BASE" --data-dir "$WORK/parley" >"$WORK/parley-dev.out" 2>&1 ) &
  PARLEY_PID=$!
  for t in $(seq 1 180); do
    grep -q "cluster healthy" "$WORK/parley-dev.out" && break
    kill -0 "$PARLEY_PID" 2>/dev/null || { cat "$WORK/parley-dev.out"; die "parley dev exited"; }
    [[ $t == 180 ]] && { cat "$WORK/parley-dev.out"; die "parley did not become healthy in 90 s"; }
    sleep 0.5
  done
  grep "cluster healthy" "$WORK/parley-dev.out"
  PARLEY_PIDS="$(pgrep -f "config $WORK/parley/" | tr '\n' ' ')"
}

TICKS_PER_S="$(getconf CLK_TCK)"
# CPU seconds (user + system) the given processes have used so far.
cpu_seconds() {
  local ticks=0 p u s
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    read -r u s < <(awk '{print $14, $15}' "/proc/$p/stat")
    ticks=$((ticks + u + s))
  done
  awk -v t="$ticks" -v hz="$TICKS_PER_S" 'BEGIN { printf "%.2f", t / hz }'
}
# Resident memory (KiB) of the given processes added up; 0 for those that are gone.
rss_kib() {
  local kib=0 p v
  for p in "$@"; do
    v="$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)"
    kib=$((kib + ${v:-0}))
  done
  echo "$kib"
}
