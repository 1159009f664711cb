#!/usr/bin/env bash
# perf/side_by_side.sh: whole-system DORA throughput of fastlease-dataplane and
# Kea 2.2 kea-dhcp4, both driven by perfdhcp and by fastlease-perf through veth
# pairs, measured the way /work/shared/BASELINES.md describes (the generator
# pinned to core 0, the server to core 1, 50,000 simulated clients, highest
# rate with at most 1% of exchanges lost, median of N repetitions). With
# --family 6, DHCPv6 SARR throughput against kea-dhcp6 instead (below).
#
#   sudo perf/side_by_side.sh                      # default run, about 15 minutes
#   perf/side_by_side.sh --generators fastlease-perf --max-drop 0
#   perf/side_by_side.sh --reps 1 --steps 3 --durability none --kea-modes single
#   perf/side_by_side.sh --out /tmp/sbs.md --keep-tmp
#   perf/side_by_side.sh --family 6 --reps 1 --steps 3   # DHCPv6 SARR against kea-dhcp6
#
# What it does:
#   - two namespace pairs named flp-<pid>-*: fastlease's (server side holds only
#     the veth end the DPDK af_packet port attaches to) and Kea's (server side
#     holds 192.0.2.1/24); the client side of each holds 192.0.2.2/24 and runs
#     perfdhcp, which always acts as a relay (giaddr 192.0.2.2, source port 67).
#   - the servers get the same DHCP config: subnet 192.0.2.0/24 and, selected by
#     the relay address 192.0.2.2, subnet 198.18.0.0/15 (RFC 2544's benchmarking
#     range) whose pool holds the 50,000 clients; a /24 cannot.
#   - for every repetition and every server mode (fastlease durability fsync, wal
#     and none; Kea single-threaded and multi-threaded, memfile): a fresh server
#     with empty lease state, a readiness check, on the first repetition a
#     --idle period with no traffic, then a rate search: perfdhcp runs of
#     --duration seconds, doubling the rate from --start-rate until a run loses
#     more than 1% of exchanges, then bisecting; the result of a repetition is
#     the highest achieved rate (perfdhcp's "Rate:" line) of a passing run.
#     fastlease-perf first runs flat out (closed loop, --window exchanges in
#     flight; --kea-window against Kea) and the search starts at 90% of what
#     that achieved, growing by 10%; its rate is completed DORAs per second,
#     and it reports p99 latency.
#     Like perfdhcp it does not retransmit (--retries 0): a message without an
#     answer within 1 s is a lost exchange, counted the same way.
#     fastlease-perf relays from 192.0.2.3 (an address the client namespace's
#     kernel does not own, so the kernel neither answers nor takes its replies).
#     Repetitions after the first start from the first one's best rate and grow
#     by 20% at a time. Repetitions are interleaved across modes so that
#     background load on the machine falls on every server alike.
#   - the reflector row (on by default, --no-reflector drops it): instead of a
#     server, `fastlease-perf --reflect` on fastlease's veth end, pinned to core 1
#     and attached the same way (--io), turns every DISCOVER and REQUEST around
#     with no server work at all. What it reaches is the ceiling of the link and
#     the generator on this machine: no server behind the same veth can go past
#     it, and its ratio to Kea is the largest ratio this setup can show.
#   - peak RSS (VmHWM) and CPU (utime+stime of all threads, as % of one core)
#     of the server after the idle period and during the run that gave the
#     reported rate.
#   - --family 6: the same for DHCPv6 against Kea 2.2 kea-dhcp6 (memfile, single-
#     and multi-threaded as above), perfdhcp only (fastlease-perf speaks DHCPv4
#     only): `perfdhcp -6 -e address-and-prefix`, a client directly on the link
#     (Solicit and Request from its link-local address to ff02::1:2; the client
#     veth ends have IPv6, without DAD). Both servers get subnet 2001:db8:1::/64
#     selected by their receiving interface, an address pool of 2^20 and a
#     pd-pool of 2^20 /56s (2001:db8:8000::/36), preferred/valid lifetimes
#     3000/3600. fastlease's port has 2001:db8:1::1/64 (`address6`) and answers
#     NDP itself (its veth end has no kernel IPv6); Kea's veth end has
#     2001:db8:1::1/64 and its link-local address. The rate is SARRs per second
#     (perfdhcp's "Rate:"); a lost exchange is a Solicit without a Reply, or a
#     Reply without the address or the prefix (perfdhcp's "rejected leases").
#     The report goes to build/side_by_side6.md unless --out is given.
# Output: a Markdown report (--out, default build/side_by_side.md) with the
# summary table, per-run details and where lost packets went; the table is also
# printed. Exit status: 0 when every mode produced a figure, 1 otherwise, 2 on
# bad usage.
#
# Needs root, iproute2, ethtool, taskset, perfdhcp and kea-dhcp4 (kea-dhcp6 with
# --family 6; Kea 2.2), and a built dataplane and fastlease-perf (ninja -C build).
# Cleans up its namespaces and stops the
# processes it started on any exit; namespaces left behind by a run that was
# killed (flp-<pid>-* whose pid is gone) are removed at start.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# ---- options ---------------------------------------------------------------
OUT="$ROOT/build/side_by_side.md"
REPS=3
DURATION=6          # seconds per perfdhcp run
STEPS=5             # perfdhcp runs per search
START_RATE=5000     # first rate of the first repetition
MAX_RATE=60000
CLIENTS=50000
IDLE=10             # seconds of idle measurement
DURABILITY="fsync,wal,none"
KEA_MODES="single,multi"
REFLECTOR=1         # the transport's ceiling row (fastlease-perf --reflect); v4 only
KEA_SOCKET="udp"
IDLE_SLEEP_US=10
MAX_DROP=1          # percent of exchanges a passing run may lose
DATAPLANE="$ROOT/build/dataplane/fastlease-dataplane"
PERF="$ROOT/build/perf/fastlease-perf"
GENERATORS="perfdhcp,fastlease-perf"
WINDOW=""           # fastlease-perf: exchanges in flight at most, against fastlease and the reflector
                    # (default: 1024 over af_xdp, 256 over af_packet, which loses frames past that)
