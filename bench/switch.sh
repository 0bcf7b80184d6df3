#!/usr/bin/env bash
# bench/switch.sh: the switch comparison of `make bench`. Builds bin/ofbox,
# then puts three forwarders in turn between the same two hosts, h1
# (10.0.0.1) and h2 (10.0.0.2), each in its own namespace on a veth whose
# switch end (s1, s2) lives in one switch namespace:
#
#   - ofbox switch --ports s1,s2 --listen ptcp:6634, flows in_port=1→2 and
#     2→1 added with ovs-ofctl over the listener;
#   - Open vSwitch's userspace datapath: a private ovsdb-server and
#     ovs-vswitchd (rundir, dbdir and logs in a temporary directory, never the
#     system instance), bridge datapath_type=netdev, fail_mode=secure, no
#     controller, the same two flows;
#   - a Linux bridge.
#
# Host TX/RX checksum offload is off for all three (Open vSwitch's userspace
# datapath stalls TCP with it on); ofbox is measured a second time with it on.
# For each: frames/s delivered to h2 for 60-byte UDP frames that trafgen
# (Debian netsniff-ng) sends from h1 as fast as it can for DURATION (h2's
# eth0 rx_packets delta over the time; the frames go to a MAC h2 does not
# own, see udp60.cfg), TCP throughput with iperf3 (server
# in h2, client in h1, -t DURATION) and ping RTT (ping -c 20 -i 0.05, avg).
# Prints a table with the ratios ofbox/OVS and ofbox/bridge; raw output goes
# to bench/out/switch-*.txt.
#
# Environment: DURATION (5s), BIN (bin/ofbox), BUILD (1; 0 uses an existing
# $BIN). Needs root, iproute2, ethtool, iperf3, ping, trafgen,
# openvswitch-switch.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
BIN=${BIN:-bin/ofbox}
out=bench/out
mkdir -p "$out"
secs=${DURATION%s}
if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
  echo "switch.sh: DURATION must be whole seconds, like 5s (got $DURATION)" >&2
  exit 2
fi

if [ "$(id -u)" != 0 ]; then
  echo "switch.sh: needs root (network namespaces)" >&2
  exit 1
fi
for tool in ip ethtool iperf3 ping trafgen ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ovsdb-tool; do
  if ! command -v "$tool" >/dev/null; then
    echo "switch.sh: $tool not installed; as root: apt-get install -y --no-install-recommends netsniff-ng iperf3 ethtool iputils-ping iproute2 openvswitch-switch" >&2
    exit 1
  fi
done

if [ "${BUILD:-1}" = 1 ]; then
  make --no-print-directory build BIN="$BIN" >&2
fi

