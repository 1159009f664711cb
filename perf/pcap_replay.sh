#!/usr/bin/env bash
# perf/pcap_replay.sh: replays a pcap of DHCPv4 or DHCPv6 requests (made by
# fastlease-pcapgen, or a user's own capture) through fastlease-dataplane on a
# DPDK net_pcap port with infinite_rx=1 (the file is sent again and again as
# fast as the dataplane takes it; replies go to tx_pcap=/dev/null) and reports
# replies/s (v4: OFFERs + ACKs + NAKs sent per second; v6: Advertises + Replies)
# and received/s.
#
#   build/perf/fastlease-pcapgen --kind discover --clients 10000 --out /tmp/d.pcap
#   sudo perf/pcap_replay.sh --seconds 10 /tmp/d.pcap
#   sudo perf/pcap_replay.sh --relay 10.0.0.2 /tmp/mixed.pcap
#   # renew storm: the store is first filled by replaying REQUESTs of the same clients
#   build/perf/fastlease-pcapgen --kind request --clients 10000 --out /tmp/req.pcap
#   build/perf/fastlease-pcapgen --kind renew --clients 10000 --out /tmp/renew.pcap
#   sudo perf/pcap_replay.sh --prepopulate /tmp/req.pcap /tmp/renew.pcap
#   # a capture of your own network: its subnet, and the server's address on it
#   sudo perf/pcap_replay.sh --subnet 192.168.0.0/24 --address 192.168.0.1/24 \
#       --pool "192.168.0.10 - 192.168.0.250" mine.pcap
#   # DHCPv6: a Solicit storm, a relayed one, a Request then Renew storm
#   build/perf/fastlease-pcapgen --kind solicit --clients 10000 --out /tmp/sol.pcap
#   sudo perf/pcap_replay.sh --family 6 /tmp/sol.pcap
#   build/perf/fastlease-pcapgen --kind solicit --relay6 2001:db8:2::1 --out /tmp/rsol.pcap
#   sudo perf/pcap_replay.sh --family 6 --relay 2001:db8:2::1 /tmp/rsol.pcap
#   build/perf/fastlease-pcapgen --kind request6 --clients 10000 --out /tmp/req6.pcap
#   build/perf/fastlease-pcapgen --kind renew6 --clients 10000 --out /tmp/renew6.pcap
#   sudo perf/pcap_replay.sh --family 6 --prepopulate /tmp/req6.pcap /tmp/renew6.pcap
#
# Options:
#   --family 4|6         DHCPv4 (Dhcp4 config) or DHCPv6 (Dhcp6 config) (default 4)
#   --seconds S          measured interval (default 5), after a 1 s warm-up
#   --subnet CIDR        the subnet served (default 10.0.0.0/16, fastlease-pcapgen's;
#                        v6: 2001:db8:1::/64)
#   --pool RANGE         its pool (default "10.0.1.0 - 10.0.255.254"; v6:
#                        "2001:db8:1::100:0/104", 2^24 addresses from pcapgen's
#                        --address6-base)
#   --pd-pool P/LEN      v6: the prefix delegation pool (default 2001:db8:8000::/40)
#   --delegated-len N    v6: length of the prefixes it delegates (default 64, pcapgen's
#                        --prefix6-len: 2^24 prefixes from its --prefix6-base)
#   --address A/LEN      the port's (the server's) address (default 10.0.0.1/16;
#                        it is option 54 and the unicast destination of the pcap;
#                        v6: the port's address6, default 2001:db8:1::1/64)
#   --relay GIADDR       relay address(es, comma separated) selecting the subnet,
#                        for relayed pcaps whose giaddr is outside it (v6: the
#                        Relay-Forw link-address, pcapgen's --relay6)
#   --durability D       none | wal | fsync (default none)
#   --authoritative      NAK requests for unknown addresses
#   --prepopulate PCAP   first replay PCAP for --prepopulate-seconds (default 2),
#                        stop, then serve the measured pcap from the same store
#   --prepopulate-seconds S
#   --workers N          worker lcores (default 1); lcores 0..N are used
#   --dataplane PATH     the binary (default build/dataplane/fastlease-dataplane)
#   --keep               keep the temporary directory (config, log, stats)
# The dataplane's port has net_pcap's fixed MAC 02:70:63:61:70:00, which is
# fastlease-pcapgen's default --server-mac; unicast frames to another MAC are
# dropped (wrong_dst_mac), so a user's capture of unicast traffic needs it.
# With --family 6 the server's DUID is pinned to DUID-LL 00030001027063617000
# (Dhcp6 server-id, not persisted), fastlease-pcapgen's default --server-duid,
# so its request6/renew6 pcaps name this server.
# Output: the command lines used, then "replies/s: …" and "received/s: …", and
# a last line "result: {json}" for scripts. Must run as root (DPDK). Exit 0 on
# success, 1 when the dataplane failed, 2 on usage errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
family=4
seconds=5
subnet=""
pool=""
address=""
pd_pool=2001:db8:8000::/40
delegated_len=64
relay=""
durability=none
authoritative=false
prepopulate=""
prepop_seconds=2
workers=1
dataplane="$repo/build/dataplane/fastlease-dataplane"
keep=0
pcap=""

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --family) family=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --pd-pool) pd_pool=$2; shift 2 ;;
    --delegated-len) delegated_len=$2; shift 2 ;;
    --subnet) subnet=$2; shift 2 ;;
    --pool) pool=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --relay) relay=$2; shift 2 ;;
    --durability) durability=$2; shift 2 ;;
    --authoritative) authoritative=true; shift ;;
    --prepopulate) prepopulate=$2; shift 2 ;;
    --prepopulate-seconds) prepop_seconds=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --dataplane) dataplane=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    -*) echo "pcap_replay.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$pcap" ] || { echo "pcap_replay.sh: one pcap only" >&2; exit 2; }; pcap=$1; shift ;;
  esac
