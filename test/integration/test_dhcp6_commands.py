"""DHCPv6 lease commands and statistics through fastlease-control's command socket,
in Kea's shapes: lease6-get/-get-all/-get-page/-get-by-duid on a real client's
address and prefix, lease6-add/-update/-del/-wipe (answered once durable, and
still there after kill -9), and statistic-get-all with "service": ["dhcp6"]."""
import json
import shutil
import urllib.request

import pytest

from test_control import free_port, request
from test_dhcp6 import events, ipv6_ready, start_dhclient6, v6_config, wait_for


def cmd(c, command, service=None, **arguments):
    payload = {"command": command, "arguments": arguments}
    if service:
        payload["service"] = service
    return request(c.socket, json.dumps(payload).encode())


def stats6(c):
    answer = cmd(c, "statistic-get-all", service=["dhcp6"])
    assert answer["result"] == 0, answer
    return {name: samples[0][0] for name, samples in answer["arguments"].items()}


def wait_stat(c, name, value, timeout=10):
    """Gauges follow the persister's commits: wait for `name` to reach `value`."""
    return wait_for(lambda: stats6(c).get(name) == value or None, timeout,
                    "%s == %r (now %r)" % (name, value, stats6(c).get(name)))


@pytest.mark.skipif(shutil.which("dhclient") is None, reason="dhclient not installed")
def test_lease6_reads_and_v6_statistics_of_a_real_client(netlinks, dataplane, control, tmp_path):
    link = netlinks()
    ipv6_ready(link)
    cfg = v6_config([link], **{"renew-timer": 1000, "rebind-timer": 1500,
                                "valid-lifetime": 2000, "preferred-lifetime": 1800})
    port = free_port()
    cfg["Control"] = {"prometheus": {"enabled": True, "port": port}}
    dp = dataplane([link], config=cfg)
    c = control(dp)
    ev, _ = start_dhclient6(link, tmp_path)
    bound = wait_for(lambda: [e for e in events(ev) if e.startswith("BOUND6")]
                     if len([e for e in events(ev) if e.startswith("BOUND6")]) >= 2 else None,
                     40, "BOUND6 for the address and the prefix")
    address = next(e.split()[1] for e in bound if "/" not in e.split()[1])
    prefix = next(f for e in bound for f in e.split() if f.endswith("/56")).split("/")[0]

    na = cmd(c, "lease6-get", **{"ip-address": address})
    assert na["result"] == 0 and na["text"] == "IPv6 lease found.", na
    lease = na["arguments"]
    assert lease["type"] == "IA_NA" and lease["prefix-len"] == 128 and lease["subnet-id"] == 1
    assert lease["valid-lft"] == 2000 and lease["preferred-lft"] == 1800 and lease["state"] == 0
    duid = lease["duid"]
    # The address is not a delegated prefix: asking for IA_PD there finds nothing.
    assert cmd(c, "lease6-get", **{"ip-address": address, "type": "IA_PD"})["result"] == 3
    pd = cmd(c, "lease6-get", **{"ip-address": prefix, "type": "IA_PD"})
    assert pd["result"] == 0 and pd["arguments"]["prefix-len"] == 56, pd
    assert pd["arguments"]["duid"] == duid
    by_id = cmd(c, "lease6-get", **{"identifier-type": "duid", "identifier": duid,
                                    "iaid": lease["iaid"], "subnet-id": 1})
    assert by_id["result"] == 0 and by_id["arguments"]["ip-address"] == address, by_id

    mine = cmd(c, "lease6-get-by-duid", duid=duid)
    assert mine["result"] == 0
    assert sorted(l["type"] for l in mine["arguments"]["leases"]) == ["IA_NA", "IA_PD"]
    assert cmd(c, "lease6-get-by-duid", duid="00:03:00:01:02:00:00:00:00:99")["result"] == 3
    every = cmd(c, "lease6-get-all")
    assert len(every["arguments"]["leases"]) == 2, every
    assert cmd(c, "lease6-get-all", subnets=[2])["result"] == 3
    first = cmd(c, "lease6-get-page", **{"from": "start", "limit": 1})
    assert first["arguments"]["count"] == 1, first
    after = first["arguments"]["leases"][0]["ip-address"]
    second = cmd(c, "lease6-get-page", **{"from": after, "limit": 10})
    assert second["arguments"]["count"] == 1 and second["arguments"]["leases"][0]["ip-address"] != after
    assert {after, second["arguments"]["leases"][0]["ip-address"]} == {address, prefix}

    st = wait_stat(c, "subnet[1].assigned-pds", 1) and stats6(c)
    assert st["subnet[1].assigned-nas"] == 1
    assert st["subnet[1].total-nas"] == 256          # 2001:db8:1::100 - ::1ff
    assert st["subnet[1].total-pds"] == 256          # /56s of a /48
    assert st["subnet[1].cumulative-assigned-nas"] == 1
    assert st["subnet[1].cumulative-assigned-pds"] == 1
    assert st["subnet[2].assigned-nas"] == 0
    assert st["pkt6-solicit-received"] >= 1 and st["pkt6-request-received"] >= 1
    assert st["pkt6-advertise-sent"] >= 1 and st["pkt6-reply-sent"] >= 1
    assert st["pkt6-received"] >= 2 and st["pkt6-sent"] >= 2
    # Prometheus exports the v6 set beside the v4 one.
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        metrics = r.read().decode()
    assert 'fastlease_dhcp6_subnet_assigned_nas{subnet_id="1"} 1\n' in metrics, metrics
    assert 'fastlease_dhcp6_subnet_assigned_pds{subnet_id="1"} 1\n' in metrics
    assert "# TYPE fastlease_dhcp6_subnet_assigned_pds gauge" in metrics
    assert "fastlease_pkt4_received " in metrics
    # Without "service", the DHCPv4 set, as before.
    v4 = cmd(c, "statistic-get-all")["arguments"]
    assert "pkt4-received" in v4 and "pkt6-received" not in v4
    assert cmd(c, "statistic-get", service=["dhcp6"], name="subnet[1].assigned-nas")[
        "arguments"]["subnet[1].assigned-nas"][0][0] == 1
    # statistic-reset leaves gauges, zeroes counters (v6 baselines only).
    assert cmd(c, "statistic-reset-all", service=["dhcp6"])["result"] == 0
    after_reset = stats6(c)
    assert after_reset["pkt6-solicit-received"] == 0 and after_reset["subnet[1].assigned-nas"] == 1
    assert cmd(c, "statistic-get-all")["arguments"]["pkt4-received"][0][0] == v4["pkt4-received"][0][0]
    bad = cmd(c, "statistic-get-all", service=["dhcp5"])
    assert bad["result"] == 1 and "service" in bad["text"], bad
    # Malformed arguments get a clear error, and the server goes on.
    bad = cmd(c, "lease6-get", **{"ip-address": "192.0.2.1"})
    assert bad["result"] == 1 and "IPv6" in bad["text"], bad
    bad = cmd(c, "lease6-get", **{"ip-address": address, "type": "IA_XX"})
    assert bad["result"] == 1 and "type" in bad["text"], bad


