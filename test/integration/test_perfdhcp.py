"""perfdhcp (Kea's load generator) completes DORA exchanges with the dataplane.

perfdhcp in DHCPv4 mode always acts as a relay: giaddr is its interface's
address (192.0.2.2 here) and it sends from port 67. The relay address selects
subnet 198.18.0.0/16, big enough for every simulated client. At a modest rate
nothing may be lost: every DISCOVER gets an OFFER and every REQUEST an ACK.
perf/side_by_side.sh drives the same path at full rate.
"""
import re
import shutil

import pytest

from conftest import base_config

RATE = 500
SECONDS = 5
CLIENTS = 2000


def perfdhcp_counts(text):
    """{"DISCOVER-OFFER": {"sent packets": n, "received packets": n, "drops": n, ...},
    "REQUEST-ACK": {...}} from perfdhcp's report."""
    counts = {}
    for name, body in re.findall(r"\*\*\*Statistics for: (\S+)\*\*\*\n(.*?)(?=\*\*\*|\Z)",
                                 text, re.S):
        nums = {k: int(v) for k, v in re.findall(r"^(sent packets|received packets|drops|"
                                                r"rejected leases|non unique addresses): "
                                                r"(\d+)$", body, re.M)}
        counts[name] = nums
    return counts


def test_perfdhcp_dora_without_drops(netlinks, dataplane):
    perfdhcp = shutil.which("perfdhcp")
    if perfdhcp is None:
        pytest.skip("perfdhcp not installed (deploy/install-deps.sh installs kea-admin)")
    link = netlinks()
    link.run("ip", "addr", "add", "192.0.2.2/24", "dev", link.peer)
    cfg = base_config([link])
    cfg["Dhcp4"]["subnet4"].append({
        "id": 2,
        "subnet": "198.18.0.0/16",
        "relay": {"ip-addresses": ["192.0.2.2"]},
        "pools": [{"pool": "198.18.0.10 - 198.18.255.250"}],
    })
    dp = dataplane([link], config=cfg)

    # -W: after the last request, wait up to 1 s for replies still in flight (it
    # also stretches the time perfdhcp's "Rate:" divides by, so the rate is not checked).
    out = link.run(perfdhcp, "-4", "-l", link.peer, "-r", RATE, "-R", CLIENTS, "-p", SECONDS,
                   "-W", 1000000, "192.0.2.1", check=False, timeout=SECONDS + 60)
    text = out.stdout + out.stderr
    counts = perfdhcp_counts(text)
    assert set(counts) == {"DISCOVER-OFFER", "REQUEST-ACK"}, text
    do, ra = counts["DISCOVER-OFFER"], counts["REQUEST-ACK"]
    # perfdhcp exits 3 when anything was dropped, 0 on complete success.
    assert out.returncode == 0, text
    assert do["sent packets"] >= RATE * SECONDS * 0.9, text
    assert do["received packets"] == do["sent packets"] and do["drops"] == 0, text
    assert ra["sent packets"] == do["sent packets"], text
    assert ra["received packets"] == ra["sent packets"] and ra["drops"] == 0, text
    assert ra["rejected leases"] == 0 and ra["non unique addresses"] == 0, text

    stats = dp.stats()
    totals = stats["totals"]
    # Nothing dropped on the DHCP path. The namespace's own IPv6 chatter
    # (multicast, not for our MAC or not IPv4) is dropped at the wire stage.
    chatter = {"wire_wrong_dst_mac", "wire_not_ipv4_arp"}
    dropped = {k: v for k, v in totals.items()
               if v and (k.startswith(("drop_", "dhcp4_drop_", "wire_")) or
                         (k.startswith("dhcp4_parse_") and k != "dhcp4_parse_ok"))
               and k not in chatter}
    assert not dropped, str(dropped)
    assert totals["dhcp_received"] == do["sent packets"] + ra["sent packets"], str(totals)
    assert totals["pkt4-discover-received"] == do["sent packets"], stats
    assert totals["pkt4-offer-sent"] == do["received packets"], stats
    assert totals["pkt4-ack-sent"] == ra["received packets"], stats
    assert dp.stop() == 0, dp.log()