done
[ -n "$pcap" ] || { echo "pcap_replay.sh: no pcap given" >&2; usage; }
case "$family" in
  4) : "${subnet:=10.0.0.0/16}" "${pool:=10.0.1.0 - 10.0.255.254}" "${address:=10.0.0.1/16}" ;;
  6) : "${subnet:=2001:db8:1::/64}" "${pool:=2001:db8:1::100:0/104}" "${address:=2001:db8:1::1/64}" ;;
  *) echo "pcap_replay.sh: --family 4|6" >&2; exit 2 ;;
esac
for f in "$pcap" ${prepopulate:+"$prepopulate"}; do
  [ -r "$f" ] || { echo "pcap_replay.sh: cannot read $f" >&2; exit 2; }
done
pcap=$(realpath "$pcap")
[ -z "$prepopulate" ] || prepopulate=$(realpath "$prepopulate")
case "$pcap$prepopulate" in *,*) echo "pcap_replay.sh: a pcap path with a comma cannot be a vdev argument" >&2; exit 2 ;; esac
[ -x "$dataplane" ] || { echo "pcap_replay.sh: no dataplane binary at $dataplane" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "pcap_replay.sh: must run as root (DPDK)" >&2; exit 2; }
case "$durability" in none|wal|fsync) ;; *) echo "pcap_replay.sh: --durability none|wal|fsync" >&2; exit 2 ;; esac

