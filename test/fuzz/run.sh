#!/usr/bin/env bash
# Builds the DHCPv4 codec fuzzer with clang (libFuzzer + ASan + UBSan) straight
# from the sources and runs it for SECONDS (default 60).
#
#   test/fuzz/run.sh 120
#
# Exit status: 0 if no crash, non-zero otherwise (the work directory with the
# crashing input is kept and printed). Environment: CXX (default clang++),
# FASTLEASE_CAPTURES_DIR (seed pcaps, default /work/shared/captures),
# FUZZ_JOBS (parallel fuzzing processes, default 1).
set -euo pipefail

seconds="${1:-60}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cxx="${CXX:-clang++}"
captures="${FASTLEASE_CAPTURES_DIR:-/work/shared/captures}"
python="$(command -v /usr/bin/python3 || command -v python3)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhcp4-fuzz.XXXXXX")"
corpus="$work/corpus"
mkdir -p "$corpus" "$work/artifacts"

echo "building $work/dhcp4_parse_fuzzer"
"$cxx" -std=c++20 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Wall -Wextra -Wpedantic -Werror \
  -I"$repo" \
  "$repo/test/fuzz/dhcp4_parse_fuzzer.cc" \
  "$repo/dataplane/dhcp4/message.cc" \
  "$repo/dataplane/dhcp4/builder.cc" \
  -o "$work/dhcp4_parse_fuzzer"

# Seeds: hand-made messages covering the option areas, plus every DHCP payload in
# the captures.
"$python" - "$corpus" "$captures" <<'EOF'
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
print("seeded %d inputs" % n)
EOF

cat >"$work/dhcp4.dict" <<'EOF'
cookie="\x63\x82\x53\x63"
overload_file="\x34\x01\x01"
overload_sname="\x34\x01\x02"
overload_both="\x34\x01\x03"
discover="\x35\x01\x01"
request="\x35\x01\x03"
max_size="\x39\x02\x02\x40"
end="\xff"
EOF

args=(-max_total_time="$seconds" -print_final_stats=1 -dict="$work/dhcp4.dict"
      -artifact_prefix="$work/artifacts/")
jobs="${FUZZ_JOBS:-1}"
if [[ "$jobs" -gt 1 ]]; then
  args+=(-jobs="$jobs" -workers="$jobs")  # logs go to $work/fuzz-N.log
fi
echo "fuzzing for ${seconds}s"
status=0
(cd "$work" && ./dhcp4_parse_fuzzer "${args[@]}" "$corpus") || status=$?
if [[ $status -ne 0 ]] || [[ -n "$(ls -A "$work/artifacts")" ]]; then
  echo "FUZZER FAILED (status $status); inputs and logs kept in $work" >&2
  ls -l "$work/artifacts" >&2
  exit "$(( status == 0 ? 1 : status ))"
fi
echo "no crash; corpus grew to $(ls "$corpus" | wc -l) inputs"
rm -rf "$work"