def test_lease6_writes_are_durable_and_keep_the_pools_right(netlinks, dataplane, control):
    link = netlinks()
    dp = dataplane([link], config=v6_config([link]))
    c = control(dp)
    assert "address6 2001:db8:1::1/64," in dp.log()  # the port's start-up line names it
    duid_a = "00:03:00:01:02:aa:00:00:00:01"
    duid_b = "00:03:00:01:02:bb:00:00:00:02"

    # Subnet 2 found from the address; the answer comes once the lease is durable.
    add = cmd(c, "lease6-add", **{"ip-address": "2001:db8:2::150", "duid": duid_a, "iaid": 7,
                                  "valid-lft": 5000, "preferred-lft": 4000})
    assert add["result"] == 0, add
    assert add["text"] == "Lease for address 2001:db8:2::150, subnet-id 2 added."
    got = cmd(c, "lease6-get", **{"ip-address": "2001:db8:2::150"})["arguments"]
    assert (got["duid"], got["iaid"], got["subnet-id"], got["valid-lft"], got["preferred-lft"]) == \
        (duid_a, 7, 2, 5000, 4000)
    again = cmd(c, "lease6-add", **{"ip-address": "2001:db8:2::150", "duid": duid_b, "iaid": 1})
    assert again["result"] == 1 and "already exists" in again["text"], again
    # A delegated prefix of subnet 2's pd-pool (/48 cut into /60s).
    pd = cmd(c, "lease6-add", **{"ip-address": "2001:db8:9000:10::", "prefix-len": 60,
                                 "type": "IA_PD", "duid": duid_a, "iaid": 8})
    assert pd["result"] == 0, pd
    bad = cmd(c, "lease6-add", **{"ip-address": "2001:db8:9000:11::", "prefix-len": 60,
                                  "type": "IA_PD", "duid": duid_b, "iaid": 8})
    assert bad["result"] == 1 and "bits set" in bad["text"], bad
    for bad_len in (300, 0, 64):  # 300 would wrap to 44 in a byte; 64 is no IA_NA length
        bad = cmd(c, "lease6-add", **{"ip-address": "2001:db8:2::160", "prefix-len": bad_len,
                                      "duid": duid_b, "iaid": 9})
        assert bad["result"] == 1 and "prefix-len" in bad["text"], bad
    bad = cmd(c, "lease6-add", **{"ip-address": "2001:db8:2::160", "duid": duid_b, "iaid": 9,
                                  "expire": 2 ** 32 + 5})
    assert bad["result"] == 1 and "expire" in bad["text"], bad
    outside = cmd(c, "lease6-add", **{"ip-address": "2001:db8:77::1", "duid": duid_b, "iaid": 1})
    assert outside["result"] == 1 and "no subnet holds" in outside["text"], outside
    wait_stat(c, "subnet[2].assigned-pds", 1)
    assert stats6(c)["subnet[2].assigned-nas"] == 1

    upd = cmd(c, "lease6-update", **{"ip-address": "2001:db8:2::150", "duid": duid_a, "iaid": 7,
                                     "valid-lft": 9000})
    assert upd["result"] == 0 and upd["text"] == "IPv6 lease updated.", upd
    assert cmd(c, "lease6-get", **{"ip-address": "2001:db8:2::150"})["arguments"]["valid-lft"] == 9000
    missing = cmd(c, "lease6-update", **{"ip-address": "2001:db8:2::151", "duid": duid_a, "iaid": 9})
    assert missing["result"] == 3, missing
    # Update to another client: the old lease goes, the new one takes the address.
    moved = cmd(c, "lease6-update", **{"ip-address": "2001:db8:2::150", "duid": duid_b, "iaid": 3})
    assert moved["result"] == 0, moved
    assert cmd(c, "lease6-get", **{"ip-address": "2001:db8:2::150"})["arguments"]["duid"] == duid_b

    # Survives kill -9: the answers above came after the store had them.
    dp.kill9()
    dp.start()
    got = wait_for(lambda: (r := cmd(c, "lease6-get", **{"ip-address": "2001:db8:2::150"}))
                   ["result"] == 0 and r or None, 30, "the lease after restart (control reconnects)")
    assert got["arguments"]["duid"] == duid_b and got["arguments"]["iaid"] == 3
    assert cmd(c, "lease6-get", **{"ip-address": "2001:db8:9000:10::", "type": "IA_PD"})["result"] == 0
    wait_stat(c, "subnet[2].assigned-nas", 1)

    # lease6-del frees the address: another client can have it at once.
    dele = cmd(c, "lease6-del", **{"ip-address": "2001:db8:2::150"})
    assert dele["result"] == 0 and dele["text"] == "IPv6 lease deleted.", dele
    assert cmd(c, "lease6-get", **{"ip-address": "2001:db8:2::150"})["result"] == 3
    assert cmd(c, "lease6-del", **{"ip-address": "2001:db8:2::150"})["result"] == 3
    readd = cmd(c, "lease6-add", **{"ip-address": "2001:db8:2::150", "duid": duid_a, "iaid": 7})
    assert readd["result"] == 0, readd
    by_id = cmd(c, "lease6-del", **{"identifier-type": "duid", "identifier": duid_a, "iaid": 7,
                                    "subnet-id": 2})
    assert by_id["result"] == 0, by_id
    wait_stat(c, "subnet[2].assigned-nas", 0)

    wipe = cmd(c, "lease6-wipe", **{"subnet-id": 2})
    assert wipe["result"] == 0 and wipe["text"] == "Deleted 1 IPv6 lease(s) from subnet 2.", wipe
    assert cmd(c, "lease6-get-all")["result"] == 3
    wait_stat(c, "subnet[2].assigned-pds", 0)
    assert cmd(c, "lease6-wipe", **{"subnet-id": 99})["result"] == 1


