"""Real DHCP clients (dhclient, udhcpc, dhcpcd) against the dataplane: each
obtains a lease, renews it by unicast (the server answers ARP for itself),
and releases it."""
import os
import pathlib
import signal
import tempfile
import time

import pytest

from conftest import base_config

SINGLE = "192.0.2.150"  # a one-address pool makes a release observable


def short_lease_config(links):
    cfg = base_config(links, **{"valid-lifetime": 60, "renew-timer": 3, "rebind-timer": 50})
    cfg["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "%s - %s" % (SINGLE, SINGLE)}]
    return cfg


def wait_for(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = predicate()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def events(path):
    p = pathlib.Path(path)
    return p.read_text().splitlines() if p.exists() else []


def assert_released(link):
    """Another client can now get the single address."""
    tmp = tempfile.mktemp()
    link.fldhcp("dora", "--iface", link.peer, "--count", "1", "--mac-prefix", "02:99",
                "--out", tmp)
    got = pathlib.Path(tmp).read_text().split()
    os.unlink(tmp)
    assert got and got[1] == SINGLE, "address not released: %r" % got


def assert_held(link):
    tmp = tempfile.mktemp()
    link.fldhcp("dora", "--iface", link.peer, "--count", "1", "--mac-prefix", "02:98",
                "--out", tmp)
    got = pathlib.Path(tmp).read_text() if os.path.exists(tmp) else ""
    if os.path.exists(tmp):
        os.unlink(tmp)
    assert got == "", "address handed to a second client while leased: %r" % got


SCRIPT = """#!/bin/sh
echo "$reason $new_ip_address $new_routers $new_domain_name_servers" >> {events}
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/24" dev "$interface" ;;
  RELEASE|EXPIRE|STOP|FAIL) ip addr flush dev "$interface" ;;
esac
exit 0
"""


def test_dhclient_obtains_renews_by_unicast_and_releases(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link], config=short_lease_config([link]))
    ev = tmp_path / "events"
    script = tmp_path / "script.sh"
    script.write_text(SCRIPT.format(events=ev))
    script.chmod(0o755)
    common = ["-4", "-sf", script, "-lf", tmp_path / "lease", "-pf", tmp_path / "pid"]
    link.popen("dhclient", "-d", "-v", *common, link.peer,
               stdout=open(tmp_path / "dhclient.log", "w"), stderr=open(tmp_path / "dhclient.err", "w"))
    wait_for(lambda: any(e.startswith("BOUND " + SINGLE) for e in events(ev)), 30, "BOUND")
    bound = [e for e in events(ev) if e.startswith("BOUND")][0].split()
    assert bound[2] == "192.0.2.1" and bound[3] == "192.0.2.53", bound
    assert_held(link)
    # T1 = 3 s: dhclient unicasts a REQUEST to the server, which must answer
    # ARP for its own address first.
    wait_for(lambda: any(e.startswith("RENEW " + SINGLE) for e in events(ev)), 30, "RENEW")
    assert dp.counter("arp_replies") >= 1
    link.run("dhclient", "-r", *common, link.peer, timeout=30)
    assert_released(link)


def test_udhcpc_obtains_renews_by_unicast_and_releases(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link], config=short_lease_config([link]))
    ev = tmp_path / "events"
    script = tmp_path / "udhcpc.sh"
    script.write_text("""#!/bin/sh
echo "$1 $ip $router $dns" >> {events}
case "$1" in
  bound|renew) ip addr replace "$ip/24" dev "$interface" ;;
  deconfig) ip addr flush dev "$interface" ;;
esac
exit 0
""".format(events=ev))
    script.chmod(0o755)
    p = link.popen("udhcpc", "-f", "-i", link.peer, "-s", script, "-t", "5", "-T", "1",
                   stdout=open(tmp_path / "udhcpc.log", "w"), stderr=open(tmp_path / "udhcpc.err", "w"))
    wait_for(lambda: any(e.startswith("bound " + SINGLE) for e in events(ev)), 30, "bound")
    bound = [e for e in events(ev) if e.startswith("bound")][0].split()
    assert bound[2] == "192.0.2.1" and bound[3] == "192.0.2.53", bound
    assert_held(link)
    # SIGUSR1: renew now, by unicast to the server (the kernel ARPs for it:
    # udhcpc's earlier exchanges went over a raw socket).
    os.kill(p.pid, signal.SIGUSR1)
    wait_for(lambda: any(e.startswith("renew " + SINGLE) for e in events(ev)), 30, "renew")
    assert dp.counter("arp_replies") >= 1
    # SIGUSR2: release.
    os.kill(p.pid, signal.SIGUSR2)
    wait_for(lambda: any(e.startswith("deconfig") for e in events(ev)[1:]), 15, "deconfig")
    time.sleep(0.5)
    assert_released(link)


def test_dhcpcd_obtains_renews_by_unicast_and_releases(netlinks, dataplane, tmp_path):
    link = netlinks()
    dataplane([link], config=short_lease_config([link]))
    ev = tmp_path / "events"
    script = tmp_path / "dhcpcd.sh"
    script.write_text('#!/bin/sh\necho "$reason $new_ip_address $new_routers '
                      '$new_domain_name_servers" >> %s\nexit 0\n' % ev)
    script.chmod(0o755)
    conf = tmp_path / "dhcpcd.conf"
    conf.write_text("ipv4only\nnoipv4ll\nnoarp\nnohook resolv.conf, timesyncd, ntp\n")
    args = ["dhcpcd", "-f", conf, "-c", script]
    link.popen(*args, "-B", "-4", "-t", "30", link.peer,
               stdout=open(tmp_path / "dhcpcd.log", "w"), stderr=open(tmp_path / "dhcpcd.err", "w"))
    wait_for(lambda: any(e.split()[:2] == ["BOUND", SINGLE] for e in events(ev)), 40, "BOUND")
    bound = [e for e in events(ev) if e.startswith("BOUND")][0].split()
    assert bound[2] == "192.0.2.1" and bound[3] == "192.0.2.53", bound
    assert_held(link)
    # dhcpcd renews at T1 = 3 s by unicast.
    wait_for(lambda: any(e.split()[:2] == ["RENEW", SINGLE] for e in events(ev)), 40, "RENEW")
    # -k: release the lease and stop (dhcpcd reports STOP, then STOPPED).
    link.run(*args, "-4", "-k", link.peer, timeout=30)
    wait_for(lambda: any(e.startswith("STOPPED") for e in events(ev)), 15, "STOPPED")
    assert "releasing lease of " + SINGLE in (tmp_path / "dhcpcd.err").read_text()
    assert_released(link)
