"""DHCPv6 end to end: real clients (dhclient -6, perfdhcp -6) and a scapy relay in a
namespace against the dataplane on a veth. The dataplane answers NDP itself; the
host side of the veth has IPv6 disabled (conftest), so only fastlease speaks."""
import pathlib
import shutil
import time

import pytest

from conftest import PYTHON, base_config

PD_PREFIX = "2001:db8:8000::"


def v6_config(links, **dhcp6):
    cfg = base_config(links)
    cfg["Dataplane"]["ports"][0]["address6"] = "2001:db8:1::1/64"
    cfg["Dhcp6"] = {
        "preferred-lifetime": 40,
        "valid-lifetime": 60,
        "renew-timer": 3,
        "rebind-timer": 50,
        "subnet6": [{
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "interface": links[0].host,
            "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
            "pd-pools": [{"prefix": PD_PREFIX, "prefix-len": 48, "delegated-len": 56}],
            "option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"},
                            {"name": "domain-search", "data": "isp.example"}],
        }, {
            "id": 2,
            "subnet": "2001:db8:2::/64",
            "interface-id": "port-7",
            "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}],
            "pd-pools": [{"prefix": "2001:db8:9000::", "prefix-len": 48, "delegated-len": 60}],
        }],
    }
    cfg["Dhcp6"].update(dhcp6)
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


SCRIPT6 = """#!/bin/sh
echo "$reason $new_ip6_address $new_ip6_prefix $new_dhcp6_name_servers $new_dhcp6_domain_search" >> {events}
exit 0
"""