def test_lease6_commands_and_v6_statistics_through_the_cli(netlinks, dataplane, control):
    link = netlinks()
    dp = dataplane([link], config=v6_config([link]))
    c = control(dp)
    duid = "00:03:00:01:02:cc:00:00:00:07"
    c.cli("lease6-add", "2001:db8:2::170", duid, "4", "--valid-lft", "6000", check=0)
    c.cli("lease6-add", "2001:db8:9000:20::", duid, "5", "--type", "IA_PD", "--prefix-len", "60",
          check=0)
    table = c.cli("lease6-get", "2001:db8:2::170", check=0).stdout
    assert "2001:db8:2::170" in table and duid in table and "IA_NA" in table, table
    assert c.json("lease6-get", "2001:db8:9000:20::", "--type", "IA_PD")["arguments"][
        "prefix-len"] == 60
    listed = c.cli("lease6-get-by-duid", duid, check=0).stdout
    assert "2001:db8:2::170" in listed and "2001:db8:9000:20::" in listed, listed
    every = c.cli("lease6-get-all", check=0).stdout
    assert "2001:db8:2::170" in every and "2001:db8:9000:20::" in every, every
    c.cli("lease6-get", "2001:db8:2::171", check=3)          # nothing there
    c.cli("lease6-get", "10.0.0.1", check=2)                 # not IPv6: a usage error
    wait_stat(c, "subnet[2].assigned-pds", 1)
    st = c.json("statistic-get", "-6", "subnet[2].assigned-nas")["arguments"]
    assert st["subnet[2].assigned-nas"][0][0] == 1, st
    c.cli("lease6-del", "2001:db8:2::170", check=0)
    c.cli("lease6-get", "2001:db8:2::170", check=3)
    wiped = c.json("lease6-wipe", "--subnet-id", "2")
    assert wiped["text"] == "Deleted 1 IPv6 lease(s) from subnet 2.", wiped
