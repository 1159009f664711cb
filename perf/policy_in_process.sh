#!/usr/bin/env bash
# The policy cost through the whole dataplane: fastlease-perf --in-process with the
# plain config (perf/in-process.example.json) and with the same config plus the policy
# of perf/policy_benchmark (50 client classes, 1000 subnets, 100 shared networks,
# 300 reservations), the same clients and traffic, in turn. Prints each run's
# summary and the ratio of DORA/s.
#
#   perf/policy_in_process.sh [BUILD_DIR] [-- extra fastlease-perf options]
#
# Defaults: 200,000 clients, 10 s per run, 1,024 in flight, no retransmissions,
# durability none, two rounds (plain, policy, plain, policy). ROUNDS, CLIENTS,
# DURATION and DURABILITY in the environment override them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
[[ $# -gt 0 ]] && shift
[[ ${1:-} == -- ]] && shift
perf=$build/perf/fastlease-perf
bench=$build/perf/policy_benchmark
rounds=${ROUNDS:-2}
clients=${CLIENTS:-200000}
duration=${DURATION:-10}
durability=${DURABILITY:-none}

work=$(mktemp -d /tmp/fl-policy-inproc.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The plain config, and the policy one: the policy's Dhcp4 with the generator's
# subnet (relay 192.0.2.2, 100.64.0.0/10: outside the policy's 10/8) and the
# plain config's server subnet and Dataplane section added.
"$bench" --print-policy-config >"$work/policy-dhcp4.json"
python3 - "$here/in-process.example.json" "$work/policy-dhcp4.json" "$work" "$durability" <<'EOF'
import json, sys
plain_path, policy_path, work, durability = sys.argv[1:5]
plain = json.load(open(plain_path))
plain["Dhcp4"]["lease-database"]["durability"] = durability
policy = json.load(open(policy_path))
d = policy["Dhcp4"]
d["lease-database"] = plain["Dhcp4"]["lease-database"]
server_subnet = plain["Dhcp4"]["subnet4"][0]
server_subnet["id"] = 5001
generator_subnet = {
    "id": 5002, "subnet": "100.64.0.0/10",
    "relay": {"ip-addresses": ["192.0.2.2"]},
    "option-data": [{"name": "routers", "data": "100.64.0.1"}],
    "pools": [{"pool": "100.64.0.10 - 100.127.255.250"}],
}
plain["Dhcp4"]["subnet4"][1] = dict(generator_subnet, id=2)
plain["Dhcp4"]["subnet4"][1]["option-data"] = [{"name": "routers", "data": "100.64.0.1"}]
d["subnet4"] += [server_subnet, generator_subnet]
policy["Dataplane"] = plain["Dataplane"]
json.dump(plain, open(f"{work}/plain.json", "w"), indent=1)
json.dump(policy, open(f"{work}/policy.json", "w"), indent=1)
EOF

run() {  # run NAME: one in-process run on NAME.json; prints DORA/s on the last line
  local name=$1
  shift
  rm -rf "$work/state-$name"
  "$perf" -- --in-process "$work/$name.json" --state-dir "$work/state-$name" \
    --server 192.0.2.1 --relay 192.0.2.2 --clients "$clients" --window 1024 --retries 0 \
    --duration "$duration" --report-interval 0 --format json --label "$name" \
    --out "$work/$name.out" "$@" >/dev/null 2>"$work/$name.err" || {
    # 3: the run completed but lost exchanges (reported in the summary).
    local rc=$?
    [[ $rc -eq 3 ]] || { cat "$work/$name.err" >&2; exit 1; }
  }
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
k = next(k for k in r["exchanges"] if k["kind"] == "dora")
rate, lost, p50, p99 = k["rate"], k["drop-percent"], k["p50-us"], k["p99-us"]
print("%6s: %10.0f DORA/s  lost %.2f %%  p50 %s us  p99 %s us" % (sys.argv[2], rate, lost, p50, p99))
' "$work/$name.out" "$name"
}

for ((i = 1; i <= rounds; ++i)); do
  run plain "$@" | tee -a "$work/rates"
  run policy "$@" | tee -a "$work/rates"
done
python3 - "$work/rates" <<'EOF'
import statistics, sys
rates = {"plain": [], "policy": []}
for line in open(sys.argv[1]):
    name, rest = line.split(":", 1)
    rates[name.strip()].append(float(rest.split()[0].replace(",", "")))
p, q = statistics.median(rates["plain"]), statistics.median(rates["policy"])
print(f"median plain {p:,.0f} DORA/s, policy {q:,.0f} DORA/s: policy/plain = {q / p:.2f}")
EOF
