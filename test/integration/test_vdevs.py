"""The dataplane on the other development vdevs: net_pcap replaying real client
captures (../shared/captures) and net_tap serving a real client."""
import os
import pathlib
import struct
import time

import fldhcp
from conftest import REPO, Dataplane, base_config, sh

CAPTURES = pathlib.Path(os.environ.get("FASTLEASE_CAPTURES_DIR", REPO.parent / "shared" / "captures"))


def read_pcap(path):
    data = pathlib.Path(path).read_bytes()
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def run_replay(tmp_path, capture, subnet, address, pool, **dhcp4):
    out = tmp_path / "out.pcap"
    cfg = base_config([], **dhcp4)
    cfg["Dhcp4"]["subnet4"] = [{"id": 1, "subnet": subnet, "pools": [{"pool": pool}]}]
    cfg["Dataplane"]["ports"] = [{
        "device": "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (CAPTURES / capture, out),
        "address": address}]
    dp = Dataplane(tmp_path, cfg).start()
    try:
        time.sleep(2)  # net_pcap reads the whole file at once; let the worker finish
        st = dp.stats()["totals"]
    finally:
        assert dp.stop() == 0
    replies = [r for r in map(fldhcp.parse_frame, read_pcap(out)) if r]
    return st, replies


def test_pcap_replay_of_a_real_client_gets_offer_and_ack(tmp_path):
    # A Grandstream device: DISCOVER (with a requested address of 0.0.0.0), then a
    # SELECTING REQUEST for 192.168.0.10 from server 192.168.0.1, which we are.
    st, replies = run_replay(tmp_path, "charrua-dhcp2.pcap", "192.168.0.0/24",
                                "192.168.0.1/24", "192.168.0.10 - 192.168.0.50")
    seen = {k: v for k, v in st.items() if v}
    assert st["pkt4-discover-received"] == 1, seen
    assert st["pkt4-request-received"] == 1, seen
    # The capture also holds the original server's replies: not for us, dropped.
    assert st["wire_wrong_dst_mac"] == 2, seen
    assert [r["type"] for r in replies] == [2, 5]  # OFFER, ACK
    for r in replies:
        assert fldhcp.fmt_mac(r["chaddr"]) == "00:0b:82:01:fc:42"
        assert r["yiaddr"] == "192.168.0.10"
        assert r["ip_src"] == "192.168.0.1"


def test_pcap_replay_of_real_init_reboot_requests(tmp_path):
    # An Apple client's INIT-REBOOT REQUESTs for 192.168.8.20: an authoritative
    # server that has the address free grants it.
    st, replies = run_replay(tmp_path, "charrua-dhcp.pcap", "192.168.8.0/24",
                                "192.168.8.1/24", "192.168.8.10 - 192.168.8.100",
                                authoritative=True)
    assert st["pkt4-request-received"] == 2, st
    acks = [r for r in replies if r["type"] == 5]
    assert len(acks) == 2
    assert all(a["yiaddr"] == "192.168.8.20" for a in acks)
    assert fldhcp.fmt_mac(acks[0]["chaddr"]) == "68:5b:35:aa:29:16"


def test_net_tap_serves_a_client_in_a_namespace(tmp_path):
    tag = "fl%dt" % (os.getpid() % 100000)
    ns, tap = tag + "n", tag + "p"
    cfg = base_config([])
    cfg["Dataplane"]["ports"] = [{"device": "net_tap0,iface=%s" % tap, "address": "192.0.2.1/24"}]
    dp = Dataplane(tmp_path, cfg)
    try:
        sh("ip", "netns", "add", ns)
        dp.start()
        sh("ip", "link", "set", tap, "netns", ns)
        sh("ip", "netns", "exec", ns, "ip", "link", "set", tap, "up")
        out = sh("ip", "netns", "exec", ns, "udhcpc", "-i", tap, "-n", "-q", "-f", "-t", "5",
                 "-T", "1", "-s", "/bin/true", timeout=60)
        assert "lease of 192.0.2.1" in out.stdout + out.stderr, out.stdout + out.stderr
    finally:
        if dp.proc and dp.proc.poll() is None:
            dp.stop()
        sh("ip", "netns", "del", ns, check=False)


def test_net_null_port_starts_and_stops_cleanly(tmp_path):
    cfg = base_config([])
    cfg["Dataplane"]["ports"] = [{"device": "net_null0", "address": "192.0.2.1/24"}]
    dp = Dataplane(tmp_path, cfg).start()
    assert dp.stop() == 0
    assert "exit" in dp.log().splitlines()[-1]
