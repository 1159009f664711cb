"""The dataplane's side of the control link, driven by an independent Python
client (fllink.py): lease commands against real clients, statistics, config
commands, and the lease event stream with resume and gaps."""
import json
import os
import signal
import time

from conftest import base_config
from fllink import DataplaneLink


def dora(link, tmp_path, prefix, count=1, seconds=20):
    out = tmp_path / ("acks-%s" % prefix.replace(":", ""))
    r = link.fldhcp("dora", "--iface", link.peer, "--count", count, "--mac-prefix", prefix,
                    "--out", out, "--seconds", seconds)
    acked = json.loads(r.stdout.strip().splitlines()[-1])["acked"]
    lines = out.read_text().split("\n") if out.exists() else []
    return acked, [tuple(l.split()) for l in lines if l.strip()]


def connect(dp, resume_seq=1):
    path = dp.state / "dataplane.sock"
    end = time.monotonic() + 10
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.1)
    return DataplaneLink(path, resume_seq=resume_seq)


def one_address_config(links):
    cfg = base_config(links)
    cfg["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.100 - 192.0.2.100"}]
    return cfg


def test_lease_add_get_del_free_the_address_for_another_client(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link], one_address_config([link]))
    ctl = connect(dp)

    acked, leases = dora(link, tmp_path, "02:aa")
    assert acked == 1 and leases[0][1] == "192.0.2.100"
    got = ctl.command({"command": "lease4-get", "arguments": {"ip-address": "192.0.2.100"}})
    assert got["result"] == 0, got
    assert got["arguments"]["hw-address"] == "02:aa:00:00:00:00"
    assert got["arguments"]["subnet-id"] == 1 and got["arguments"]["state"] == 0
    assert got["arguments"]["valid-lft"] == 3600

    # The pool is full: a second client gets nothing.
    assert dora(link, tmp_path, "02:bb")[0] == 0
    deleted = ctl.command({"command": "lease4-del", "arguments": {"ip-address": "192.0.2.100"}})
    assert deleted == {"result": 0, "text": "IPv4 lease deleted."}, deleted
    missing = ctl.command({"command": "lease4-get", "arguments": {"ip-address": "192.0.2.100"}})
    assert missing["result"] == 3
    assert ctl.command({"command": "lease4-del",
                        "arguments": {"ip-address": "192.0.2.100"}})["result"] == 3
    acked, leases = dora(link, tmp_path, "02:bb")
    assert acked == 1 and leases[0] == ("02:bb:00:00:00:00", "192.0.2.100")


def test_lease_added_by_command_is_served_to_its_client(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link])
    ctl = connect(dp)
    add = ctl.command({"command": "lease4-add", "arguments": {
        "ip-address": "192.0.2.150", "hw-address": "02:cc:00:00:00:00", "valid-lft": 1000}})
    assert add["result"] == 0, add
    assert add["text"] == "Lease for address 192.0.2.150, subnet-id 1 added."
    again = ctl.command({"command": "lease4-add", "arguments": {
        "ip-address": "192.0.2.150", "hw-address": "02:dd:00:00:00:00"}})
    assert again["result"] == 1 and "already exists" in again["text"]
    outside = ctl.command({"command": "lease4-add", "arguments": {
        "ip-address": "203.0.113.5", "hw-address": "02:dd:00:00:00:00"}})
    assert outside["result"] == 1 and "no subnet" in outside["text"]

    acked, leases = dora(link, tmp_path, "02:cc")
    assert leases == [("02:cc:00:00:00:00", "192.0.2.150")]
    by_hw = ctl.command({"command": "lease4-get-by-hw-address",
                         "arguments": {"hw-address": "02:cc:00:00:00:00"}})
    assert [l["ip-address"] for l in by_hw["arguments"]["leases"]] == ["192.0.2.150"]
    assert by_hw["arguments"]["leases"][0]["valid-lft"] == 3600  # renewed by the client

    upd = ctl.command({"command": "lease4-update", "arguments": {
        "ip-address": "192.0.2.150", "hw-address": "02:cc:00:00:00:00", "valid-lft": 500}})
    assert upd == {"result": 0, "text": "IPv4 lease updated."}, upd
    got = ctl.command({"command": "lease4-get", "arguments": {
        "identifier-type": "hw-address", "identifier": "02:cc:00:00:00:00", "subnet-id": 1}})
    assert got["arguments"]["valid-lft"] == 500

    page = ctl.command({"command": "lease4-get-page", "arguments": {"from": "start", "limit": 10}})
    assert page["result"] == 0 and page["arguments"]["count"] == 1
    rest = ctl.command({"command": "lease4-get-page",
                        "arguments": {"from": "192.0.2.150", "limit": 10}})
    assert rest["result"] == 3 and rest["arguments"]["count"] == 0
    wipe = ctl.command({"command": "lease4-wipe", "arguments": {"subnet-id": 1}})
    assert wipe["result"] == 0 and wipe["text"].startswith("Deleted 1 IPv4 lease(s)"), wipe
    assert ctl.command({"command": "lease4-get-all"})["result"] == 3


