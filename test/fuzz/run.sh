#!/usr/bin/env bash
# Builds the DHCPv4 and DHCPv6 codec fuzzers with clang (libFuzzer + ASan + UBSan)
# straight from the sources and runs each for half of SECONDS (default 60; at
# least one second each), the DHCPv4 one first.
#
#   test/fuzz/run.sh 120
#
# Exit status: 0 if neither fuzzer found a crash, non-zero otherwise (the work
# directory with the crashing inputs is kept and printed). Environment: CXX (default
# clang++), FASTLEASE_CAPTURES_DIR (DHCPv4 seed pcaps, default /work/shared/captures),
# FUZZ_JOBS (parallel fuzzing processes per fuzzer, default 1).
set -euo pipefail

seconds="${1:-60}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cxx="${CXX:-clang++}"
captures="${FASTLEASE_CAPTURES_DIR:-/work/shared/captures}"
python="$(command -v /usr/bin/python3 || command -v python3)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhcp-fuzz.XXXXXX")"
for f in dhcp4 dhcp6; do mkdir -p "$work/$f/corpus" "$work/$f/artifacts"; done

# build NAME SOURCES...: the fuzzer test/fuzz/NAME.cc with the codec SOURCES.
build() {
  local name="$1"
  shift
  echo "building $work/$name"
  "$cxx" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Wall -Wextra -Wpedantic -Werror \
    -I"$repo" \
    "$repo/test/fuzz/$name.cc" "${@/#/$repo/}" \
    -o "$work/$name"
}
build dhcp4_parse_fuzzer dataplane/dhcp4/message.cc dataplane/dhcp4/builder.cc
build dhcp6_parse_fuzzer dataplane/dhcp6/message6.cc dataplane/dhcp6/builder6.cc

# DHCPv4 seeds: hand-made messages covering the option areas, plus every DHCP
# payload in the captures.
"$python" - "$work/dhcp4/corpus" "$captures" <<'EOF'
import glob, os, struct, sys

corpus, captures = sys.argv[1], sys.argv[2]
n = 0

def save(data):
    global n
    with open(os.path.join(corpus, "seed-%03d" % n), "wb") as f:
        f.write(bytes(data))
    n += 1

def header(op=1, sname=b"", file=b""):
    h = bytearray(236)
    h[0], h[1], h[2] = op, 1, 6
    h[4:8] = b"\x12\x34\x56\x78"
    h[28:34] = b"\x02\x00\x5e\x10\x20\x30"
    h[44:44 + len(sname)] = sname
    h[108:108 + len(file)] = file
    return h + b"\x63\x82\x53\x63"

def tlv(code, data):
    return bytes([code, len(data)]) + bytes(data)

for t in range(1, 9):
    save(header() + tlv(53, [t]) + b"\xff")
save(header() + tlv(53, [1]) + tlv(61, b"\x01\x02\x00\x5e\x10\x20\x30")
     + tlv(55, [1, 3, 6, 15, 28, 42, 51, 54, 58, 59, 119, 121]) + tlv(57, b"\x05\xdc")
     + tlv(12, b"laptop") + b"\xff" + bytes(40))
save(header() + tlv(53, [3]) + tlv(50, [10, 0, 0, 5]) + tlv(54, [10, 0, 0, 1])
     + tlv(82, b"\x01\x04eth0") + tlv(82, b"\x02\x02ab") + b"\xff")
save(header(file=tlv(12, b"host") + b"\xff", sname=tlv(15, b"lan") + b"\xff")
     + tlv(53, [1]) + tlv(52, [3]) + tlv(60, b"ab") + b"\xff")
save(header(file=tlv(61, b"\x04\x05") + b"\xff") + tlv(61, b"\x01\x02\x03") + tlv(52, [1]))
save(header() + tlv(43, bytes(255)) + tlv(43, bytes(255)) + tlv(43, b"tail") + b"\xff")
save(header(op=2) + tlv(53, [2]) + tlv(57, b"\x02\x40") + b"\xff")

for path in sorted(glob.glob(os.path.join(captures, "*.pcap"))):
    with open(path, "rb") as f:
        raw = f.read()
    off = 24
    while off + 16 <= len(raw):
        caplen = struct.unpack_from("<I", raw, off + 8)[0]
        frame = raw[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(frame) < 42 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0f) * 4
        if ip[9] != 17 or len(ip) < ihl + 8:
            continue
        sport, dport, ulen = struct.unpack_from(">HHH", ip, ihl)
        if {sport, dport} == {67, 68} and 8 <= ulen <= len(ip) - ihl:
            save(ip[ihl + 8:ihl + ulen])
print("dhcp4: seeded %d inputs" % n)
EOF

# DHCPv6 seeds: hand-made client messages of every type, with IA_NA/IA_TA/IA_PD
# and their entries, behind 0 to 3 relays with Interface-Id, Remote-Id and
# Subscriber-Id, plus the dhclient Solicit of test/dataplane/dhcp6/fixtures6.h.
"$python" - "$work/dhcp6/corpus" <<'EOF'
import os, struct, sys

corpus = sys.argv[1]
n = 0

def save(data):
    global n
    with open(os.path.join(corpus, "seed-%03d" % n), "wb") as f:
        f.write(bytes(data))
    n += 1

def opt(code, data=b""):
    return struct.pack(">HH", code, len(data)) + bytes(data)

def client(t, options, xid=0x27bbea):
    return bytes([t]) + xid.to_bytes(3, "big") + options