def ipv6_ready(link):
    """The client side needs its link-local address (no DAD wait)."""
    link.run("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % link.peer, check=False)
    link.run("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=0" % link.peer, check=False)
    link.run("ip", "link", "set", link.peer, "down")
    link.run("ip", "link", "set", link.peer, "up")
    wait_for(lambda: "fe80::" in link.run("ip", "-6", "addr", "show", "dev", link.peer).stdout
             and "tentative" not in link.run("ip", "-6", "addr", "show", "dev", link.peer).stdout,
             15, "a link-local address")


def start_dhclient6(link, tmp_path, tag="a"):
    ev = tmp_path / ("events-" + tag)
    script = tmp_path / ("script-" + tag + ".sh")
    script.write_text(SCRIPT6.format(events=ev))
    script.chmod(0o755)
    common = ["-6", "-N", "-P", "-sf", script, "-lf", tmp_path / ("lease6-" + tag),
              "-pf", tmp_path / ("pid6-" + tag)]
    link.popen("dhclient", "-d", "-v", *common, link.peer,
               stdout=open(tmp_path / ("dhclient6-%s.log" % tag), "w"),
               stderr=open(tmp_path / ("dhclient6-%s.err" % tag), "w"))
    return ev, common


@pytest.mark.skipif(shutil.which("dhclient") is None, reason="dhclient not installed")
def test_dhclient6_gets_address_and_prefix_renews_and_releases(netlinks, dataplane, tmp_path):
    link = netlinks()
    ipv6_ready(link)
    dp = dataplane([link], config=v6_config([link]))
    ev, common = start_dhclient6(link, tmp_path)
    # dhclient runs its script once per IA: the address, then the prefix.
    bound = wait_for(lambda: [e for e in events(ev) if e.startswith("BOUND6")][:2]
                     if len([e for e in events(ev) if e.startswith("BOUND6")]) >= 2 else None,
                     40, "BOUND6 for the address and the prefix")
    address = next(e.split()[1] for e in bound if "/" not in e.split()[1])
    prefix = next(f for e in bound for f in e.split() if f.endswith("/56"))
    assert address.startswith("2001:db8:1::1"), bound        # from 2001:db8:1::100-1ff
    assert prefix.startswith("2001:db8:80"), bound           # a /56 of 2001:db8:8000::/48
    assert "2001:db8:1::53" in bound[0] and "isp.example" in bound[0], bound
    assert dp.counter("pkt6-solicit-received") >= 1
    assert dp.counter("pkt6-advertise-sent") >= 1
    # The client's NS for our link-local address (it unicasts nothing, but the
    # kernel resolves us for the reply path) and the Renew at T1 = 3 s.
    renew = wait_for(lambda: [e for e in events(ev) if e.startswith("RENEW6")], 30, "RENEW6")
    assert address in " ".join(renew) or prefix in " ".join(renew), renew
    assert dp.counter("pkt6-renew-received") >= 1
    link.run("dhclient", "-r", *common, link.peer, timeout=30)
    wait_for(lambda: dp.counter("pkt6-release-received", wait=0.5) >= 1, 10, "a Release")
    # A second client gets a different address and prefix: the first ones are
    # free again but the pool hands out the lowest free slot per shard cursor,
    # so only check it is served.
    ev2, _ = start_dhclient6(link, tmp_path, "b")
    wait_for(lambda: [e for e in events(ev2) if e.startswith("BOUND6")], 40, "second BOUND6")


@pytest.mark.skipif(shutil.which("dhclient") is None, reason="dhclient not installed")
def test_dhcp6_lease_and_server_duid_survive_kill9(netlinks, dataplane, tmp_path):
    link = netlinks()
    ipv6_ready(link)
    dp = dataplane([link], config=v6_config([link], **{"renew-timer": 4}))
    ev, _ = start_dhclient6(link, tmp_path)
    bound = wait_for(lambda: [e for e in events(ev) if e.startswith("BOUND6")], 40, "BOUND6")
    address = next(e.split()[1] for e in bound if "/" not in e.split()[1])
    duid_file = pathlib.Path(dp.dir) / "state" / "server-duid"
    duid = duid_file.read_text().strip()
    dp.kill9()
    dp.start()
    assert duid_file.read_text().strip() == duid
    # The Renew names the old server's DUID: it is answered only if the DUID
    # survived, and with the same address only if the lease did.
    renew = wait_for(lambda: [e for e in events(ev) if e.startswith("RENEW6")], 30, "RENEW6")
    assert any(address in e for e in renew), renew


DHCPCD6_CONF = """ipv6only
noipv6rs
option dhcp6_name_servers, dhcp6_domain_search
interface {iface}
  ia_na 1
  ia_pd 2 {downstream}/0/64
"""

DHCPCD6_SCRIPT = """#!/bin/sh
echo "$reason $interface addr=$new_dhcp6_ia_na1_ia_addr1 \\
pd=$new_dhcp6_ia_pd1_prefix1/$new_dhcp6_ia_pd1_prefix1_length \\
dns=$new_dhcp6_name_servers search=$new_dhcp6_domain_search" >> {events}
exit 0
"""

# dhcpcd's run and state directories are compiled in. Every dhcpcd command runs
# in the mount namespace `ip netns exec` gives it, with the test's directories
# bound over /run/dhcpcd (pid file, control socket) and /var/lib/dhcpcd (DUID,
# lease): the host's dhcpcd state is never read or written.
PRIVATE_DHCPCD = ('mkdir -p /run/dhcpcd /var/lib/dhcpcd && mount --bind "$1" /run/dhcpcd && '
                  'mount --bind "$2" /var/lib/dhcpcd && shift 2 && exec dhcpcd "$@"')


class Dhcpcd6:
    """dhcpcd -6 on link.peer asking for IA_NA 1 and IA_PD 2, the prefix delegated
    to a veth `<peer>d` in the same namespace. start() runs the daemon (-B, killed
    by the netlinks fixture if the test fails); ctl() sends it a command (-U, -N, -k)."""

    def __init__(self, link, tmp_path):
        self.link = link
        self.downstream = link.peer + "d"
        self.run_dir, self.db_dir = tmp_path / "dhcpcd-run", tmp_path / "dhcpcd-db"
        self.run_dir.mkdir()
        self.db_dir.mkdir()
        self.events_path = tmp_path / "dhcpcd6-events"
        self.log_path = tmp_path / "dhcpcd6.err"
        self.conf = tmp_path / "dhcpcd6.conf"
        self.conf.write_text(DHCPCD6_CONF.format(iface=link.peer, downstream=self.downstream))
        self.script = tmp_path / "dhcpcd6.sh"
        self.script.write_text(DHCPCD6_SCRIPT.format(events=self.events_path))
        self.script.chmod(0o755)
        link.run("ip", "link", "add", self.downstream, "type", "veth", "peer", "name",
                 link.peer + "e")
        link.run("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % self.downstream)
        link.run("ip", "link", "set", self.downstream, "up")
        link.run("ip", "link", "set", link.peer + "e", "up")

    def _argv(self, *args):
        return ["sh", "-c", PRIVATE_DHCPCD, "sh", self.run_dir, self.db_dir,
                "-f", self.conf, "-6", *args, self.link.peer]

    def start(self):
        self.link.popen(*self._argv("-c", self.script, "-B", "-d", "-t", "40"),
                        stdout=open(self.log_path.with_suffix(".log"), "w"),
                        stderr=open(self.log_path, "w"))

    def ctl(self, *args, timeout=30):
        return self.link.run(*self._argv(*args), timeout=timeout)

    def lease(self):
        """`dhcpcd -U`: the lease's variables, dhcp6_ia_na1_ia_addr1=... as a dict."""
        out = self.ctl("-U").stdout
        return dict(l.split("=", 1) for l in out.splitlines() if "=" in l)

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait(self, reason, timeout, iface=None):
        """The first hook call for `reason` (see events), or fails with dhcpcd's log."""
        try:
            return wait_for(lambda: self.events(reason, iface), timeout, reason)[0]
        except AssertionError as e:
            raise AssertionError("%s\n%s" % (e, self.log())) from None

    def events(self, reason, iface=None):
        """The hook script's calls for `reason` on `iface` (default the peer), each
        a dict of addr, pd, dns, search."""
        out = []
        for line in events(self.events_path):
            words = line.split()
            if words[:2] == [reason, iface or self.link.peer]:
                out.append(dict(w.split("=", 1) for w in words[2:]))
        return out


SOLICIT_PROBE = r"""
import sys, time
from scapy.all import *
conf.verb = 0
iface, mac = sys.argv[1], sys.argv[2]
sol = DHCP6_Solicit(trid=0x6a6b6c) / DHCP6OptClientId(duid=DUID_LL(lladdr=mac)) \
    / DHCP6OptIA_NA(iaid=1) / DHCP6OptIA_PD(iaid=2) / DHCP6OptElapsedTime()
lladdr = next(a for a, scope, name in in6_getifaddr()
              if name == iface and scope == IPV6_ADDR_LINKLOCAL)
pkt = Ether(dst="33:33:00:01:00:02") / IPv6(src=lladdr, dst="ff02::1:2") \
    / UDP(sport=546, dport=547) / sol
sniffer = AsyncSniffer(iface=iface, count=1, timeout=8,
                       lfilter=lambda p: DHCP6_Advertise in p and
                       p[DHCP6_Advertise].trid == 0x6a6b6c)
sniffer.start()
time.sleep(0.5)
sendp(pkt, iface=iface)
sniffer.join()
if not sniffer.results:
    print("NO-REPLY"); sys.exit(0)
adv = sniffer.results[0][DHCP6_Advertise]
for kind, show in ((DHCP6OptIAAddress, lambda o: "ADDR %s" % o.addr),
                   (DHCP6OptIAPrefix, lambda o: "PREFIX %s/%d" % (o.prefix, o.plen)),
                   (DHCP6OptStatusCode, lambda o: "STATUS %d" % o.statuscode)):
    n = 1
    while adv.getlayer(kind, nb=n) is not None:
        print(show(adv.getlayer(kind, nb=n)))
        n += 1
"""


def solicit_probe(link, tmp_path, mac="02:00:00:00:bb:01"):
    """What the server advertises to another client (DUID-LL `mac`) on the link:
    lines "ADDR a", "PREFIX p/len", "STATUS code"."""
    script = tmp_path / "solicit-probe.py"
    script.write_text(SOLICIT_PROBE)
    return link.run(PYTHON, script, link.peer, mac, timeout=60).stdout.splitlines()


@pytest.mark.skipif(shutil.which("dhcpcd") is None, reason="dhcpcd not installed")
def test_dhcpcd6_gets_address_and_prefix_renews_and_releases(netlinks, dataplane, tmp_path):
    pytest.importorskip("scapy")
    link = netlinks()
    ipv6_ready(link)
    # One address and one /56: whether the store holds or has freed them shows
    # in what a second client is offered. T1 beyond the test: a Renew is dhcpcd -N's.
    cfg = v6_config([link], **{"preferred-lifetime": 200, "valid-lifetime": 300,
                               "renew-timer": 100, "rebind-timer": 150})
    subnet = cfg["Dhcp6"]["subnet6"][0]
    subnet["pools"] = [{"pool": "2001:db8:1::100 - 2001:db8:1::100"}]
    subnet["pd-pools"] = [{"prefix": PD_PREFIX, "prefix-len": 56, "delegated-len": 56}]
    dp = dataplane([link], config=cfg)
    client = Dhcpcd6(link, tmp_path)
    client.start()

    bound = client.wait("BOUND6", 40)
    assert bound == {"addr": "2001:db8:1::100", "pd": "2001:db8:8000::/56",
                     "dns": "2001:db8:1::53", "search": "isp.example"}, bound
    lease = client.lease()
    assert lease["dhcp6_ia_na1_iaid"] == "00000001", lease
    assert lease["dhcp6_ia_na1_ia_addr1"] == "2001:db8:1::100", lease
    assert (lease["dhcp6_ia_na1_t1"], lease["dhcp6_ia_na1_t2"]) == ("100", "150"), lease
    assert (lease["dhcp6_ia_na1_ia_addr1_pltime"],
            lease["dhcp6_ia_na1_ia_addr1_vltime"]) == ("200", "300"), lease
    assert lease["dhcp6_ia_pd1_iaid"] == "00000002", lease
    assert lease["dhcp6_ia_pd1_prefix1"] == "2001:db8:8000::", lease
    assert lease["dhcp6_ia_pd1_prefix1_length"] == "56", lease
    # The client's DUID is the one in its private state directory; the server's
    # is the one fastlease keeps in its state directory.
    duid = (client.db_dir / "duid").read_text().strip().replace(":", "")
    assert lease["dhcp6_client_id"] == duid, lease
    assert lease["dhcp6_server_id"] == (dp.state / "server-duid").read_text().strip(), lease
    # dhcpcd configured the address on the link and ::1 of the prefix's first /64
    # downstream.
    assert "2001:db8:1::100/128" in link.run("ip", "-6", "addr", "show", "dev", link.peer).stdout
    client.wait("DELEGATED6", 15, client.downstream)
    assert "2001:db8:8000::1/64" in link.run("ip", "-6", "addr", "show", "dev",
                                             client.downstream).stdout
    assert dp.counter("pkt6-solicit-received") >= 1
    assert dp.counter("pkt6-request-received") >= 1
    assert dp.counter("pkt6-renew-received") == 0
    # The server holds both for dhcpcd: another client is offered neither, with
    # NoAddrsAvail and NoPrefixAvail.
    offer = solicit_probe(link, tmp_path)
    assert "STATUS 2" in offer and "STATUS 6" in offer, offer
    assert not [l for l in offer if l.startswith(("ADDR", "PREFIX"))], offer

    # -N: renew now (dhcpcd signals the daemon through the pid file in run_dir).
    client.ctl("-N")
    renewed = client.wait("RENEW6", 20)
    assert renewed["addr"] == bound["addr"] and renewed["pd"] == bound["pd"], renewed
    assert dp.counter("pkt6-renew-received") >= 1

    # -k: release both and exit; dhcpcd removes what it configured.
    client.ctl("-k")
    assert "broadcasting RELEASE6" in client.log(), client.log()
    assert client.events("RELEASE6"), client.log()
    wait_for(lambda: dp.counter("pkt6-release-received", wait=0.5) >= 1, 10, "a Release")
    assert "2001:db8:1::100" not in link.run("ip", "-6", "addr", "show", "dev", link.peer).stdout
    assert "2001:db8:8000::1" not in link.run("ip", "-6", "addr", "show", "dev",
                                              client.downstream).stdout
    # The server freed both: the other client is now offered them.
    offer = solicit_probe(link, tmp_path)
    assert "ADDR 2001:db8:1::100" in offer and "PREFIX 2001:db8:8000::/56" in offer, offer


RELAY_SCRIPT = r"""
import sys, time
from scapy.all import *
conf.verb = 0
iface, dst_mac = sys.argv[1], sys.argv[2]
sol = DHCP6_Solicit(trid=0x123456) / DHCP6OptClientId(duid=DUID_LL(lladdr="02:00:00:00:aa:01")) \
    / DHCP6OptIA_NA(iaid=1) / DHCP6OptIA_PD(iaid=2) / DHCP6OptElapsedTime()
fwd = DHCP6_RelayForward(hopcount=0, linkaddr="::", peeraddr="fe80::1") \
    / DHCP6OptIfaceId(ifaceid=b"port-7") / DHCP6OptRelayMsg(message=sol)
pkt = Ether(dst=dst_mac) / IPv6(src="2001:db8:1::77", dst="2001:db8:1::1") \
    / UDP(sport=547, dport=547) / fwd
sniffer = AsyncSniffer(iface=iface, count=1, timeout=8,
                       lfilter=lambda p: UDP in p and p[UDP].dport == 547 and
                       DHCP6_RelayReply in p)
sniffer.start()
time.sleep(0.5)
sendp(pkt, iface=iface)
sniffer.join()
ans = sniffer.results[0] if sniffer.results else None
if ans is None:
    print("NO-REPLY"); sys.exit(0)
rep = ans[DHCP6_RelayReply]
print("IFACE-ID", rep[DHCP6OptIfaceId].ifaceid.decode())
inner = rep[DHCP6OptRelayMsg].message
print("TYPE", inner.msgtype, "TRID", hex(inner.trid))
print("ADDR", inner[DHCP6OptIAAddress].addr)
print("PREFIX", inner[DHCP6OptIAPrefix].prefix, inner[DHCP6OptIAPrefix].plen)
"""


def test_relayed_solicit_gets_relay_reply_with_interface_id(netlinks, dataplane, tmp_path):
    pytest.importorskip("scapy")
    link = netlinks()
    ipv6_ready(link)
    dataplane([link], config=v6_config([link]))
    link.run("ip", "-6", "addr", "add", "2001:db8:1::77/64", "dev", link.peer, "nodad")
    script = tmp_path / "relay.py"
    script.write_text(RELAY_SCRIPT)
    out = link.run(PYTHON, script, link.peer, link.host_mac, timeout=60).stdout
    assert "IFACE-ID port-7" in out, out
    assert "TYPE 2 TRID 0x123456" in out, out              # an Advertise inside
    assert "ADDR 2001:db8:2::1" in out, out                 # subnet 2 chosen by interface-id
    assert "PREFIX 2001:db8:9000:" in out and out.strip().endswith("60"), out


@pytest.mark.skipif(shutil.which("perfdhcp") is None, reason="perfdhcp not installed")
def test_perfdhcp6_completes_sarr_exchanges(netlinks, dataplane, tmp_path):
    link = netlinks()
    ipv6_ready(link)
    cfg = v6_config([link])
    subnet = cfg["Dhcp6"]["subnet6"][0]
    subnet["pools"] = [{"pool": "2001:db8:1::1:0/112"}]                  # 65,536 addresses
    subnet["pd-pools"][0]["delegated-len"] = 64                          # 65,536 prefixes
    dp = dataplane([link], config=cfg)
    r = link.run("perfdhcp", "-6", "-l", link.peer, "-r", "200", "-n", "1000", "-R", "1000",
                 "-e", "address-and-prefix", timeout=90, check=False)
    out = r.stdout + r.stderr
    def stat(section, name):
        block = out.split("Statistics for: " + section)[1]
        return int(next(l for l in block.splitlines() if l.strip().startswith(name)).split(":")[1])
    # Every Solicit answered but perhaps the last one (perfdhcp stops waiting at -n),
    # every Request answered, no lease refused.
    assert stat("SOLICIT-ADVERTISE", "sent packets") == 1000, out
    assert stat("SOLICIT-ADVERTISE", "received packets") >= 995, out
    assert stat("SOLICIT-ADVERTISE", "rejected leases") == 0, out
    assert stat("REQUEST-REPLY", "received packets") == stat("REQUEST-REPLY", "sent packets"), out
    assert stat("REQUEST-REPLY", "rejected leases") == 0, out
    assert dp.counter("pkt6-reply-sent") >= stat("REQUEST-REPLY", "sent packets"), out