KEA_WINDOW=64       # ... and against Kea: its best here (its UDP socket overflows past ~128 in flight)
GEN_IDLE_SLEEP_US=50 # fastlease-perf --idle-sleep-us (core 0 is shared with fastlease's persister)
IO_ARGS=""          # appended to both vdevs' arguments, e.g. ",busy_budget=0"
IO=af_packet        # the DPDK vdev fastlease and fastlease-perf use on their veth: af_packet or af_xdp
PERF_MAX_RATE=5000000
PERFDHCP_EXTRA=""
KEEP_TMP=0
FAMILY=4            # 4: DORA against kea-dhcp4; 6: SARR (IA_NA + IA_PD) against kea-dhcp6
OUT_SET=0 GENERATORS_SET=0

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  cat <<EOF
Options (defaults in brackets):
  --out FILE            Markdown report [$OUT]
  --reps N              repetitions per mode, median taken [$REPS]
  --duration S          seconds per perfdhcp run (-p) [$DURATION]
  --steps K             perfdhcp runs per rate search [$STEPS]
  --start-rate R        first rate tried [$START_RATE]
  --max-rate R          never ask for more [$MAX_RATE]
  --clients N           simulated clients (-R) [$CLIENTS]
  --idle S              idle measurement [$IDLE]
  --durability LIST     fastlease modes, comma separated: fsync,wal,none [$DURABILITY]
  --kea-modes LIST      single,multi [$KEA_MODES]; empty string: no Kea
  --no-fastlease        Kea only
  --no-reflector        leave out the reflector row (the transport's ceiling)
  --kea-socket T        Kea dhcp-socket-type, udp or raw [$KEA_SOCKET]
  --idle-sleep-us N     fastlease Dataplane/idle-sleep-us [$IDLE_SLEEP_US]
  --max-drop P          percent of lost exchanges still passing [$MAX_DROP]
  --dataplane PATH      fastlease-dataplane binary [$DATAPLANE]
  --perfdhcp-args ARGS  extra perfdhcp arguments, e.g. "-g single"
  --generators LIST     perfdhcp,fastlease-perf [$GENERATORS]
  --perf PATH           fastlease-perf binary [$PERF]
  --window N            fastlease-perf exchanges in flight against fastlease and the reflector
                        [1024 with --io af_xdp, 256 with af_packet]
  --kea-window N        fastlease-perf exchanges in flight against Kea [$KEA_WINDOW]
  --io KIND             af_packet or af_xdp: the DPDK vdev of fastlease's and
                        fastlease-perf's veth ends (Kea always uses its kernel socket) [$IO]
  --gen-idle-sleep-us U fastlease-perf --idle-sleep-us: sleep up to U us when idle
                        instead of polling, leaving core 0 to fastlease's persister [$GEN_IDLE_SLEEP_US]
  --io-args ARGS        appended to both vdevs' device arguments, e.g. ",busy_budget=0" []
  --family 4|6          DHCPv4 DORA against kea-dhcp4, or DHCPv6 SARR with IA_NA and
                        IA_PD against kea-dhcp6 (perfdhcp only; report
                        build/side_by_side6.md; --kea-socket and --io apply to v4) [$FAMILY]
  --keep-tmp            keep the temp dir (configs, logs, perfdhcp outputs)
EOF
}

die_usage() { echo "side_by_side.sh: $*" >&2; usage >&2; exit 2; }
need_value() { [[ $# -ge 2 ]] || die_usage "$1 needs a value"; }

ORIG_ARGS=("$@")
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) need_value "$@"; OUT=$2; OUT_SET=1; shift 2 ;;
    --reps) need_value "$@"; REPS=$2; shift 2 ;;
    --duration) need_value "$@"; DURATION=$2; shift 2 ;;
    --steps) need_value "$@"; STEPS=$2; shift 2 ;;
    --start-rate) need_value "$@"; START_RATE=$2; shift 2 ;;
    --max-rate) need_value "$@"; MAX_RATE=$2; shift 2 ;;
    --clients) need_value "$@"; CLIENTS=$2; shift 2 ;;
    --idle) need_value "$@"; IDLE=$2; shift 2 ;;
    --durability) need_value "$@"; DURABILITY=$2; shift 2 ;;
    --kea-modes) need_value "$@"; KEA_MODES=$2; shift 2 ;;
    --no-fastlease) DURABILITY=""; shift ;;
    --no-reflector) REFLECTOR=0; shift ;;
    --kea-socket) need_value "$@"; KEA_SOCKET=$2; shift 2 ;;
    --idle-sleep-us) need_value "$@"; IDLE_SLEEP_US=$2; shift 2 ;;
    --max-drop) need_value "$@"; MAX_DROP=$2; shift 2 ;;
    --dataplane) need_value "$@"; DATAPLANE=$2; shift 2 ;;
    --perfdhcp-args) need_value "$@"; PERFDHCP_EXTRA=$2; shift 2 ;;
    --generators) need_value "$@"; GENERATORS=$2; GENERATORS_SET=1; shift 2 ;;
    --perf) need_value "$@"; PERF=$2; shift 2 ;;
    --window) need_value "$@"; WINDOW=$2; shift 2 ;;
    --kea-window) need_value "$@"; KEA_WINDOW=$2; shift 2 ;;
    --io) need_value "$@"; IO=$2; shift 2 ;;
    --io-args) need_value "$@"; IO_ARGS=$2; shift 2 ;;
    --gen-idle-sleep-us) need_value "$@"; GEN_IDLE_SLEEP_US=$2; shift 2 ;;
    --family) need_value "$@"; FAMILY=$2; shift 2 ;;
    --keep-tmp) KEEP_TMP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done
[[ -n $WINDOW ]] || { [[ $IO == af_xdp ]] && WINDOW=1024 || WINDOW=256; }
for n in REPS DURATION STEPS START_RATE MAX_RATE CLIENTS IDLE IDLE_SLEEP_US WINDOW KEA_WINDOW; do
  [[ ${!n} =~ ^[0-9]+$ && ${!n} -ge 0 ]] || die_usage "$n must be a non-negative integer"
done
[[ $REPS -ge 1 && $STEPS -ge 1 && $DURATION -ge 1 && $START_RATE -ge 1 ]] ||
  die_usage "--reps, --steps, --duration and --start-rate must be at least 1"
[[ $KEA_SOCKET == udp || $KEA_SOCKET == raw ]] || die_usage "--kea-socket is udp or raw"
[[ $IO == af_packet || $IO == af_xdp ]] || die_usage "--io is af_packet or af_xdp"
[[ $FAMILY == 4 || $FAMILY == 6 ]] || die_usage "--family is 4 or 6"
if [[ $FAMILY == 6 ]]; then
  [[ $GENERATORS_SET -eq 1 ]] || GENERATORS=perfdhcp
  [[ $OUT_SET -eq 1 ]] || OUT="$ROOT/build/side_by_side6.md"
  # The pools hold 2^20 addresses and 2^20 prefixes (write_*_config6).
  [[ $CLIENTS -le 1048576 ]] || die_usage "--family 6 serves at most 1048576 clients"
fi