def test_statistics_and_bad_arguments(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link])
    ctl = connect(dp)
    assert dora(link, tmp_path, "02:ee", count=3)[0] == 3
    time.sleep(0.3)
    st = ctl.command({"command": "statistic-get-all"})["arguments"]
    value = lambda name: st[name][0][0]
    assert value("pkt4-discover-received") == 3
    assert value("pkt4-offer-sent") == 3 and value("pkt4-ack-sent") == 3
    assert value("subnet[1].total-addresses") == 100
    assert value("subnet[1].assigned-addresses") == 3
    assert value("assigned-addresses") == 3
    assert any(k.startswith("lcore[1].wire_") for k in st)

    one = ctl.command({"command": "statistic-get", "arguments": {"name": "pkt4-ack-sent"}})
    assert list(one["arguments"]) == ["pkt4-ack-sent"]
    reset = ctl.command({"command": "statistic-reset", "arguments": {"name": "pkt4-ack-sent"}})
    assert reset == {"result": 0, "text": "Statistic 'pkt4-ack-sent' reset."}
    after = ctl.command({"command": "statistic-get", "arguments": {"name": "pkt4-ack-sent"}})
    assert after["arguments"]["pkt4-ack-sent"][0][0] == 0
    ctl.command({"command": "statistic-reset-all"})
    st = ctl.command({"command": "statistic-get-all"})["arguments"]
    assert st["pkt4-discover-received"][0][0] == 0
    assert st["subnet[1].assigned-addresses"][0][0] == 3  # gauges stay

    bad = ctl.command({"command": "lease4-get-page", "arguments": {"from": "start", "limit": "x"}})
    assert bad["result"] == 1
    bad = ctl.command({"command": "lease4-add", "arguments": {"ip-address": 5}})
    assert bad["result"] == 1
    assert ctl.command({"command": "no-such-thing"})["result"] == 2
    # Still serving.
    assert dora(link, tmp_path, "02:ef")[0] == 1


def test_config_set_test_get_write_and_reload(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link])
    ctl = connect(dp)
    running = ctl.command({"command": "config-get"})
    assert running["result"] == 0 and "Dhcp4" in running["arguments"]

    broken = json.loads(json.dumps(dp.config))
    broken["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.300 - 192.0.2.9"}]
    for cmd in ("config-test", "config-set"):
        r = ctl.command({"command": cmd, "arguments": broken})
        assert r["result"] == 1, r
        assert "Dhcp4/subnet4[0]/pools[0]/pool" in r["text"]
    assert ctl.command({"command": "config-get"})["arguments"] == running["arguments"]

    good = json.loads(json.dumps(dp.config))
    good["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.10 - 192.0.2.10"}]
    assert ctl.command({"command": "config-test", "arguments": good})["text"] == "Configuration seems sane."
    assert ctl.command({"command": "config-set", "arguments": good})["result"] == 0
    assert ctl.command({"command": "config-get"})["arguments"]["Dhcp4"]["subnet4"][0]["pools"] == \
        [{"pool": "192.0.2.10 - 192.0.2.10"}]
    assert dora(link, tmp_path, "02:f0")[1] == [("02:f0:00:00:00:00", "192.0.2.10")]

    written = tmp_path / "written.json"
    w = ctl.command({"command": "config-write", "arguments": {"filename": str(written)}})
    assert w["result"] == 0 and w["arguments"]["filename"] == str(written)
    assert json.loads(written.read_text())["Dhcp4"]["subnet4"][0]["pools"][0]["pool"] == \
        "192.0.2.10 - 192.0.2.10"

    # config-reload goes back to the file the dataplane was started with.
    assert ctl.command({"command": "config-reload"})["result"] == 0
    assert ctl.command({"command": "config-get"})["arguments"] == running["arguments"]


