"""fastlease-pcapgen and perf/pcap_replay.sh: generated captures (a DISCOVER
storm, a relayed mix; a DHCPv6 Solicit storm, direct and relayed, and a Renew
storm against a pre-populated store) and a real client's capture replayed through
the dataplane on net_pcap with infinite_rx; the script reports replies/s."""
import json
import os
import pathlib
import re
import struct
import subprocess

from conftest import BUILD, REPO

PCAPGEN = BUILD / "perf" / "fastlease-pcapgen"
REPLAY = REPO / "perf" / "pcap_replay.sh"
# Two lcores at most, 64-packet bursts.
BURST_SLACK = 2 * 64
CAPTURES = pathlib.Path(os.environ.get("FASTLEASE_CAPTURES_DIR", REPO.parent / "shared" / "captures"))


def pcapgen(*args):
    out = subprocess.run([str(PCAPGEN), *map(str, args)], check=True, capture_output=True,
                         text=True, timeout=30)
    return out.stdout


def replay(pcap, *args, seconds=2, family=4):
    proc = subprocess.run(["bash", str(REPLAY), "--seconds", str(seconds), *map(str, args), str(pcap)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    # The exact dataplane command line is shown, and the run's directory is gone.
    cmds = [l for l in lines if l.startswith("+ ") and "fastlease-dataplane --config" in l]
    assert cmds, proc.stdout
    workdir = next(l.split(": ", 1)[1] for l in lines if l.startswith("workdir: "))
    assert not pathlib.Path(workdir).exists()
    breakdown = (r"\(offers [0-9.]+, acks [0-9.]+, naks [0-9.]+\)" if family == 4
                 else r"\(advertises [0-9.]+, replies [0-9.]+\)")
    assert re.search(r"^replies/s: [0-9.]+ " + breakdown, proc.stdout, re.M), proc.stdout
    assert re.search(r"^received/s: [0-9.]+$", proc.stdout, re.M), proc.stdout
    result = json.loads(next(l for l in lines if l.startswith("result: "))[len("result: "):])
    assert result["seconds"] > 0
    assert result["family"] == family
    return result, proc.stdout


def assert_no_drops(result):
    """Every frame passed the wire stage and the server's parser, and was answered."""
    totals = result["totals"]
    dropped = {k: v for k, v in totals.items()
               if k.startswith(("wire_", "dhcp6_parse_", "dhcp6_drop_", "drop_"))
               and k != "dhcp6_parse_ok"}
    assert not dropped, dropped
    assert totals["dhcp6_parse_ok"] == totals["rx_packets"], totals


def frame_count(path):
    data = pathlib.Path(path).read_bytes()
    assert struct.unpack("<IHHiIII", data[:24]) == (0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    n, off = 0, 24
    while off + 16 <= len(data):
        off += 16 + struct.unpack("<I", data[off + 8:off + 12])[0]
        n += 1
    assert off == len(data)
    return n


def assert_replies_follow_receives(result, sent_counters):
    """Every reply answers a received packet. Compared on the cumulative totals, with
    one burst per lcore of slack: the counters are not read at one instant, so a burst
    received before the read of dhcp_received can be answered before the read of the
    reply counters (rates over a window differ by up to a burst each way)."""
    totals = result["totals"]
    sent = sum(totals.get(name, 0) for name in sent_counters)
    assert sent > 0, totals
    assert sent <= totals["dhcp_received"] + BURST_SLACK, totals


def test_discover_storm_replay(tmp_path):
    pcap = tmp_path / "discover.pcap"
    assert "200 discover frames (direct)" in pcapgen("--kind", "discover", "--clients", 200,
                                                     "--out", pcap)
    assert frame_count(pcap) == 200
    result, _ = replay(pcap)
    assert result["replies_per_s"] > 0, result
    assert result["offers_per_s"] > 0, result
    assert_replies_follow_receives(result, ["pkt4-offer-sent", "pkt4-ack-sent", "pkt4-nak-sent"])
    assert result["totals"]["pkt4-discover-received"] > 0


def test_relayed_mixed_replay(tmp_path):
    # giaddr outside the served subnet: the script's --relay selects it.
    pcap = tmp_path / "mixed.pcap"
    assert "100 mixed frames (relayed, vlan 7)" in pcapgen("--mixed", "--relay", "172.16.0.1",
                                                           "--vlan", 7, "--clients", 100,
                                                           "--out", pcap)
    result, _ = replay(pcap, "--relay", "172.16.0.1")
    assert result["replies_per_s"] > 0, result
    assert result["offers_per_s"] > 0 and result["acks_per_s"] > 0, result
    assert result["totals"]["pkt4-release-received"] > 0, result


def test_real_capture_replay():
    # A Grandstream device's DISCOVER and SELECTING REQUEST for 192.168.0.10
    # from server 192.168.0.1 (see ../shared/captures/README.md).
    result, out = replay(CAPTURES / "charrua-dhcp2.pcap", "--subnet", "192.168.0.0/24",
                         "--address", "192.168.0.1/24", "--pool", "192.168.0.10 - 192.168.0.50")
    assert result["offers_per_s"] > 0 and result["acks_per_s"] > 0, result
    assert "charrua-dhcp2.pcap: 4 frames" in out


def test_dhcp6_solicit_storm_replay(tmp_path):
    pcap = tmp_path / "solicit.pcap"
    assert "200 solicit frames (direct)" in pcapgen("--kind", "solicit", "--clients", 200,
                                                   "--out", pcap)
    assert frame_count(pcap) == 200
    result, _ = replay(pcap, "--family", 6, family=6)
    assert result["replies_per_s"] > 0, result
    assert result["advertises_per_s"] > 0, result
    assert_replies_follow_receives(result, ["pkt6-advertise-sent", "pkt6-reply-sent"])
    assert result["totals"]["pkt6-solicit-received"] > 0, result
    assert_no_drops(result)


def test_dhcp6_relayed_solicit_replay(tmp_path):
    # The relay's link-address is outside the served subnet: --relay selects it.
    pcap = tmp_path / "relayed.pcap"
    assert "150 solicit frames (relayed, vlan 7)" in pcapgen(
        "--kind", "solicit", "--relay6", "2001:db8:2::1", "--vlan", 7, "--clients", 150,
        "--out", pcap)
    result, _ = replay(pcap, "--family", 6, "--relay", "2001:db8:2::1", family=6)
    assert result["advertises_per_s"] > 0, result
    assert result["totals"]["pkt6-solicit-received"] > 0, result
    assert_no_drops(result)


def test_dhcp6_renew_storm_against_prepopulated_store(tmp_path):
    # request6 names the server's pinned DUID and asks for base + i; the store then
    # holds an address and a prefix per client, which renew6 names.
    req, ren = tmp_path / "request6.pcap", tmp_path / "renew6.pcap"
    pcapgen("--kind", "request6", "--clients", 100, "--out", req)
    pcapgen("--kind", "renew6", "--clients", 100, "--out", ren)
    result, out = replay(ren, "--family", 6, "--prepopulate", req, family=6)
    assert re.search(r"^prepopulate: [0-9]+ received, [1-9][0-9]* replies$", out, re.M), out
    assert "200 DHCPv6 records, 200 bound" in out, out
    assert result["reply_msgs_per_s"] > 0 and result["advertises_per_s"] == 0, result
    assert result["totals"]["pkt6-renew-received"] > 0, result
    assert "dhcp6_drop_other_server" not in result["totals"], result
    assert "dhcp6_drop_no_server_id" not in result["totals"], result