MODES=()   # "fastlease:<durability>" or "kea:<single|multi>"
IFS=, read -r -a _d <<< "$DURABILITY"
for d in "${_d[@]}"; do
  [[ -z $d ]] && continue
  [[ $d == fsync || $d == wal || $d == none ]] || die_usage "unknown durability '$d'"
  MODES+=("fastlease:$d")
done
[[ $REFLECTOR -eq 1 && $FAMILY == 4 ]] && MODES+=("reflector:ceiling")
IFS=, read -r -a _k <<< "$KEA_MODES"
for k in "${_k[@]}"; do
  [[ -z $k ]] && continue
  [[ $k == single || $k == multi ]] || die_usage "unknown Kea mode '$k'"
  MODES+=("kea:$k")
done
[[ ${#MODES[@]} -gt 0 ]] || die_usage "nothing to measure"
GENS=()
IFS=, read -r -a _g <<< "$GENERATORS"
for g in "${_g[@]}"; do
  [[ -z $g ]] && continue
  [[ $g == perfdhcp || $g == fastlease-perf ]] || die_usage "unknown generator '$g'"
  [[ $FAMILY == 6 && $g == fastlease-perf ]] &&
    die_usage "fastlease-perf speaks DHCPv4 only: --family 6 uses --generators perfdhcp"
  GENS+=("$g")
done
[[ ${#GENS[@]} -gt 0 ]] || die_usage "no generator"

# ---- prerequisites ---------------------------------------------------------
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "error: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (network namespaces)"
for tool in ip ethtool taskset timeout perfdhcp; do
  command -v "$tool" >/dev/null || fail "$tool not found"
done
HAS_FASTLEASE=0 HAS_KEA=0
for m in "${MODES[@]}"; do [[ $m == fastlease:* ]] && HAS_FASTLEASE=1; [[ $m == kea:* ]] && HAS_KEA=1; done
[[ " ${MODES[*]} " == *" reflector:ceiling "* && ! -x $PERF ]] && fail "$PERF not built (ninja -C $ROOT/build)"
if [[ $HAS_FASTLEASE -eq 1 && ! -x $DATAPLANE ]]; then
  fail "$DATAPLANE not built (ninja -C $ROOT/build)"
fi
KEA_BIN=kea-dhcp$FAMILY
if [[ $HAS_KEA -eq 1 ]]; then
  command -v "$KEA_BIN" >/dev/null || fail "$KEA_BIN not found (apt-get install $KEA_BIN-server)"
fi
[[ " ${GENS[*]} " == *" fastlease-perf "* && ! -x $PERF ]] && fail "$PERF not built (ninja -C $ROOT/build)"
[[ $(nproc) -ge 2 ]] || fail "needs 2 cores (generator on 0, server on 1)"
CLK_TCK=$(getconf CLK_TCK)

# ---- names, temp dir, cleanup ---------------------------------------------
PFX="flp-$$"
NS_FS="$PFX-fsrv" NS_FC="$PFX-fcli" NS_KS="$PFX-ksrv" NS_KC="$PFX-kcli"
IF_FS="$PFX-fs" IF_FC="$PFX-fc" IF_KS="$PFX-ks" IF_KC="$PFX-kc"
SERVER_IP=192.0.2.1
CLIENT_IP=192.0.2.2
GEN_RELAY=192.0.2.3   # fastlease-perf's relay address
SERVER_IP6=2001:db8:1::1
# perfdhcp's family arguments and target: v4 relays to the server's address; v6 is a
# client on the link, sending to ff02::1:2 (perfdhcp's default) from its link-local.
if [[ $FAMILY == 6 ]]; then
  PD_ARGS=(-6 -e address-and-prefix) PD_TARGET=() XCHG=SARR
else
  PD_ARGS=(-4) PD_TARGET=("$SERVER_IP") XCHG=DORA
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/side_by_side.XXXXXX")
STARTED_PIDS=()

stop_pid() {  # pid: SIGTERM, then SIGKILL after 30 s; only our own children
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$? pid ns
  trap - EXIT INT TERM
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  for ns in "$NS_FS" "$NS_FC" "$NS_KS" "$NS_KC"; do
    ip netns del "$ns" 2>/dev/null || true
  done
  for ifc in "$IF_FS" "$IF_FC" "$IF_KS" "$IF_KC"; do
    ip link del "$ifc" 2>/dev/null || true
  done
  if [[ $KEEP_TMP -eq 1 ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Namespaces and veths of earlier runs that died without cleaning up.
remove_stale() {
  local ns pid ifc
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^flp-[0-9]+-' || true); do
    pid=${ns#flp-}; pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then
      log "removing stale namespace $ns"
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  for ifc in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
               grep -E '^flp-[0-9]+-' || true); do
    pid=${ifc#flp-}; pid=${pid%%-*}
    kill -0 "$pid" 2>/dev/null || ip link del "$ifc" 2>/dev/null || true
  done
}

new_ns() {  # name: a namespace with lo up and no IPv6 (no RS/DAD noise on the veths)
  ip netns add "$1"
  ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# ns if: IPv6 on this one interface (the namespace has it off), without DAD or
# router solicitations, so its link-local address is usable as soon as it is up.
ipv6_on() {
  ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0" \
    "net.ipv6.conf.$2.router_solicitations=0" "net.ipv6.conf.$2.disable_ipv6=0"
}

# ns if: waits for the interface's link-local address (perfdhcp -6 and Kea bind to it).
wait_link_local() {
  local i
  for ((i = 0; i < 100; i++)); do
    ip -n "$1" -6 addr show dev "$2" scope link | grep -q 'inet6 fe80' &&
      ! ip -n "$1" -6 addr show dev "$2" | grep -q tentative && return 0
    sleep 0.1
  done
  fail "no link-local address on $2 in $1"
}

# server_ns server_if server_addr(or "") client_ns client_if [server_addr6]
# With --family 6 the client end gets IPv6, and the server end too when a
# server_addr6 is given (Kea's; fastlease's end stays without kernel IPv6).
make_pair() {
  local sns=$1 sif=$2 saddr=$3 cns=$4 cif=$5 saddr6=${6:-}
  new_ns "$sns"
  new_ns "$cns"
  ip link add "$sif" type veth peer name "$cif"
  ip link set "$sif" netns "$sns"
  ip link set "$cif" netns "$cns"
  [[ -n $saddr ]] && ip -n "$sns" addr add "$saddr" dev "$sif"
  ip -n "$cns" addr add "$CLIENT_IP/24" dev "$cif"
  if [[ $FAMILY == 6 ]]; then
    ipv6_on "$cns" "$cif"
    if [[ -n $saddr6 ]]; then
      ipv6_on "$sns" "$sif"
      ip -n "$sns" addr add "$saddr6" dev "$sif" nodad
    fi
  fi
  ip -n "$sns" link set "$sif" up
  ip -n "$cns" link set "$cif" up
  if [[ $FAMILY == 6 ]]; then
    wait_link_local "$cns" "$cif"
    [[ -n $saddr6 ]] && wait_link_local "$sns" "$sif"
  fi
  # perfdhcp sends through the kernel's UDP stack: without this the frames on
  # the veth carry partial UDP checksums (the DPDK side sees them raw). Done on
  # both client sides so the generator costs the same for both servers.
  ip netns exec "$cns" ethtool -K "$cif" tx off >/dev/null 2>&1 || true
}

# ---- measurements ----------------------------------------------------------
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
vm_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
# shellcheck disable=SC2016  # awk program
udp_rcvbuf_errors() {  # ns -> RcvbufErrors of the namespace's UDP (or UDPv6) MIB
  if [[ $FAMILY == 6 ]]; then
    ip netns exec "$1" awk '$1 == "Udp6RcvbufErrors" {print $2}' /proc/net/snmp6
    return
  fi
  ip netns exec "$1" awk '/^Udp:/ {n++; if (n == 1) for (i = 1; i <= NF; i++) col[$i] = i;
                                   else print $(col["RcvbufErrors"])}' /proc/net/snmp
}
if_stat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# ---- configs ---------------------------------------------------------------
SUBNETS='[
      { "id": 1, "subnet": "192.0.2.0/24",
        "pools": [ { "pool": "192.0.2.10 - 192.0.2.250" } ] },
      { "id": 2, "subnet": "198.18.0.0/15",
        "relay": { "ip-addresses": [ "'"$CLIENT_IP"'", "'"$GEN_RELAY"'" ] },
        "pools": [ { "pool": "198.18.0.10 - 198.19.255.250" } ] }
    ]'

write_fastlease_config() {  # file durability
  cat > "$1" <<EOF
{
  "Dhcp4": {
    "valid-lifetime": 3600,
    "lease-database": { "type": "rocksdb", "name": "leases.rocksdb", "durability": "$2" },
    "subnet4": $SUBNETS
  },
  "Dataplane": {
    "eal-args": [ "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0-1" ],
    "ports": [ { "device": "net_${IO}0,iface=$IF_FS$IO_ARGS", "address": "$SERVER_IP/24" } ],
    "workers": 1,
    "idle-sleep-us": $IDLE_SLEEP_US
  }
}
EOF
}

write_kea_config() {  # file mode dir
  local mt=false
  [[ $2 == multi ]] && mt=true
  cat > "$1" <<EOF
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$IF_KS" ], "dhcp-socket-type": "$KEA_SOCKET" },
    "control-socket": { "socket-type": "unix", "socket-name": "$3/kea4.sock" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$3/kea-leases4.csv",
                        "lfc-interval": 0 },
    "multi-threading": { "enable-multi-threading": $mt, "thread-pool-size": 2,
                         "packet-queue-size": 64 },
    "valid-lifetime": 3600,
    "subnet4": $SUBNETS,
    "loggers": [ { "name": "kea-dhcp4", "severity": "WARN",
                   "output_options": [ { "output": "$3/kea.log" } ] } ]
  }
}
EOF
}

# DHCPv6 (--family 6): one /64 selected by the receiving interface, 2^20 addresses
# and 2^20 delegated /56s.
subnets6() {  # interface
  cat <<EOF
[
      { "id": 1, "subnet": "2001:db8:1::/64", "interface": "$1",
        "pools": [ { "pool": "2001:db8:1::10:0/108" } ],
        "pd-pools": [ { "prefix": "2001:db8:8000::", "prefix-len": 36, "delegated-len": 56 } ] }
    ]
EOF
}

write_fastlease_config6() {  # file durability
  cat > "$1" <<EOF
{
  "Dhcp6": {
    "preferred-lifetime": 3000,
    "valid-lifetime": 3600,
    "lease-database": { "type": "rocksdb", "name": "leases.rocksdb", "durability": "$2" },
    "subnet6": $(subnets6 "$IF_FS")
  },
  "Dataplane": {
    "eal-args": [ "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0-1" ],
    "ports": [ { "device": "net_${IO}0,iface=$IF_FS$IO_ARGS", "address": "$SERVER_IP/24",
                 "address6": "$SERVER_IP6/64" } ],
    "workers": 1,
    "idle-sleep-us": $IDLE_SLEEP_US
  }
}
EOF
}

write_kea_config6() {  # file mode dir
  local mt=false
  [[ $2 == multi ]] && mt=true
  cat > "$1" <<EOF
{
  "Dhcp6": {
    "interfaces-config": { "interfaces": [ "$IF_KS" ] },
    "data-directory": "$3",
    "control-socket": { "socket-type": "unix", "socket-name": "$3/kea6.sock" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$3/kea-leases6.csv",
                        "lfc-interval": 0 },
    "multi-threading": { "enable-multi-threading": $mt, "thread-pool-size": 2,
                         "packet-queue-size": 64 },
    "preferred-lifetime": 3000,
    "valid-lifetime": 3600,
    "subnet6": $(subnets6 "$IF_KS"),
    "loggers": [ { "name": "kea-dhcp6", "severity": "WARN",
                   "output_options": [ { "output": "$3/kea.log" } ] } ]
  }
}
EOF
}

# ---- servers ---------------------------------------------------------------
SPID=""      # the running server's pid
SDIR=""      # its run directory
CUR_KIND="" CUR_MODE="" CUR_GEN="" CNS="" CIF=""

wait_for_log() {  # log pattern name: until $SPID logs pattern; fails if it exits or 30 s pass
  local i
  for ((i = 0; i < 300; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$SPID" 2>/dev/null || { cat "$1" >&2; fail "$3 exited at start"; }
    sleep 0.1
  done
  cat "$1" >&2
  fail "$3 not ready after 30 s"
}

start_server() {  # kind mode dir
  local kind=$1 mode=$2 dir=$3 i
  mkdir -p "$dir"
  if [[ $kind == fastlease ]]; then
    if [[ $FAMILY == 6 ]]; then
      write_fastlease_config6 "$dir/fastlease.json" "$mode"
    else
      write_fastlease_config "$dir/fastlease.json" "$mode"
    fi
    ip netns exec "$NS_FS" "$DATAPLANE" --config "$dir/fastlease.json" --state-dir "$dir/state" \
      --stats-file "$dir/stats.json" > "$dir/dataplane.log" 2>&1 &
    SPID=$!
    STARTED_PIDS+=("$SPID")
    CNS=$NS_FC CIF=$IF_FC
    wait_for_log "$dir/dataplane.log" 'serving:' fastlease-dataplane
  elif [[ $kind == reflector ]]; then
    # Where fastlease's dataplane would be: the same veth end and vdev, core 1.
    ip netns exec "$NS_FS" taskset -c 1 "$PERF" --no-huge --no-pci --no-shconf -m 256 -l 1 \
      --file-prefix "$PFX-refl" --log-level lib.eal:error --vdev "net_${IO}0,iface=$IF_FS$IO_ARGS" -- \
      --server "$SERVER_IP" --reflect 198.18.0.0/15 --duration 0 --report-interval 0 \
      --idle-sleep-us "$IDLE_SLEEP_US" --format json > "$dir/reflector.json" 2> "$dir/reflector.log" &
    SPID=$!
    STARTED_PIDS+=("$SPID")
    CNS=$NS_FC CIF=$IF_FC
    wait_for_log "$dir/reflector.log" 'reflecting as' "fastlease-perf --reflect"
  else
    if [[ $FAMILY == 6 ]]; then
      write_kea_config6 "$dir/$KEA_BIN.json" "$mode" "$dir"
    else
      write_kea_config "$dir/$KEA_BIN.json" "$mode" "$dir"
    fi
    # Kea's pid file and logger lock file go to the run directory, not /run.
    KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir \
      ip netns exec "$NS_KS" taskset -c 1 "$KEA_BIN" -c "$dir/$KEA_BIN.json" \
      > "$dir/kea.stdout" 2>&1 &
    SPID=$!
    STARTED_PIDS+=("$SPID")
    CNS=$NS_KC CIF=$IF_KC
    for ((i = 0; i < 300; i++)); do
      [[ -S $dir/kea$FAMILY.sock ]] && break
      kill -0 "$SPID" 2>/dev/null || { cat "$dir/kea.stdout" "$dir/kea.log" >&2 || true; fail "$KEA_BIN exited at start"; }
      sleep 0.1
    done
  fi
  SDIR=$dir CUR_KIND=$kind CUR_MODE=$mode
  # Ready when a handful of DORA (SARR) exchanges complete.
  for ((i = 0; i < 20; i++)); do
    if ip netns exec "$CNS" taskset -c 0 timeout 20 perfdhcp "${PD_ARGS[@]}" -l "$CIF" -r 50 -n 10 \
         -R "$CLIENTS" "${PD_TARGET[@]}" > "$dir/ready.txt" 2>&1 || [[ $? -eq 3 ]]; then
      [[ $(parse_pd "$dir/ready.txt" | awk '{print $4}') -gt 0 ]] && return 0
    fi
    sleep 0.5
  done
  cat "$dir/ready.txt" >&2
  fail "$kind $mode never answered perfdhcp"
}

stop_server() {
  local keep=() p
  [[ -n $SPID ]] || return 0
  if [[ $CUR_KIND == kea && -S $SDIR/kea$FAMILY.sock ]] && command -v /usr/bin/python3 >/dev/null; then
    kea_stats "$SDIR/kea$FAMILY.sock" > "$SDIR/kea-stats.txt" 2>/dev/null || true
  fi
  stop_pid "$SPID"
  for p in "${STARTED_PIDS[@]}"; do [[ $p != "$SPID" ]] && keep+=("$p"); done
  STARTED_PIDS=("${keep[@]+"${keep[@]}"}")
  SPID=""
}

kea_stats() {  # socket -> "name value" lines of Kea's non-zero global statistics
  /usr/bin/python3 - "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b'{"command": "statistic-get-all"}')
buf = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
for name, samples in sorted(json.loads(buf)["arguments"].items()):
    if not name.startswith("subnet[") and samples and samples[0][0]:
        print(name, samples[0][0])
PY
}

# ---- perfdhcp --------------------------------------------------------------
# parse_pd file -> "discover_sent offer_received request_sent ack_received rate
# rejected" (v6: Solicit, Advertise, Request, Reply; rejected: Replies without the
# lease asked for, perfdhcp's "rejected leases" of REQUEST-REPLY)
parse_pd() {
  awk '
    /Statistics for: (DISCOVER-OFFER|SOLICIT-ADVERTISE)/ {s = "do"}
    /Statistics for: (REQUEST-ACK|REQUEST-REPLY)/        {s = "ra"}
    /^sent packets:/     {sent[s] = $3}
    /^received packets:/ {recv[s] = $3}
    /^rejected leases:/  {rej[s] = $3}
    /^Rate:/             {rate = $2}
    END {printf "%d %d %d %d %.0f %d\n", sent["do"], recv["do"], sent["ra"], recv["ra"], rate, rej["ra"]}
  ' "$1"
}

PROBE_N=0
# probe rate -> sets P_RATE P_DROP P_CPU P_P99 P_ETC; appends a line to $SDIR/probes.txt
probe() {
  if [[ $CUR_GEN == fastlease-perf ]]; then probe_fp "$1"; else probe_pd "$1"; fi
}

probe_pd() {
  local rate=$1 out c0 c1 t0 t1 g0 g1 s0 s1 rx0 rx1 ds dr rs ar ach rej rc=0
  PROBE_N=$((PROBE_N + 1))
  out="$SDIR/perfdhcp-$PROBE_N-r$rate.txt"
  g0=$(udp_rcvbuf_errors "$CNS")
  if [[ $CUR_KIND == kea ]]; then
    s0=$(udp_rcvbuf_errors "$NS_KS"); rx0=$(if_stat "$NS_KS" "$IF_KS" rx_packets)
  else
    s0=0; rx0=$(if_stat "$NS_FS" "$IF_FS" rx_packets)
  fi
  c0=$(cpu_ticks "$SPID"); t0=$(now)
  # shellcheck disable=SC2086  # PERFDHCP_EXTRA is a list of words
  ip netns exec "$CNS" taskset -c 0 timeout $((DURATION + 60)) \
    perfdhcp "${PD_ARGS[@]}" -l "$CIF" -r "$rate" -R "$CLIENTS" -p "$DURATION" $PERFDHCP_EXTRA \
    "${PD_TARGET[@]}" > "$out" 2>&1 || rc=$?
  c1=$(cpu_ticks "$SPID"); t1=$(now)
  g1=$(udp_rcvbuf_errors "$CNS")
  if [[ $CUR_KIND == kea ]]; then
    s1=$(udp_rcvbuf_errors "$NS_KS"); rx1=$(if_stat "$NS_KS" "$IF_KS" rx_packets)
  else
    s1=0; rx1=$(if_stat "$NS_FS" "$IF_FS" rx_packets)
  fi
  if [[ $rc -ne 0 && $rc -ne 3 ]]; then  # 3: some packets were dropped
    cat "$out" >&2
    fail "perfdhcp exited with $rc against $CUR_KIND $CUR_MODE (output above)"
  fi
  read -r ds dr rs ar ach rej < <(parse_pd "$out")
  P_RATE=$ach
  # Lost exchanges: DISCOVERs sent that did not end in an ACK; v6: Solicits that
  # did not end in a Reply holding both the address and the prefix.
  [[ $FAMILY == 6 ]] || rej=0
  P_DROP=$(awk -v s="$ds" -v a="$((ar - rej))" 'BEGIN {printf "%.3f", (s > 0) ? 100 * (s - a) / s : 100}')
  P_CPU=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
            'BEGIN {printf "%.0f", 100 * c / hz / (t1 - t0)}')
  # Sent by perfdhcp but not seen on the server's veth end: none expected.
  # Server-side socket overflows (Kea) and the generator's own overflows.
  if [[ $FAMILY == 6 ]]; then
    P_ETC="sol=$ds adv=$dr req=$rs rep=$ar rejected=$rej"
  else
    P_ETC="disc=$ds offer=$dr req=$rs ack=$ar"
  fi
  P_ETC+=" srv_if_rx=$((rx1 - rx0)) srv_rcvbuf=$((s1 - s0)) gen_rcvbuf=$((g1 - g0))"
  P_P99="-"
  echo "req=$rate rate=$P_RATE drop=$P_DROP cpu=$P_CPU $P_ETC" >> "$SDIR/probes.txt"
  log "  $CUR_KIND $CUR_MODE (perfdhcp): asked $rate/s, got $P_RATE/s, lost ${P_DROP}%, server CPU ${P_CPU}% ($P_ETC)"
}

# fastlease-perf at `rate` (0: flat out within --window) for DURATION seconds.
probe_fp() {
  local rate=$1 out c0 c1 t0 t1 rc=0 line window=$WINDOW
  [[ $CUR_KIND == kea ]] && window=$KEA_WINDOW
  PROBE_N=$((PROBE_N + 1))
  out="$SDIR/fastlease-perf-$PROBE_N-r$rate.csv"
  c0=$(cpu_ticks "$SPID"); t0=$(now)
  ip netns exec "$CNS" taskset -c 0 timeout $((DURATION + 60)) \
    "$PERF" --no-huge --no-pci --no-shconf -m 512 -l 0 --file-prefix "$PFX-gen" \
    --log-level lib.eal:error --vdev "net_${IO}0,iface=$CIF$IO_ARGS" -- \
    --server "$SERVER_IP" --relay "$GEN_RELAY" --clients "$CLIENTS" --rate "$rate" \
    --window "$window" --duration "$DURATION" --retries 0 --timeout-ms 1000 \
    --format csv --report-interval 0 --idle-sleep-us "$GEN_IDLE_SLEEP_US" \
    > "$out" 2> "$out.stderr" || rc=$?
  c1=$(cpu_ticks "$SPID"); t1=$(now)
  if [[ $rc -ne 0 && $rc -ne 3 ]]; then
    cat "$out" "$out.stderr" >&2
    fail "fastlease-perf exited with $rc against $CUR_KIND $CUR_MODE (output above)"
  fi
  # label,kind,seconds,started,completed,naks,dropped,retransmissions,rate,drop_percent,p50,p99,p999,max
  line=$(awk -F, '$2 == "dora"' "$out")
  [[ -n $line ]] || { cat "$out" "$out.stderr" >&2; fail "no DORA line from fastlease-perf"; }
  P_RATE=$(awk -F, '{printf "%.0f", $9}' <<< "$line")
  P_DROP=$(awk -F, '{printf "%.3f", ($4 > 0) ? 100 * ($4 - $5) / $4 : 100}' <<< "$line")
  P_P99=$(awk -F, '{print $12}' <<< "$line")
  P_CPU=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
            'BEGIN {printf "%.0f", 100 * c / hz / (t1 - t0)}')
  P_ETC=$(awk -F, '{printf "started=%s completed=%s naks=%s dropped=%s retx=%s p50=%sus p99=%sus p99.9=%sus", $4, $5, $6, $7, $8, $11, $12, $13}' <<< "$line")
  echo "req=$rate rate=$P_RATE drop=$P_DROP cpu=$P_CPU $P_ETC" >> "$SDIR/probes.txt"
  log "  $CUR_KIND $CUR_MODE (fastlease-perf, window $window): asked ${rate/#0/flat-out }/s, got $P_RATE/s, lost ${P_DROP}%, server CPU ${P_CPU}% ($P_ETC)"
}

passes() { awk -v d="$1" -v m="$MAX_DROP" 'BEGIN {exit !(d <= m)}'; }
round100() { awk -v r="$1" 'BEGIN {r = int(r / 100 + 0.5) * 100; print (r < 100 ? 100 : r)}'; }

# search start growth -> writes best.txt in $SDIR: "rate drop cpu requested"
search() {
  local r=$1 growth=$2 pass=0 failr=0 step best_rate=0 best_line="0 100 0 0 -" max=$MAX_RATE
  [[ $CUR_GEN == fastlease-perf ]] && max=$PERF_MAX_RATE
  if [[ $CUR_GEN == fastlease-perf && ${3:-} == calibrate ]]; then
    probe 0  # flat out: where to start
    if passes "$P_DROP" && (( P_RATE > 0 )); then best_rate=$P_RATE; best_line="$P_RATE $P_DROP $P_CPU 0 $P_P99"; fi
    (( P_RATE > 0 )) && r=$(round100 "$(awk -v r="$P_RATE" 'BEGIN {print r * 0.9}')")
  fi
  for ((step = 0; step < STEPS; step++)); do
    (( r > max )) && r=$max
    probe "$r"
    if passes "$P_DROP"; then
      (( r > pass )) && pass=$r
      if (( P_RATE > best_rate )); then best_rate=$P_RATE; best_line="$P_RATE $P_DROP $P_CPU $r $P_P99"; fi
      (( r >= max )) && break
    else
      if (( failr == 0 || r < failr )); then failr=$r; fi
    fi
    if (( failr == 0 )); then
      r=$(round100 "$(awk -v r="$r" -v g="$growth" 'BEGIN {print r * g}')")
    elif (( pass == 0 )); then
      r=$(round100 "$(awk -v r="$r" -v g="$growth" 'BEGIN {print r / g}')")
    else
      # Stop when the bracket is within 3%.
      awk -v p="$pass" -v f="$failr" 'BEGIN {exit !(f - p <= 0.03 * p)}' && break
      r=$(round100 $(((pass + failr) / 2)))
    fi
  done
  echo "$best_line" > "$SDIR/best.txt"
}

# ---- main ------------------------------------------------------------------
remove_stale
make_pair "$NS_FS" "$IF_FS" "" "$NS_FC" "$IF_FC"
make_pair "$NS_KS" "$IF_KS" "$SERVER_IP/24" "$NS_KC" "$IF_KC" "$SERVER_IP6/64"

START_TIME=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
est=$(( ${#MODES[@]} * (IDLE + 5) + REPS * ${#MODES[@]} * ${#GENS[@]} * ((STEPS + 1) * (DURATION + 4) + 6) ))
log "DHCPv$FAMILY; modes: ${MODES[*]}; generators: ${GENS[*]}; $REPS repetitions of up to $STEPS runs of ${DURATION}s; at most ~$((est / 60 + 1)) min"
log "temp dir $TMP, namespaces $PFX-*"

# KEYS: "kind:mode@generator", one row of the report each.
KEYS=()
for m in "${MODES[@]}"; do for g in "${GENS[@]}"; do KEYS+=("$m@$g"); done; done
declare -A FIRST_BEST IDLE_RSS IDLE_CPU
for ((rep = 1; rep <= REPS; rep++)); do
  for key in "${KEYS[@]}"; do
    m=${key%@*} CUR_GEN=${key#*@}
    kind=${m%%:*} mode=${m#*:}
    dir="$TMP/$kind-$mode-$CUR_GEN/rep$rep"
    log "$kind $mode with $CUR_GEN, repetition $rep/$REPS"
    start_server "$kind" "$mode" "$dir"
    if [[ $rep -eq 1 && -z ${IDLE_RSS[$m]:-} ]]; then
      c0=$(cpu_ticks "$SPID"); t0=$(now)
      sleep "$IDLE"
      c1=$(cpu_ticks "$SPID"); t1=$(now)
      IDLE_RSS[$m]=$(vm_kib "$SPID" VmHWM)
      IDLE_CPU[$m]=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
                       'BEGIN {printf "%.1f", 100 * c / hz / (t1 - t0)}')
      log "  idle ${IDLE}s: VmHWM ${IDLE_RSS[$m]} KiB, CPU ${IDLE_CPU[$m]}%"
    fi
    if [[ $rep -eq 1 ]]; then
      if [[ $CUR_GEN == fastlease-perf ]]; then search "$START_RATE" 1.1 calibrate; else search "$START_RATE" 2; fi
      FIRST_BEST[$key]=$(awk '{print $4}' "$dir/best.txt")
      if [[ ${FIRST_BEST[$key]} -le 0 ]]; then
        FIRST_BEST[$key]=$(awk '{print $1}' "$dir/best.txt")  # the flat-out run's rate
        [[ ${FIRST_BEST[$key]} -gt 0 ]] || FIRST_BEST[$key]=$START_RATE
      fi
    else
      if [[ $CUR_GEN == fastlease-perf ]]; then search "${FIRST_BEST[$key]}" 1.1; else search "${FIRST_BEST[$key]}" 1.2; fi
    fi
    vm_kib "$SPID" VmHWM > "$dir/hwm.txt"
    stop_server
    log "  best: $(cat "$dir/best.txt") (rate drop% cpu% asked p99us); VmHWM $(cat "$dir/hwm.txt") KiB"
  done
done

# ---- report ----------------------------------------------------------------
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }
label() {
  case $1 in
    fastlease:*) echo "fastlease-dataplane | durability ${1#*:}" ;;
    kea:single) echo "Kea 2.2 $KEA_BIN, memfile | single-threaded" ;;
    kea:multi) echo "Kea 2.2 $KEA_BIN, memfile | multi-threading, 2 threads" ;;
    reflector:*) echo "reflector: no server work (fastlease-perf --reflect) | the link's ceiling" ;;
  esac
}

# HEAD, whether the dataplane's sources differ from it, and when the binary was built.
dataplane_version() {
  local head dirty=""
  head=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
  [[ -n $(git -C "$ROOT" status --porcelain -- dataplane leasedb control 2>/dev/null) ]] &&
    dirty=" with uncommitted changes in the tree"
  echo "at $head$dirty, binary built $(date -u -r "$DATAPLANE" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?')"
}

declare -A MED_RATE MED_DROP MED_CPU MED_P99 LOAD_RSS REP_RATES BEST_KEA
status=0
for key in "${KEYS[@]}"; do
  m=${key%@*} gen=${key#*@}
  kind=${m%%:*} mode=${m#*:}
  rates=() lines=()
  for ((rep = 1; rep <= REPS; rep++)); do
    read -r r d c _ p99 < "$TMP/$kind-$mode-$gen/rep$rep/best.txt"
    rates+=("$r"); lines+=("$r $d $c ${p99:--}")
  done
  MED_RATE[$key]=$(printf '%s\n' "${rates[@]}" | median)
  # Drops, CPU and p99 of the repetition whose rate is nearest the median.
  read -r _ "MED_DROP[$key]" "MED_CPU[$key]" "MED_P99[$key]" < <(printf '%s\n' "${lines[@]}" |
    awk -v med="${MED_RATE[$key]}" '{d = $1 - med; if (d < 0) d = -d; if (NR == 1 || d < bd) {bd = d; l = $0}} END {print l}')
  LOAD_RSS[$key]=$(cat "$TMP/$kind-$mode-$gen"/rep*/hwm.txt | sort -n | tail -1)
  REP_RATES[$key]=$(printf '%s, ' "${rates[@]}"); REP_RATES[$key]=${REP_RATES[$key]%, }
  [[ ${MED_RATE[$key]%.*} -gt 0 ]] || status=1
  if [[ $kind == kea ]] && awk -v a="${MED_RATE[$key]}" -v b="${BEST_KEA[$gen]:-0}" 'BEGIN {exit !(a > b)}'; then
    BEST_KEA[$gen]=${MED_RATE[$key]}
  fi
done

mkdir -p "$(dirname "$OUT")"
{
  if [[ $FAMILY == 6 ]]; then
    echo "# Side by side, DHCPv6: fastlease-dataplane and Kea kea-dhcp6, driven by perfdhcp -6"
  else
    echo "# Side by side: fastlease-dataplane and Kea, driven by perfdhcp and fastlease-perf"
  fi
  echo
  echo "$START_TIME, $(nproc) cores, kernel $(uname -r), load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "perfdhcp $(perfdhcp -v 2>&1 | awk '/VERSION/ {print $2}'); $KEA_BIN $("$KEA_BIN" -v 2>/dev/null || echo '-');" \
       "fastlease-dataplane $(dataplane_version)."
  echo
  echo "Command: \`perf/side_by_side.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}\`"
  echo
  if [[ $FAMILY == 6 ]]; then
    echo "perfdhcp -6 -e address-and-prefix (a client on the link: Solicit and Request from its" \
         "link-local address to ff02::1:2, one IA_NA and one IA_PD) pinned to core 0 (\`taskset -c 0\`)," \
         "$CLIENTS clients, runs of ${DURATION}s (\`-r RATE -R $CLIENTS -p $DURATION${PERFDHCP_EXTRA:+ $PERFDHCP_EXTRA}\`);" \
         "Kea pinned to core 1 (\`taskset -c 1\`), fastlease's worker on lcore 1 (EAL \`-l 0-1\`)." \
         "Both serve 2001:db8:1::/64 by interface: 2^20 addresses and 2^20 delegated /56s," \
         "preferred/valid lifetimes 3000/3600 s." \
         "Rate: the highest achieved SARR rate (perfdhcp's \`Rate:\`) of a run losing at most ${MAX_DROP}% of" \
         "exchanges (Solicits sent without a Reply back holding the address and the prefix), up to $STEPS runs per search;" \
         "median of $REPS repetitions, each on a fresh server with no leases." \
         "fastlease attaches to its veth with DPDK's net_$IO and answers NDP itself." \
         "Ratios compare with the faster Kea mode." \
         "RSS: peak (VmHWM) after ${IDLE}s idle and over the repetitions. CPU: utime+stime of the" \
         "whole server process as % of one core, over the ${IDLE}s idle period and over the run that gave the rate."
  else
    echo "perfdhcp -4 (relay, giaddr $CLIENT_IP) pinned to core 0 (\`taskset -c 0\`), $CLIENTS clients," \
         "runs of ${DURATION}s (\`-r RATE -R $CLIENTS -p $DURATION${PERFDHCP_EXTRA:+ $PERFDHCP_EXTRA}\`);" \
         "Kea pinned to core 1 (\`taskset -c 1\`), fastlease's worker on lcore 1 (EAL \`-l 0-1\`)." \
         "Rate: the highest achieved DORA rate (perfdhcp's \`Rate:\`) of a run losing at most ${MAX_DROP}% of" \
         "exchanges (DISCOVERs sent without an ACK back), up to $STEPS runs per search;" \
         "median of $REPS repetitions, each on a fresh server with no leases." \
         "fastlease and fastlease-perf attach to their veths with DPDK's net_$IO." \
         "Durability: \`fsync\` syncs each lease's WAL record before its ACK (survives power loss);" \
         "\`wal\` writes it to the OS before the ACK (survives a crash of the server, not of the machine)," \
         "which is what Kea's memfile does (one write of the CSV line per lease, no sync);" \
         "\`none\` keeps no log and does not hold the ACK (a crash loses the leases not yet flushed to the store)." \
         "The reflector row, when there: \`fastlease-perf --reflect\` on fastlease's veth end pinned to core 1" \
         "(EAL \`-l 1\`), answering every DISCOVER and REQUEST statelessly with no server work: the ceiling of the" \
         "link and the generator on this machine, which no server behind the same link can pass." \
         "fastlease-perf (relay $GEN_RELAY, also pinned to core 0, \`--idle-sleep-us $GEN_IDLE_SLEEP_US\`," \
         "\`--window $WINDOW\` against fastlease and the reflector, \`--window $KEA_WINDOW\` against Kea, each server's best):" \
         "a flat-out run, then" \
         "a search from 90% of it in steps of 10%; no retransmissions, an exchange unanswered for 1 s is lost;" \
         "rate = completed DORAs/s; p99 = 99th percentile" \
         "DISCOVER-to-ACK time. Ratios compare with the faster Kea mode measured by the same generator." \
         "RSS: peak (VmHWM) after ${IDLE}s idle and over the repetitions. CPU: utime+stime of the" \
         "whole server process as % of one core, over the ${IDLE}s idle period and over the run that gave the rate."
  fi
  echo
  echo "| server | mode | generator | $XCHG/s | lost % | p99 us | vs faster Kea | RSS idle | RSS load | CPU idle | CPU load | repetitions |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for key in "${KEYS[@]}"; do
    m=${key%@*} gen=${key#*@}
    ratio="-"
    best_kea=${BEST_KEA[$gen]:-0}
    awk -v b="$best_kea" 'BEGIN {exit !(b > 0)}' &&
      ratio=$(awk -v a="${MED_RATE[$key]}" -v b="$best_kea" 'BEGIN {printf "%.2f", a / b}')
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s%% | %s%% | %s |\n' \
      "$(label "$m")" "$gen" "${MED_RATE[$key]}" "${MED_DROP[$key]}" "${MED_P99[$key]}" "$ratio" \
      "$(mib "${IDLE_RSS[$m]}")" "$(mib "${LOAD_RSS[$key]}")" "${IDLE_CPU[$m]}" "${MED_CPU[$key]}" \
      "${REP_RATES[$key]}"
  done
  echo
  echo "## Runs"
  echo
  echo "Every generator run: rate asked (0: fastlease-perf flat out), achieved, % of exchanges lost, server CPU; perfdhcp's packet counts"
  [[ $FAMILY == 6 ]] && echo "(\`rejected\`: Replies without the address or the prefix)"
  echo "\`srv_if_rx\` frames received by the server's veth end, \`srv_rcvbuf\` Kea socket overflows,"
  echo "\`gen_rcvbuf\` perfdhcp's own socket overflows (the generator losing replies)."
  for key in "${KEYS[@]}"; do
    m=${key%@*} gen=${key#*@}
    kind=${m%%:*} mode=${m#*:}
    for ((rep = 1; rep <= REPS; rep++)); do
      dir="$TMP/$kind-$mode-$gen/rep$rep"
      echo
      echo "**$kind $mode, $gen, repetition $rep**"
      echo
      echo '```'
      cat "$dir/probes.txt"
      if [[ $kind == fastlease && -f $dir/stats.json ]]; then
        echo "# dataplane stats at exit (non-zero totals and persister):"
        tr -d ' \n' < "$dir/stats.json" |
          sed -e 's/.*"totals":{\([^}]*\)}.*"persister":{\([^}]*\)}.*/\1,\2/' |
          tr ',' '\n' | tr -d '"' | awk -F: '$2 != 0' | paste -sd' ' -
      elif [[ $kind == reflector && -s $dir/reflector.json ]]; then
        echo "# reflector counts at exit:"
        tr -d ' \n' < "$dir/reflector.json"; echo
      elif [[ $kind == kea && -s $dir/kea-stats.txt ]]; then
        echo "# Kea statistics at exit:"
        paste -sd' ' "$dir/kea-stats.txt"
      fi
      echo '```'
    done
  done
} > "$OUT"

echo
sed -n '/^| server/,/^$/p' "$OUT"
log "report written to $OUT"
exit "$status"
