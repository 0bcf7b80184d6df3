#!/usr/bin/env bash
# bench/controller.sh: the controller comparison of `make bench`. Builds
# bin/ofbox, then loads `ofbox controller --app l2learning` and the C
# reference controller `ovs-testcontroller` (Debian openvswitch-testcontroller)
# with the same fake switches (`ofbox bench controller`), in the same run:
# throughput and latency modes, OpenFlow 1.0 and 1.3. Each measurement gets a
# freshly started controller. Prints responses/s and the ratio
# ofbox/ovs-testcontroller; raw output goes to bench/out/controller-*.txt.
#
# ovs-testcontroller runs with its defaults, which are the closest to
# l2learning: MAC learning, exact-match flows installed for known
# destinations with a 60 s idle timeout (the buffered packet released by the
# flow mod), unknown destinations flooded with a packet-out. (--noflow would
# answer everything with packet-outs, --hub would not learn.) Console
# logging is cut to warnings for both.
#
# ofbox runs with --packet-in-rate $RATE (default 0: no limit), like for like
# with ovs-testcontroller, which has none; RATE=100000 measures ofbox's
# default per-switch limit instead (16 switches then cap at 1.6M/s).
#
# Environment: SWITCHES (16), MACS (1000), DURATION (10s), WARMUP (1s),
# VERSIONS ("1.0 1.3"), MODES ("throughput latency"), BIN (bin/ofbox),
# BUILD (1; 0 uses an existing $BIN).
set -euo pipefail
cd "$(dirname "$0")/.."

SWITCHES=${SWITCHES:-16}
MACS=${MACS:-1000}
RATE=${RATE:-0}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-1s}
VERSIONS=${VERSIONS:-1.0 1.3}
MODES=${MODES:-throughput latency}
BIN=${BIN:-bin/ofbox}
out=bench/out
mkdir -p "$out"

if [ "${BUILD:-1}" = 1 ]; then
  make --no-print-directory build BIN="$BIN" >&2
fi
if ! "$BIN" bench controller --help >/dev/null 2>&1; then
  echo "controller.sh: $BIN has no working 'bench controller' command (is runBench wired into main.go?)" >&2
  exit 1
fi

tmp=$(mktemp -d /tmp/ofbox-bench-controller.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a loopback TCP port nobody listens on.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    if [ -z "$(ss -Htln "sport = :$p")" ]; then
      echo "$p"
      return 0
    fi
  done
  echo "controller.sh: no free port" >&2
  return 1
}

# wait_port PORT PID: until something listens on PORT, or PID has died.
wait_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# stop PID: end one controller this script started.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

# ofbox_missing: why ofbox's controller cannot be measured, or nothing.
ofbox_missing() {
  local msg
  if msg=$("$BIN" controller --help 2>&1); then return 0; fi
  case "$msg" in
    *"not built yet"*) echo "ofbox controller not built yet (issue 3)" ;;
    *"flag"*|*"usage"*) ;; # it exists and printed its usage
    *) echo "ofbox controller unavailable: $(echo "$msg" | head -1)" ;;
  esac
}

# measure IMPL VERSION MODE: start IMPL on a fresh port, load it, stop it;
# sets res to the average responses/s, or "-" with the reason on stderr.
# (It runs in this shell, not in $(...), so that the trap knows its PID.)
measure() {
  local impl=$1 v=$2 mode=$3 port pid log
  res=-
  port=$(free_port)
  log="$out/controller-$impl-$v-$mode"
  case $impl in
    ofbox)
      "$BIN" controller --listen "tcp:127.0.0.1:$port" --app l2learning --of "$v" --packet-in-rate "$RATE" >"$log.server.log" 2>&1 &
      ;;
    ovs-testcontroller)
      ovs-testcontroller -O "OpenFlow${v/./}" -vconsole:warn --unixctl="$tmp/tc-$port.ctl" \
        "ptcp:$port:127.0.0.1" >"$log.server.log" 2>&1 &
      ;;
  esac
  pid=$!
  pids+=("$pid")
  if ! wait_port "$port" "$pid"; then
    echo "controller.sh: $impl (OpenFlow $v) did not listen on 127.0.0.1:$port; see $log.server.log" >&2
    stop "$pid"
    return 0
  fi
  # In the background and waited for, so that a signal ends the run at once.
  "$BIN" bench controller --switches "$SWITCHES" --macs "$MACS" --mode "$mode" --of "$v" \
    --duration "$DURATION" --warmup "$WARMUP" "127.0.0.1:$port" >"$log.txt" 2>&1 &
  local gen=$!
  pids+=("$gen")
  if ! wait "$gen"; then
    echo "controller.sh: ofbox bench controller against $impl (OpenFlow $v, $mode) failed:" >&2
    tail -3 "$log.txt" >&2
  fi
  stop "$gen"
  stop "$pid"
  res=$(sed -n 's/^RESULT .* avg=\([0-9.]*\) .*/\1/p' "$log.txt")
  res=${res:--}
}

missing=$(ofbox_missing)
if [ -n "$missing" ]; then
  echo "controller.sh: $missing: ofbox's rows are missing; measuring ovs-testcontroller only" >&2
fi
if ! command -v ovs-testcontroller >/dev/null; then
  echo "controller.sh: ovs-testcontroller not installed (Debian openvswitch-testcontroller): its rows are missing" >&2
fi

echo "# controller: $SWITCHES switches, $MACS macs, $DURATION (+$WARMUP warm-up) per row; ofbox --packet-in-rate $RATE; $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
printf '| %-8s | %-10s | %-22s | %-30s | %-24s |\n' OpenFlow mode "ofbox responses/s" "ovs-testcontroller responses/s" "ofbox/ovs-testcontroller"
printf '| %-8s | %-10s | %-22s | %-30s | %-24s |\n' --- --- --- --- ---
for v in $VERSIONS; do
  for mode in $MODES; do
    o=missing t=missing
    if [ -z "$missing" ]; then measure ofbox "$v" "$mode"; o=$res; fi
    if command -v ovs-testcontroller >/dev/null; then measure ovs-testcontroller "$v" "$mode"; t=$res; fi
    ratio=-
    if [[ $o =~ ^[0-9.]+$ && $t =~ ^[0-9.]+$ ]] && [ "$t" != 0 ]; then
      ratio=$(awk -v a="$o" -v b="$t" 'BEGIN { printf "%.2f", a / b }')
    fi
    printf '| %-8s | %-10s | %-22s | %-30s | %-24s |\n' "$v" "$mode" "$o" "$t" "$ratio"
  done
done