def relay(inner, hop=0, before=b"", after=b""):
    link = bytes.fromhex("20010db8000100000000000000000001")
    peer = bytes.fromhex("fe80000000000000000000fffe000002")
    return bytes([12, hop]) + link + peer + before + opt(9, inner) + after

duid = bytes.fromhex("000100013298cfff020000000002")
addr = lambda last: bytes.fromhex("20010db80001000000000000000000") + bytes([last])
ia_addr = lambda a: opt(5, a + struct.pack(">II", 7200, 7500))
ia_prefix = lambda plen, p, sub=b"": opt(26, struct.pack(">IIB", 7200, 7500, plen) + p + sub)
ia_na = lambda iaid, sub=b"": opt(3, struct.pack(">III", iaid, 3600, 5400) + sub)
ia_ta = lambda iaid, sub=b"": opt(4, struct.pack(">I", iaid) + sub)
ia_pd = lambda iaid, sub=b"": opt(25, struct.pack(">III", iaid, 3600, 5400) + sub)
common = opt(1, duid) + opt(6, bytes.fromhex("001700180043")) + opt(8, b"\x00\x00")

solicit = bytes.fromhex(
    "0127bbea0001000e000100013298cfff020000000002000600060017001800430008000200000003000c"
    "0000000200000e10000015180019000c0000000200000e1000001518")
save(solicit)
prefix = bytes.fromhex("20010db8010000000000000000000000")
full = client(3, common + opt(2, duid) + ia_na(1, ia_addr(addr(1)) + ia_addr(addr(2)))
              + ia_ta(2, ia_addr(addr(3))) + ia_pd(3, ia_prefix(56, prefix, opt(67, b"\x3e\xac")))
              + opt(14) + opt(20) + opt(39, b"\x00\x04host") + opt(16, b"\x00\x00\x01\x37\x00\x02ab"))
save(full)
for t in (1, 3, 4, 5, 6, 8, 9, 11):
    save(client(t, common + ia_na(t) + ia_pd(t + 100)))
ids = (opt(18, b"ge-0/0/1.100") + opt(37, b"\x00\x00\x11\x8bmodem-7"), opt(38, b"sub-42"))
save(relay(solicit, 0, *ids))
save(relay(relay(full, 0, opt(18, b"vlan100")), 1, *ids))
save(relay(relay(relay(client(11, opt(1, duid)), 0), 1, opt(18, b"x")), 2, b"", opt(18, b"y")))
save(client(1, opt(1, duid) + b"".join(ia_na(i) for i in range(8))))
save(client(5, opt(1, duid) + ia_na(1, b"".join(ia_addr(addr(i)) for i in range(6)))))
save(client(2, common))
save(bytes([13, 0]) + bytes(32) + opt(9, client(7, common)))
print("dhcp6: seeded %d inputs" % n)
EOF

cat >"$work/dhcp4/dict" <<'EOF'
cookie="\x63\x82\x53\x63"
overload_file="\x34\x01\x01"
overload_sname="\x34\x01\x02"
overload_both="\x34\x01\x03"
discover="\x35\x01\x01"
request="\x35\x01\x03"
max_size="\x39\x02\x02\x40"
end="\xff"
EOF
cat >"$work/dhcp6/dict" <<'EOF'
relay_forw="\x0c\x00"
relay_msg="\x00\x09"
interface_id="\x00\x12"
remote_id="\x00\x25"
subscriber_id="\x00\x26"
client_id="\x00\x01\x00\x0e"
ia_na="\x00\x03\x00\x0c"
ia_ta="\x00\x04\x00\x04"
ia_pd="\x00\x19\x00\x0c"
ia_addr="\x00\x05\x00\x18"
ia_prefix="\x00\x1a\x00\x19"
pd_exclude="\x00\x43\x00\x02"
elapsed="\x00\x08\x00\x02"
rapid_commit="\x00\x0e\x00\x00"
EOF

# fuzz NAME SECONDS: runs work/NAME/NAME_parse_fuzzer on its corpus; status in $?.
jobs="${FUZZ_JOBS:-1}"
fuzz() {
  local name="$1" secs="$2"
  local args=(-max_total_time="$secs" -print_final_stats=1 -dict="$work/$name/dict"
              -artifact_prefix="$work/$name/artifacts/")
  if [[ "$jobs" -gt 1 ]]; then
    args+=(-jobs="$jobs" -workers="$jobs")  # logs go to $work/NAME/fuzz-N.log
  fi
  echo "fuzzing $name for ${secs}s"
  (cd "$work/$name" && "$work/${name}_parse_fuzzer" "${args[@]}" "$work/$name/corpus")
}

half=$(( seconds / 2 ))
first=$(( half > 0 ? half : 1 ))
second=$(( seconds - half > 0 ? seconds - half : 1 ))
failed=0
for run in "dhcp4 $first" "dhcp6 $second"; do
  set -- $run
  status=0
  fuzz "$1" "$2" || status=$?
  if [[ $status -ne 0 ]] || [[ -n "$(ls -A "$work/$1/artifacts")" ]]; then
    echo "FUZZER $1 FAILED (status $status); inputs and logs kept in $work/$1" >&2
    ls -l "$work/$1/artifacts" >&2
    failed=$(( status == 0 ? 1 : status ))
  else
    echo "$1: no crash; corpus grew to $(ls "$work/$1/corpus" | wc -l) inputs"
  fi
done
if [[ $failed -ne 0 ]]; then
  exit "$failed"
fi
rm -rf "$work"
