#!/usr/bin/env bash
# fastlease quick start: installs what is missing, builds, and serves a real DHCP
# client through the DPDK dataplane — no NIC and no hugepages needed.
#
#   deploy/quickstart.sh          # run as root; idempotent
#   KEEP=1 deploy/quickstart.sh   # leave the dataplane and namespace running
#
# What it does: creates network namespace `flqs` and veth pair flveth0 (ours,
# AF_PACKET vdev) / flveth0c (in the namespace); starts fastlease-dataplane on
# deploy/config/fastlease.example.json with its RocksDB lease store under
# ./state; starts fastlease-control beside it (command socket ./state/control.sock);
# runs dhclient in the namespace until it holds a lease, and shows it, then shows
# the same lease and the statistics through the `fastlease` CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NS=flqs
HOST_IF=flveth0
PEER_IF=flveth0c
STATE=$ROOT/state
RUN=$STATE/quickstart
mkdir -p "$RUN"

bash deploy/install-deps.sh
[[ -f build/build.ninja ]] || meson setup build --buildtype=release
ninja -C build -j"$(nproc)"

cleanup() {
  if [[ -f $RUN/control.pid ]]; then
    kill -TERM "$(cat "$RUN/control.pid")" 2>/dev/null || true
    rm -f "$RUN/control.pid"
  fi
  if [[ -f $RUN/dataplane.pid ]]; then
    kill -TERM "$(cat "$RUN/dataplane.pid")" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$(cat "$RUN/dataplane.pid")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$RUN/dataplane.pid"
  fi
  if [[ -f $RUN/dhclient.pid ]]; then
    kill "$(cat "$RUN/dhclient.pid")" 2>/dev/null || true
    rm -f "$RUN/dhclient.pid"
  fi
  ip netns del "$NS" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
}
cleanup  # a previous run's leftovers, if any
[[ ${KEEP:-0} == 1 ]] || trap cleanup EXIT

ip netns add "$NS"
ip link add "$HOST_IF" type veth peer name "$PEER_IF"
ip link set "$PEER_IF" netns "$NS"
sysctl -qw "net.ipv6.conf.$HOST_IF.disable_ipv6=1" || true
ip link set "$HOST_IF" up
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" ip link set "$PEER_IF" up

echo "== starting fastlease-dataplane (log: $RUN/dataplane.log)"
build/dataplane/fastlease-dataplane --config deploy/config/fastlease.example.json \
  --state-dir "$STATE" --stats-file "$RUN/stats.json" > "$RUN/dataplane.log" 2>&1 &
echo $! > "$RUN/dataplane.pid"
for _ in $(seq 100); do
  grep -q "serving:" "$RUN/dataplane.log" && break
  kill -0 "$(cat "$RUN/dataplane.pid")" 2>/dev/null || { cat "$RUN/dataplane.log"; exit 1; }
  sleep 0.1
done
grep "serving:" "$RUN/dataplane.log"

echo "== starting fastlease-control (log: $RUN/control.log)"
build/control/fastlease-control --config deploy/config/fastlease.example.json \
  --state-dir "$STATE" > "$RUN/control.log" 2>&1 &
echo $! > "$RUN/control.pid"
for _ in $(seq 100); do
  grep -q "dataplane link: connected" "$RUN/control.log" && break
  kill -0 "$(cat "$RUN/control.pid")" 2>/dev/null || { cat "$RUN/control.log"; exit 1; }
  sleep 0.1
done
export FASTLEASE_SOCKET=$STATE/control.sock

# dhclient's script: configure the address it is given, nothing else on the host.
cat > "$RUN/dhclient-script" <<'SCRIPT'
#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT)
    ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
    echo "$reason: $new_ip_address/$new_subnet_mask router $new_routers dns $new_domain_name_servers lease ${new_dhcp_lease_time}s" ;;
esac
exit 0
SCRIPT
chmod +x "$RUN/dhclient-script"

echo "== dhclient in namespace $NS"
ip netns exec "$NS" dhclient -4 -1 -v -sf "$RUN/dhclient-script" -lf "$RUN/dhclient.leases" \
  -pf "$RUN/dhclient.pid" "$PEER_IF"
echo "== the client's address"
ip netns exec "$NS" ip -4 addr show dev "$PEER_IF"
echo "== ping the server from the client"
ip netns exec "$NS" ping -c 2 -W 2 192.0.2.1
echo "== the lease, as the operator sees it: fastlease leases"
build/control/cli/fastlease leases
echo "== fastlease stats pkt4-ack-sent subnet[1].assigned-addresses"
build/control/cli/fastlease stats pkt4-ack-sent 'subnet[1].assigned-addresses'
if [[ ${KEEP:-0} == 1 ]]; then
  echo "== left running: dataplane pid $(cat "$RUN/dataplane.pid"), fastlease-control pid $(cat "$RUN/control.pid"), namespace $NS"
  echo "   try: FASTLEASE_SOCKET=$STATE/control.sock build/control/cli/fastlease status"
else
  echo "== stopping (KEEP=1 keeps it running)"
fi
