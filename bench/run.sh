#!/usr/bin/env bash
# make bench: run every benchmark users compare and print the figures that
# bench/RESULTS.md records. Peer comparisons (Open vSwitch, ovs-testcontroller)
# join as the roles land: each runs the peer in the same run as ofbox.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
count=${COUNT:-5}

{
  echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "# $(go version)"
  go test -run '^$' -bench . -benchmem -count "$count" ./openflow/...
} | tee "$out/codec.txt"

echo
echo "raw figures: $out/codec.txt (summarise with: go run golang.org/x/perf/cmd/benchstat@latest $out/codec.txt)"

# The controller: ofbox vs ovs-testcontroller, same run, same load.
echo
bench/controller.sh | tee "$out/controller.txt"

# The switch: ofbox vs Open vSwitch userspace vs a Linux bridge, same run,
# same namespaces (root; trafgen from Debian's netsniff-ng).
echo
bench/switch.sh | tee "$out/switch.txt"

# Classifier lookup cost against table size (the cached path must stay flat).
echo
go test -run '^$' -bench 'Lookup' -benchmem ./roles/switch/datapath | tee "$out/lookup.txt"

# The in-process simulator: a pingall per topology, with l2learning and
# with an app written in the test file (the harness users test apps with).
echo
go test -run '^$' -bench 'Sim' -benchmem -count 3 ./sim | tee "$out/sim.txt"

# The appliance: image sizes, boot to ready per kernel (TCG), and the
# controller over ofbox's gVisor stack on a TAP vs the host stack.
echo
bench/appliance.sh | tee "$out/appliance-summary.txt"