tmp=$(mktemp -d /tmp/fl-pcap-replay.XXXXXX)
dp_pid=""
cleanup() {
  if [ -n "$dp_pid" ] && kill -0 "$dp_pid" 2>/dev/null; then
    kill -TERM "$dp_pid" 2>/dev/null || true
    wait "$dp_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# write_config PCAP CONFIG: the config for serving PCAP. net_pcap's infinite_rx
# holds the whole file in mbufs of the port's pool, so the pool is sized for it.
write_config() {
  python3 - "$1" "$2" "$family" "$subnet" "$pool" "$address" "$relay" "$durability" \
      "$authoritative" "$workers" "$pd_pool" "$delegated_len" <<'PY'
import json, struct, sys
(pcap, out, family, subnet, pool, address, relay, durability, authoritative, workers, pd_pool,
 delegated_len) = sys.argv[1:]
data = open(pcap, "rb").read()
frames, off = 0, 24
little = data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
while off + 16 <= len(data):
    incl = struct.unpack("<I" if little else ">I", data[off + 8:off + 12])[0]
    off += 16 + incl
    frames += 1
need = frames + 8192 * (int(workers) + 1)
size = 8191
while size < need:
    size = size * 2 + 1
mem_mb = 256 + (size * 2560) // (1 << 20)
sub = {"id": 1, "subnet": subnet, "pools": [{"pool": pool}]}
if relay:
    sub["relay"] = {"ip-addresses": [a.strip() for a in relay.split(",") if a.strip()]}
port = {"device": "net_pcap0,rx_pcap=%s,tx_pcap=/dev/null,infinite_rx=1" % pcap}
lease_db = {"type": "rocksdb", "name": "leases.rocksdb", "durability": durability}
cfg = {}
if family == "4":
    cfg["Dhcp4"] = {
        "valid-lifetime": 86400, "renew-timer": 43200, "rebind-timer": 75600,
        "authoritative": authoritative == "true",
        "lease-database": lease_db,
        "subnet4": [sub],
    }
    port["address"] = address
else:
    prefix, prefix_len = pd_pool.split("/")
    sub["pd-pools"] = [{"prefix": prefix, "prefix-len": int(prefix_len),
                        "delegated-len": int(delegated_len)}]
    sub["option-data"] = [{"name": "dns-servers", "data": address.split("/")[0]}]
    cfg["Dhcp6"] = {
        "preferred-lifetime": 43200, "valid-lifetime": 86400,
        "renew-timer": 21600, "rebind-timer": 34560,
        # The DUID fastlease-pcapgen's request6/renew6 name by default: DUID-LL
        # of net_pcap's MAC, not read from or written to the state directory.
        "server-id": {"type": "LL", "identifier": "027063617000", "persist": False},
        "lease-database": lease_db,
        "subnet6": [sub],
    }
    port["address"] = "10.0.0.1/16"  # required of every port; no Dhcp4 section uses it
    port["address6"] = address
cfg["Dataplane"] = {
    "eal-args": ["--no-huge", "--no-pci", "--no-shconf", "-m", str(mem_mb),
                 "-l", "0-%d" % int(workers)],
    "ports": [port],
    "workers": int(workers),
    "mempool-size": size,
    "idle-sleep-us": 50,
}
open(out, "w").write(json.dumps(cfg, indent=2) + "\n")
print("%s: %d frames, mempool %d mbufs, -m %d" % (pcap, frames, size, mem_mb))
PY
}

# start CONFIG: starts the dataplane in the background, waits for "serving:".
start() {
  local cmd=("$dataplane" --config "$1" --state-dir "$tmp/state" --stats-file "$tmp/stats.json")
  echo "+ ${cmd[*]}"
  rm -f "$tmp/stats.json"
  "${cmd[@]}" >>"$tmp/dataplane.log" 2>&1 &
  dp_pid=$!
  local before
  before=$(grep -c "serving:" "$tmp/dataplane.log" 2>/dev/null || true)
  for _ in $(seq 600); do
    if ! kill -0 "$dp_pid" 2>/dev/null; then
      echo "pcap_replay.sh: the dataplane exited at start-up:" >&2
      cat "$tmp/dataplane.log" >&2
      dp_pid=""
      exit 1
    fi
    if [ "$(grep -c "serving:" "$tmp/dataplane.log" || true)" -gt "${before:-0}" ] && [ -s "$tmp/stats.json" ]; then
      grep "lease store" "$tmp/dataplane.log" | tail -1 | sed 's/^[^ ]* /dataplane: /'
      return 0
    fi
    sleep 0.1
  done
  echo "pcap_replay.sh: the dataplane did not start serving:" >&2
  cat "$tmp/dataplane.log" >&2
  exit 1
}

stop() {
  echo "+ kill -TERM $dp_pid"
  kill -TERM "$dp_pid"
  local rc=0
  wait "$dp_pid" || rc=$?
  dp_pid=""
  if [ "$rc" != 0 ]; then
    echo "pcap_replay.sh: the dataplane exited with status $rc:" >&2
    tail -20 "$tmp/dataplane.log" >&2
    exit 1
  fi
}

# snapshot FILE: copies the stats file once it has been rewritten since the last copy.
snapshot() {
  local prev
  prev=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uptime_seconds"])' "$tmp/stats.json")
  for _ in $(seq 40); do
    sleep 0.1
    cp "$tmp/stats.json" "$1.tmp" 2>/dev/null || continue
    if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["uptime_seconds"] != float(sys.argv[2]) else 1)' \
        "$1.tmp" "$prev" 2>/dev/null; then
      mv "$1.tmp" "$1"
      return 0
    fi
  done
  mv "$1.tmp" "$1"
}