def test_lease_events_resume_after_reconnect_and_report_gaps(netlinks, dataplane, tmp_path):
    link = netlinks()
    cfg = base_config([link])
    cfg["Dataplane"]["lease-event-retention"] = 1024
    cfg["Dataplane"]["ports"][0]["address"] = "10.8.0.1/20"
    cfg["Dhcp4"]["subnet4"][0].update({
        "subnet": "10.8.0.0/20", "pools": [{"pool": "10.8.0.10 - 10.8.15.200"}],
        "option-data": [{"name": "routers", "data": "10.8.0.1"}]})
    dp = dataplane([link], cfg)
    ctl = connect(dp)
    assert dora(link, tmp_path, "03:aa", count=2)[0] == 2
    events = ctl.events(2)
    assert [e["kind"] for e in events] == ["created", "created"]
    assert [e["seq"] for e in events] == [1, 2]
    ctl.ack(1)  # only the first is consumed
    ctl.close()

    # Away: more leases are made; a returning consumer resumes where it acked.
    assert dora(link, tmp_path, "03:bb", count=2)[0] == 2
    ctl = connect(dp, resume_seq=2)
    events = ctl.events(3)
    assert [e["seq"] for e in events] == [2, 3, 4]
    assert not ctl.gaps
    status = ctl.command({"command": "status-get"})["arguments"]
    assert status["lease-events"]["last-seq"] == 4
    ctl.close()

    # Retention exceeded while away: the gap is reported, then events resume.
    assert dora(link, tmp_path, "03:cc", count=1400, seconds=120)[0] >= 1400 - 5
    time.sleep(0.5)
    ctl = connect(dp, resume_seq=5)
    first = ctl.hello_ack["first"]
    assert first > 5
    events = ctl.events(10)
    assert ctl.gaps and ctl.gaps[0][0] == 5 and ctl.gaps[0][1] == first - 1
    assert events[0]["seq"] == first


def test_dataplane_serves_without_control_and_survives_link_abuse(netlinks, dataplane, tmp_path):
    import socket
    link = netlinks()
    dp = dataplane([link])
    path = dp.state / "dataplane.sock"
    ctl = connect(dp)
    # A second control process is refused; the first keeps working.
    second = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    second.connect(str(path))
    second.settimeout(5)
    assert b"another control process" in second.recv(70000)
    second.close()
    assert ctl.command({"command": "status-get"})["result"] == 0
    ctl.close()
    end = time.monotonic() + 5
    while "closed by the control process" not in dp.log() and time.monotonic() < end:
        time.sleep(0.05)
    # Garbage on the link: disconnected, still serving DHCP.
    bad = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    bad.connect(str(path))
    bad.send(b"\x00" * 40)
    bad.settimeout(5)
    try:
        assert bad.recv(100) == b""
    except ConnectionResetError:
        pass  # closed with data unread: also a disconnect
    assert dora(link, tmp_path, "04:aa")[0] == 1
    assert connect(dp).command({"command": "status-get"})["result"] == 0
    assert "protocol error" in dp.log()


LEASEQUERY = r"""
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, sendp
import sys
sendp(Ether(src="02:77:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
      IP(src="192.0.2.77", dst="192.0.2.1") / UDP(sport=67, dport=67) /
      BOOTP(op=1, chaddr=bytes.fromhex("027700000001"), ciaddr="192.0.2.150",
            giaddr="192.0.2.77") /
      DHCP(options=[("message-type", 10), "end"]), iface=sys.argv[1], verbose=False)
"""

CAPTURE = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind((sys.argv[1], 0))
s.settimeout(10)
print("ready", flush=True)
while True:
    data = s.recv(2000)
    if data[12:14] == b"\x88\xb5":
        print(data[14:30].decode(), flush=True)
        break
"""


def test_leasequery_is_punted_and_injected_frames_go_out(netlinks, dataplane):
    import subprocess
    link = netlinks()
    dp = dataplane([link])
    ctl = connect(dp)
    link.run("/usr/bin/python3", "-c", LEASEQUERY, link.peer)
    punts = ctl.wait_punts(1)
    assert len(punts) == 1, punts
    assert punts[0]["port"] == 0 and punts[0]["reason"] == 1
    frame = punts[0]["frame"]
    assert frame[12:14] == b"\x08\x00" and frame[6:12] == bytes.fromhex("027700000001")
    # The DHCP message type option (53) says LEASEQUERY.
    assert b"\x35\x01\x0a" in frame[14 + 20 + 8 + 236:]
    status = ctl.command({"command": "status-get"})["arguments"]
    assert status["punt"]["sent"] == 1

    cap = link.popen("/usr/bin/python3", "-c", CAPTURE, link.peer, stdout=subprocess.PIPE,
                     text=True)
    assert cap.stdout.readline().strip() == "ready"
    payload = b"fastlease-inject"
    ctl.inject(0, b"\xff" * 6 + bytes.fromhex(link.host_mac.replace(":", "")) + b"\x88\xb5" +
               payload + b"\0" * 30)
    assert cap.stdout.readline().strip() == payload.decode()
    cap.wait(5)
    ctl.inject(7, b"\xff" * 60)  # no such port: dropped and counted
    time.sleep(0.2)
    status = ctl.command({"command": "status-get"})["arguments"]
    assert status["punt"]["injected"] == 1 and status["punt"]["inject-dropped"] == 1
