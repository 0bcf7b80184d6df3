#!/usr/bin/env bash
# bench/appliance.sh: the appliance figures of `make bench`.
#
#   - image sizes: kernel, initrd and OCI tarball of `ofbox image` for the
#     minimal and the Debian kernel (built if missing);
#   - boot to ready: BOOTS (5) boots per kernel under TCG of a controller VM
#     with one dgram NIC and ofbox.ip, the `in N ms` of its
#     `ofbox: ready` line (ms since kernel start) and the launch-to-ready
#     wall time; the median of each;
#   - the controller's responses/s over ofbox's own gVisor stack on a TAP
#     against the host kernel's stack (loopback), same run, same fake
#     switches (`ofbox bench controller`, throughput mode, OpenFlow 1.3).
#     Needs root (the TAP lives in a namespace the script makes).
#
# Environment: BOOTS (5), KERNELS ("minimal debian"), DURATION (5s),
# SWITCHES (16), BIN (bin/ofbox), BUILD (1; 0 uses an existing $BIN).
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTS=${BOOTS:-5}
KERNELS=${KERNELS-minimal debian}
DURATION=${DURATION:-5s}
SWITCHES=${SWITCHES:-16}
BIN=${BIN:-bin/ofbox}
out=bench/out
mkdir -p "$out"

if [ "${BUILD:-1}" = 1 ]; then
  make --no-print-directory build BIN="$BIN" >&2
fi

tmp=$(mktemp -d /tmp/ofbox-bench-appliance.XXXXXX)
pids=()
ns=""
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ -n "$ns" ]; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
# mb: bytes in MB of 10^6 bytes, the unit of the image-size target.
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1000000 }'; }

# free_udp prints a loopback UDP port nobody uses.
free_udp() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Hlun "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

declare -A ksize isize osize bready bwall
for k in $KERNELS; do
  dir=out/image/$k
  if [ ! -f "$dir/kernel" ] || [ ! -f "$dir/initrd" ] || [ "$dir/initrd" -ot "$BIN" ]; then
    "$BIN" image --kernel "$k" --out "$dir" >&2
  fi
  ksize[$k]=$(size "$dir/kernel") isize[$k]=$(size "$dir/initrd") osize[$k]=$(size "$dir/ofbox-oci.tar")

  : >"$tmp/ready-$k" && : >"$tmp/wall-$k"
  for i in $(seq "$BOOTS"); do
    a=$(free_udp) b=$(free_udp)
    log="$out/appliance-boot-$k-$i.txt"
    t0=$(date +%s%N)
    "$BIN" vm --role controller --kernel "$k" --image "$dir" --accel tcg --nic "dgram:127.0.0.1:$a,127.0.0.1:$b" \
      -- ofbox.ip=10.0.0.2/24 >"$log" 2>&1 &
    p=$!
    pids+=("$p")
    ok=0
    for _ in $(seq 600); do
      if grep -q 'ofbox: ready' "$log"; then ok=1; break; fi
      kill -0 "$p" 2>/dev/null || break
      sleep 0.05
    done
    t1=$(date +%s%N)
    stop "$p"
    if [ $ok = 1 ]; then
      sed -n 's/.*ofbox: ready .* in \([0-9]*\) ms.*/\1/p' "$log" | head -1 >>"$tmp/ready-$k"
      echo $(((t1 - t0) / 1000000)) >>"$tmp/wall-$k"
    else
      echo "appliance.sh: $k boot $i did not reach ready; see $log" >&2
    fi
  done
  bready[$k]=$(median <"$tmp/ready-$k")
  bwall[$k]=$(median <"$tmp/wall-$k")
done

# ---- the controller over gVisor on a TAP vs the host stack ----
gv=- host=-
if [ "$(id -u)" = 0 ]; then
  ns="ofbox-bench-app-$$"
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" "$BIN" controller --stack gvisor --nic tap:ofbt0 --ip 10.77.0.2/24 --listen tcp::6653 \
    --packet-in-rate 0 --log warn >"$out/appliance-gvisor-controller.txt" 2>&1 &
  p=$!
  pids+=("$p")
  for _ in $(seq 100); do
    ip netns exec "$ns" ip link show ofbt0 >/dev/null 2>&1 && break
    sleep 0.05
  done
  ip netns exec "$ns" ip addr add 10.77.0.1/24 dev ofbt0
  ip netns exec "$ns" ip link set ofbt0 up
  ip netns exec "$ns" "$BIN" bench controller --switches "$SWITCHES" --duration "$DURATION" --of 1.3 10.77.0.2:6653 \
    >"$out/appliance-gvisor-bench.txt" 2>&1 || echo "appliance.sh: gvisor controller bench failed; see $out/appliance-gvisor-bench.txt" >&2
  stop "$p"
  gv=$(awk '/responses\/s/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^responses\/s/) { print $i; exit } }' "$out/appliance-gvisor-bench.txt")

  ip netns exec "$ns" "$BIN" controller --listen tcp:127.0.0.1:6653 --packet-in-rate 0 --log warn \
    >"$out/appliance-host-controller.txt" 2>&1 &
  p=$!
  pids+=("$p")
  for _ in $(seq 100); do
    ip netns exec "$ns" ss -Htln 'sport = :6653' | grep -q . && break
    sleep 0.05
  done
  ip netns exec "$ns" "$BIN" bench controller --switches "$SWITCHES" --duration "$DURATION" --of 1.3 127.0.0.1:6653 \
    >"$out/appliance-host-bench.txt" 2>&1 || echo "appliance.sh: host controller bench failed; see $out/appliance-host-bench.txt" >&2
  stop "$p"
  host=$(awk '/responses\/s/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^responses\/s/) { print $i; exit } }' "$out/appliance-host-bench.txt")
else
  echo "appliance.sh: not root: skipping the gVisor-on-TAP controller comparison" >&2
fi

{
  echo "# appliance: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, QEMU TCG, $BOOTS boots per kernel"
  printf '| %-8s | %-10s | %-10s | %-12s | %-10s | %-16s | %-17s |\n' kernel "kernel MB" "initrd MB" "kernel+initrd" "OCI MB" "ready ms (median)" "launch→ready ms"
  printf '| %-8s | %-10s | %-10s | %-12s | %-10s | %-16s | %-17s |\n' --- --- --- --- --- --- ---
  for k in $KERNELS; do
    printf '| %-8s | %-10s | %-10s | %-12s | %-10s | %-16s | %-17s |\n' "$k" "$(mb "${ksize[$k]}")" "$(mb "${isize[$k]}")" \
      "$(mb $((ksize[$k] + isize[$k])))" "$(mb "${osize[$k]}")" "${bready[$k]}" "${bwall[$k]}"
  done
  echo
  echo "controller responses/s (throughput, OpenFlow 1.3, $SWITCHES switches, $DURATION): gvisor on a TAP $gv, host stack on loopback $host, ratio $(awk -v a="$gv" -v b="$host" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')"
} | tee "$out/appliance.txt"