echo "dataplane: $dataplane"
echo "workdir: $tmp"
if [ -n "$prepopulate" ]; then
  write_config "$prepopulate" "$tmp/prepopulate.json"
  start "$tmp/prepopulate.json"
  echo "+ sleep $prepop_seconds  # prepopulating the store from $prepopulate"
  sleep "$prepop_seconds"
  snapshot "$tmp/prepop-stats.json"
  python3 - "$tmp/prepop-stats.json" "$family" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
if sys.argv[2] == "4":
    print("prepopulate: %d received, %d acks, %d naks" % (
        t.get("dhcp_received", 0), t.get("pkt4-ack-sent", 0), t.get("pkt4-nak-sent", 0)))
else:
    print("prepopulate: %d received, %d replies" % (
        t.get("dhcp_received", 0), t.get("pkt6-reply-sent", 0)))
PY
  stop
fi
write_config "$pcap" "$tmp/replay.json"
start "$tmp/replay.json"
echo "+ sleep 1  # warm-up"
sleep 1
snapshot "$tmp/stats-a.json"
echo "+ sleep $seconds  # measured"
sleep "$seconds"
snapshot "$tmp/stats-b.json"
stop
python3 - "$tmp/stats-a.json" "$tmp/stats-b.json" "$pcap" "$family" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
dt = b["uptime_seconds"] - a["uptime_seconds"]
def rate(name):
    return (b["totals"].get(name, 0) - a["totals"].get(name, 0)) / dt if dt > 0 else 0.0
received = rate("dhcp_received")
result = {"pcap": sys.argv[3], "family": int(sys.argv[4]), "seconds": round(dt, 3),
          "received_per_s": round(received, 1),
          "totals": {k: v for k, v in b["totals"].items() if v}}
if sys.argv[4] == "4":
    offers, acks, naks = rate("pkt4-offer-sent"), rate("pkt4-ack-sent"), rate("pkt4-nak-sent")
    result.update(replies_per_s=round(offers + acks + naks, 1), offers_per_s=round(offers, 1),
                  acks_per_s=round(acks, 1), naks_per_s=round(naks, 1))
    print("replies/s: %.1f (offers %.1f, acks %.1f, naks %.1f) over %.2f s" % (
        offers + acks + naks, offers, acks, naks, dt))
else:
    advertises, replies = rate("pkt6-advertise-sent"), rate("pkt6-reply-sent")
    result.update(replies_per_s=round(advertises + replies, 1),
                  advertises_per_s=round(advertises, 1), reply_msgs_per_s=round(replies, 1))
    print("replies/s: %.1f (advertises %.1f, replies %.1f) over %.2f s" % (
        advertises + replies, advertises, replies, dt))
print("received/s: %.1f" % received)
print("result: " + json.dumps(result, sort_keys=True))
PY