tmp=$(mktemp -d /tmp/ofbox-bench-switch.XXXXXX)
tag="$$-$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sw="ofbox-bench-sw-$tag"
h1="ofbox-bench-h1-$tag"
h2="ofbox-bench-h2-$tag"
pids=()
nss=()
cleanup() {
  local p n
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  # Anything left in our namespaces is ours too (a trafgen fork, say).
  for n in "${nss[@]}"; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop PID: end one process this script started.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

# inns NS CMD...: run CMD in NS. Background processes are started with
# `ip netns exec` directly instead, so that $! is the process itself (a
# function run with & would be a subshell, and killing it would orphan CMD).
inns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# ---- namespaces: h1, h2 and the switch namespace with s1, s2 ----
for n in "$sw" "$h1" "$h2"; do
  ip netns add "$n"
  nss+=("$n")
  inns "$n" ip link set lo up
done
i=1
for h in "$h1" "$h2"; do
  ip link add eth0 netns "$h" type veth peer name "s$i" netns "$sw"
  inns "$h" ip addr add "10.0.0.$i/24" dev eth0
  inns "$h" ip link set eth0 up
  inns "$sw" ip link set "s$i" up
  i=$((i + 1))
done

# offload on|off: host ends' TX and RX checksum offload.
offload() {
  local h
  for h in "$h1" "$h2"; do inns "$h" ethtool -K eth0 tx "$1" rx "$1" >/dev/null 2>&1; done
}

# 60-byte frames (no FCS): Ethernet 14 + IPv4 20 + UDP 8 + 18 bytes of payload.
# They are addressed to a MAC that h2 does not own (sink), so h2's kernel
# counts them (rx_packets) and drops them at its first check. Addressed to
# h2 itself, each would climb h2's IP stack to answer with an ICMP port
# unreachable: on veth that work runs on the CPU of whoever sends into s2,
# the forwarder, and would be measured as the forwarder's. The forwarders
# forward by in_port (ofbox, OVS) or flood the unknown MAC (the bridge), so
# all three carry the same frames.
sink=02:00:5e:00:53:01
cat >"$tmp/udp60.cfg" <<EOF
{
  eth(da=$sink, type=0x0800),
  ipv4(saddr=10.0.0.1, daddr=10.0.0.2, ttl=64),
  udp(sp=9, dp=9),
  fill(0x00, 18)
}
EOF

now() { date +%s.%N; }
rx() { inns "$h2" cat /sys/class/net/eth0/statistics/rx_packets; }
tx() { inns "$h1" cat /sys/class/net/eth0/statistics/tx_packets; }

# measure NAME: ping, iperf3 and trafgen through whatever forwards now; sets
# r_pps, r_tcp (Gbit/s) and r_rtt (ms), "-" when a measurement failed.
measure() {
  local name=$1 log="$out/switch-$1" p t0 t1 rx0 rx1 tx0 tx1 srv gen
  r_pps=- r_tcp=- r_rtt=-
  # Warm up: ARP, MAC learning, and make sure the path works at all.
  if ! inns "$h1" ping -c 3 -i 0.2 -W 1 10.0.0.2 >"$log-warmup.txt" 2>&1; then
    inns "$h1" ping -c 5 -i 0.2 -W 1 10.0.0.2 >>"$log-warmup.txt" 2>&1 || {
      echo "switch.sh: $name: h1 cannot ping h2; see $log-warmup.txt" >&2
      return 0
    }
  fi

  inns "$h1" ping -c 20 -i 0.05 10.0.0.2 >"$log-ping.txt" 2>&1 || true
  r_rtt=$(sed -n 's|^rtt .* = [0-9.]*/\([0-9.]*\)/.*|\1|p' "$log-ping.txt")
  r_rtt=${r_rtt:--}

  ip netns exec "$h2" iperf3 -s -1 -B 10.0.0.2 >"$log-iperf3-server.txt" 2>&1 &
  srv=$!
  pids+=("$srv")
  for _ in $(seq 50); do
    inns "$h2" ss -Htln 'sport = :5201' | grep -q . && break
    sleep 0.1
  done
  ip netns exec "$h1" timeout $((secs + 10)) iperf3 -c 10.0.0.2 -t "$secs" -f m >"$log-iperf3.txt" 2>&1 &
  p=$!
  pids+=("$p")
  wait "$p" || echo "switch.sh: $name: iperf3 failed; see $log-iperf3.txt" >&2
  stop "$p"
  stop "$srv"
  r_tcp=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") printf "%.2f", $i / 1000 }' "$log-iperf3.txt")
  r_tcp=${r_tcp:--}

  rx0=$(rx) tx0=$(tx) t0=$(now)
  ip netns exec "$h1" timeout -s INT "$secs" trafgen --dev eth0 --conf "$tmp/udp60.cfg" --cpus 1 \
    --no-sock-mem --notouch-irq >"$log-trafgen.txt" 2>&1 &
  gen=$!
  pids+=("$gen")
  wait "$gen" || true # timeout's INT ends it; its status is 124
  stop "$gen"
  sleep 0.2 # frames still in flight
  rx1=$(rx) tx1=$(tx) t1=$(now)
  {
    echo "h1 eth0 tx_packets delta: $((tx1 - tx0))"
    echo "h2 eth0 rx_packets delta: $((rx1 - rx0))"
    echo "seconds: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  } >>"$log-trafgen.txt"
  if [ $((tx1 - tx0)) -gt 0 ]; then
    r_pps=$(awk -v n=$((rx1 - rx0)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
    offered=$(awk -v n=$((tx1 - tx0)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
    echo "offered frames/s (h1 tx): $offered" >>"$log-trafgen.txt"
  else
    echo "switch.sh: $name: trafgen sent nothing; see $log-trafgen.txt" >&2
  fi
}

declare -A pps tcp rtt

# ---- ofbox switch ----
# ofbox_run NAME: start the switch, add the flows, measure, stop it.
ofbox_run() {
  local name=$1 pid ok=0
  ip netns exec "$sw" "$BIN" switch --ports s1,s2 --listen ptcp:6634 --fail-mode secure --log warn \
    >"$out/switch-$name-server.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 50); do
    if inns "$sw" ovs-ofctl -O OpenFlow13 show tcp:127.0.0.1:6634 >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ $ok = 1 ] &&
    inns "$sw" ovs-ofctl -O OpenFlow13 add-flow tcp:127.0.0.1:6634 in_port=1,actions=output:2 &&
    inns "$sw" ovs-ofctl -O OpenFlow13 add-flow tcp:127.0.0.1:6634 in_port=2,actions=output:1; then
    measure "$name"
    inns "$sw" ovs-ofctl -O OpenFlow13 dump-flows tcp:127.0.0.1:6634 >"$out/switch-$name-flows.txt" 2>&1 || true
  else
    echo "switch.sh: $name: ofbox switch did not come up or took no flows; see $out/switch-$name-server.log" >&2
    r_pps=- r_tcp=- r_rtt=-
  fi
  stop "$pid"
}

offload off
ofbox_run ofbox
pps[ofbox]=$r_pps tcp[ofbox]=$r_tcp rtt[ofbox]=$r_rtt

offload on
ofbox_run ofbox-offload
pps[ofbox-offload]=$r_pps tcp[ofbox-offload]=$r_tcp rtt[ofbox-offload]=$r_rtt
offload off

# ---- Open vSwitch, userspace datapath, private instance ----
ovs_run() {
  local d="$tmp/ovs" db dbpid vpid ok=0
  mkdir -p "$d"
  db="unix:$d/db.sock"
  ovsenv=(env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" OVS_SYSCONFDIR="$d")
  r_pps=- r_tcp=- r_rtt=-
  if ! "${ovsenv[@]}" ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema >"$out/switch-ovs-ovsdb.log" 2>&1; then
    echo "switch.sh: ovs: ovsdb-tool create failed; see $out/switch-ovs-ovsdb.log" >&2
    return 0
  fi
  ip netns exec "$sw" "${ovsenv[@]}" ovsdb-server "$d/conf.db" --remote="p$db" --unixctl="$d/ovsdb-server.ctl" \
    --log-file="$d/ovsdb-server.log" --no-chdir -vconsole:warn -vfile:info >>"$out/switch-ovs-ovsdb.log" 2>&1 &
  dbpid=$!
  pids+=("$dbpid")
  vsctl() { "${ovsenv[@]}" ovs-vsctl --db="$db" --timeout=10 "$@"; }
  for _ in $(seq 100); do
    if vsctl --no-wait init 2>/dev/null; then ok=1; break; fi
    kill -0 "$dbpid" 2>/dev/null || break
    sleep 0.05
  done
  if [ $ok = 0 ]; then
    echo "switch.sh: ovs: ovsdb-server did not come up; see $out/switch-ovs-ovsdb.log" >&2
    stop "$dbpid"
    return 0
  fi
  ip netns exec "$sw" "${ovsenv[@]}" ovs-vswitchd "$db" --unixctl="$d/ovs-vswitchd.ctl" \
    --log-file="$d/ovs-vswitchd.log" --no-chdir -vconsole:warn -vfile:info >"$out/switch-ovs-vswitchd.log" 2>&1 &
  vpid=$!
  pids+=("$vpid")
  if vsctl add-br br0 -- set Bridge br0 datapath_type=netdev fail_mode=secure protocols=OpenFlow13 \
    -- add-port br0 s1 -- set Interface s1 ofport_request=1 \
    -- add-port br0 s2 -- set Interface s2 ofport_request=2 &&
    "${ovsenv[@]}" ovs-ofctl -O OpenFlow13 del-flows br0 &&
    "${ovsenv[@]}" ovs-ofctl -O OpenFlow13 add-flow br0 in_port=1,actions=output:2 &&
    "${ovsenv[@]}" ovs-ofctl -O OpenFlow13 add-flow br0 in_port=2,actions=output:1; then
    measure ovs
    "${ovsenv[@]}" ovs-ofctl -O OpenFlow13 dump-flows br0 >"$out/switch-ovs-flows.txt" 2>&1 || true
  else
    echo "switch.sh: ovs: bridge or flows failed; see $out/switch-ovs-vswitchd.log" >&2
  fi
  vsctl --if-exists del-br br0 >/dev/null 2>&1 || true
  stop "$vpid"
  stop "$dbpid"
  cp "$d/ovs-vswitchd.log" "$out/switch-ovs-vswitchd.log" 2>/dev/null || true
}
ovs_run
pps[ovs]=$r_pps tcp[ovs]=$r_tcp rtt[ovs]=$r_rtt

# ---- Linux bridge ----
inns "$sw" ip link add br0 type bridge
inns "$sw" ip link set s1 master br0
inns "$sw" ip link set s2 master br0
inns "$sw" ip link set br0 up
measure bridge
pps[bridge]=$r_pps tcp[bridge]=$r_tcp rtt[bridge]=$r_rtt
inns "$sw" ip link del br0

# ---- table ----
ratio() {
  if [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
  else
    echo -
  fi
}
{
  echo "# switch: h1 -> forwarder -> h2 on veths, $DURATION per measurement, 60-byte UDP frames (trafgen), iperf3 TCP, ping -c 20 -i 0.05; $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r)"
  printf '| %-36s | %-14s | %-12s | %-12s |\n' forwarder "frames/s" "TCP Gbit/s" "ping avg ms"
  printf '| %-36s | %-14s | %-12s | %-12s |\n' --- --- --- ---
  row() { printf '| %-36s | %-14s | %-12s | %-12s |\n' "$1" "${pps[$2]}" "${tcp[$2]}" "${rtt[$2]}"; }
  row "ofbox switch (offload off)" ofbox
  row "ofbox switch (offload on)" ofbox-offload
  row "Open vSwitch userspace (offload off)" ovs
  row "Linux bridge (offload off)" bridge
  printf '| %-36s | %-14s | %-12s | %-12s |\n' "ofbox/OVS" "$(ratio "${pps[ofbox]}" "${pps[ovs]}")" \
    "$(ratio "${tcp[ofbox]}" "${tcp[ovs]}")" "$(ratio "${rtt[ofbox]}" "${rtt[ovs]}")"
  printf '| %-36s | %-14s | %-12s | %-12s |\n' "ofbox/bridge" "$(ratio "${pps[ofbox]}" "${pps[bridge]}")" \
    "$(ratio "${tcp[ofbox]}" "${tcp[bridge]}")" "$(ratio "${rtt[ofbox]}" "${rtt[bridge]}")"
  echo "(ratios use ofbox with offload off, like for like; for ping a lower ratio is better)"
} | tee "$out/switch-table.txt"
