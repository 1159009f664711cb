"""deploy/examples/isp-kea.json served end to end (issue 6): the example ISP config,
with a Dataplane section and a RocksDB lease store added, loaded by
fastlease-dataplane on a veth; a scapy script in the namespace plays the relay
agents (source address = each subnet's giaddr, the .1 the generator uses) and
runs relayed DORAs for a cable modem, a home gateway, business lines reserved by
circuit-id and classified by remote-id, a wholesale line and a MAC reservation.

Every expectation (addresses, pools, option bytes) is computed here from the
JSON and Kea 2.2's semantics, independently of fastlease's encoders, and the
replies are decoded from the raw bytes received. One dataplane and one scapy run
serve the whole module; the tests below only read the results.
"""
import copy
import ipaddress
import json
import os
import pathlib
import shutil
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import PYTHON, Control, Dataplane, NetLink, base_config, sh
from test_isp_example import CONFIG, kea_dhcp4

SERVER = "10.255.255.254"  # the dataplane's port address: the ISP's server network

# Parameter request list every client sends: what a CM/CPE asks for, plus the
# class options that Kea only sends when asked (2, 7, 15, 42, 43, 66, 67, 119, 125).
PRL = [1, 2, 3, 6, 7, 12, 15, 28, 42, 43, 66, 67, 119, 125]

DHCP4 = json.loads(CONFIG.read_text())["Dhcp4"]


# ------------------------------------------------------------ the config, read


def all_subnets():
    """(subnet, shared network or None) for every subnet, in file order."""
    for net in DHCP4["shared-networks"]:
        for s in net["subnet4"]:
            yield s, net
    for s in DHCP4["subnet4"]:
        yield s, None


def client_class(name):
    return next(c for c in DHCP4["client-classes"] if c["name"] == name)


def option_data(options, name, space="dhcp4"):
    return next(o["data"] for o in options
                if o["name"] == name and o.get("space", "dhcp4") == space)


def pool_range(pool):
    lo, hi = (ipaddress.IPv4Address(a.strip()) for a in pool["pool"].split("-"))
    return lo, hi


def in_pool(addr, pool):
    lo, hi = pool_range(pool)
    return lo <= ipaddress.IPv4Address(addr) <= hi


def subnet_of(addr):
    for s, net in all_subnets():
        if ipaddress.IPv4Address(addr) in ipaddress.IPv4Network(s["subnet"]):
            return s, net
    raise AssertionError("%s is in no subnet of the config" % addr)


# ------------------------------------------------------------ Kea's encodings

def ipv4_list(text):
    return b"".join(ipaddress.IPv4Address(a.strip()).packed for a in text.split(","))


def fqdn_list(text):
    """Kea's fqdn arrays (option 119): uncompressed RFC 1035 names."""
    out = b""
    for name in text.split(","):
        for label in name.strip().rstrip(".").split("."):
            out += bytes([len(label)]) + label.encode()
        out += b"\0"
    return out


def encode(kind, text):
    if kind == "ipv4-address":
        return ipv4_list(text)
    if kind == "string":
        return text.encode()
    if kind == "uint16":
        return struct.pack("!H", int(text))
    if kind == "int32":
        return struct.pack("!i", int(text))
    if kind == "fqdn":
        return fqdn_list(text)
    raise ValueError(kind)


# Kea's standard definitions of the options this config sets (code, type).
STANDARD = {
    ("dhcp4", "routers"): (3, "ipv4-address"),
    ("dhcp4", "domain-name-servers"): (6, "ipv4-address"),
    ("dhcp4", "log-servers"): (7, "ipv4-address"),
    ("dhcp4", "time-offset"): (2, "int32"),
    ("dhcp4", "domain-name"): (15, "string"),
    ("dhcp4", "ntp-servers"): (42, "ipv4-address"),
    ("dhcp4", "domain-search"): (119, "fqdn"),
    ("dhcp4", "tftp-server-name"): (66, "string"),
    ("dhcp4", "boot-file-name"): (67, "string"),
    ("vendor-4491", "tftp-servers"): (2, "ipv4-address"),
}


def definition(name, space):
    for d in DHCP4["option-def"]:
        if d["name"] == name and d["space"] == space:
            return d["code"], d["type"]
    return STANDARD[(space, name)]


def suboptions(options, space):
    """code/len/data of the options of `space` in `options`, by code (Kea packs
    sub-options from a map keyed by code)."""
    subs = []
    for o in options:
        if o.get("space") == space:
            code, kind = definition(o["name"], space)
            data = encode(kind, o["data"])
            subs.append((code, bytes([code, len(data)]) + data))
    return b"".join(tlv for _, tlv in sorted(subs))


def expected_option_125(cls):
    opts = client_class(cls)["option-data"]
    enterprise = int(option_data(opts, "vivso-suboptions"))
    data = suboptions(opts, "vendor-%d" % enterprise)
    return struct.pack("!IB", enterprise, len(data)) + data


def expected_option_43(cls):
    return suboptions(client_class(cls)["option-data"], "vendor-encapsulated-options-space")


def standard(options, name):
    code, kind = STANDARD[("dhcp4", name)]
    return encode(kind, option_data(options, name))


# ------------------------------------------------------------ the clients


def relay_agent_info(circuit=None, remote=None):
    out = b""
    if circuit is not None:
        out += bytes([1, len(circuit)]) + circuit
    if remote is not None:
        out += bytes([2, len(remote)]) + remote
    return out


def first(pred):
    return next((s, net) for s, net in all_subnets() if pred(s, net))


def pick_clients():
    """The clients and the subnets they are relayed from, found in the JSON."""
    cmts = DHCP4["shared-networks"][0]
    cm_subnet = next(s for s in cmts["subnet4"] if s["pools"][0].get("client-class") == "DOCSIS_CM")
    # The cable modem comes in through a giaddr of a CPE subnet of the shared network
    # and the gateway through the cable modems' one: each must move to its pool.
    cpe_giaddr = cm_subnet["option-data"][0]["data"]
    cm_giaddr = next(a for a in cmts["relay"]["ip-addresses"] if a != cpe_giaddr)
    biz, _ = first(lambda s, n: any("circuit-id" in r for r in s.get("reservations", [])))
    biz_giaddr = biz["relay"]["ip-addresses"][0]
    reserved = [r for r in biz["reservations"] if "circuit-id" in r]
    acme, _ = first(lambda s, n: any(p.get("client-class") == "WHOLESALE_ACME"
                                     for p in s.get("pools", [])))
    hw, _ = first(lambda s, n: any("hw-address" in r for r in s.get("reservations", [])))
    hw_res = next(r for r in hw["reservations"] if "hw-address" in r)
    circuit = lambda r: bytes.fromhex(r["circuit-id"].replace(":", ""))
    vivso_req = struct.pack("!IB", 4491, 3) + bytes([1, 1, 2])  # CL_V4_ORO asks for tftp-servers
    return {
        "cm": dict(giaddr=cm_giaddr, mac="00:01:5c:11:22:33",
                   opts={60: b"docsis3.1:053D010102", 125: vivso_req},
                   agent=relay_agent_info(b"cmts01:Cable1/0/0:up0", b"\x00\x01\x5c\x11\x22\x33")),
        "cpe": dict(giaddr=cpe_giaddr, mac="48:8f:5a:00:00:01",
                    opts={60: b"isp-cpe HG-2000 fw 4.1"},
                    agent=relay_agent_info(b"cmts01:Cable1/0/1:up2")),
        # A business line on a reserved port: any MAC, BIZ remote-id as the OLT sends it.
        "biz_reserved": dict(giaddr=biz_giaddr, mac="9c:28:f7:aa:bb:01",
                             agent=relay_agent_info(circuit(reserved[0]), b"BIZ-CUST-000001"),
                             reserved=reserved[0]),
        # Another reserved port, without a remote-id: the reservation alone decides.
        "biz_reserved_plain": dict(giaddr=biz_giaddr, mac="9c:28:f7:aa:bb:04",
                                   agent=relay_agent_info(circuit(reserved[-1])),
                                   reserved=reserved[-1]),
        # An unreserved business port: the BUSINESS pool, by remote-id.
        "biz_pool": dict(giaddr=biz_giaddr, mac="9c:28:f7:aa:bb:77",
                         agent=relay_agent_info(b"olt1-pon0/7/7:177", b"BIZ-CUST-000077")),
        # A residential line on the business OLT: no pool admits it.
        "biz_denied": dict(giaddr=biz_giaddr, mac="9c:28:f7:aa:bb:78",
                           agent=relay_agent_info(b"olt1-pon0/7/8:178", b"RES-000078"),
                           timeout=2),
        "acme": dict(giaddr=acme["relay"]["ip-addresses"][0], mac="02:ac:3e:00:00:01",
                     agent=relay_agent_info(b"bng7:ge-0/0/1.100", b"WHOLESALE-ACME")),
        "hw_reserved": dict(giaddr=hw["relay"]["ip-addresses"][0], mac=hw_res["hw-address"],
                            agent=relay_agent_info(b"bng1:ge-0/0/9.9"), reserved=hw_res),
    }


# The relay: one scapy process runs every client's DORA through the veth and
# prints the raw replies as hex, one JSON object.
RELAY_SCRIPT = r"""
import json, sys
from scapy.all import Ether, IP, UDP, BOOTP, conf, get_if_hwaddr, srp1
conf.verb = 0
conf.checkIPaddr = False
iface, host_mac, server, spec = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
me = get_if_hwaddr(iface)

def options(d):
    out = b""
    for code, data in d:
        while True:   # RFC 3396: long options split
            out += bytes([code, min(len(data), 255)]) + data[:255]
            data = data[255:]
            if not data:
                break
    return out + b"\xff"

def parse(raw):
    ihl = (raw[14] & 15) * 4
    p = raw[14 + ihl + 8:]
    opts, i = {}, 240
    while i < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1; continue
        c, n = p[i], p[i + 1]
        opts[c] = opts.get(c, b"") + p[i + 2:i + 2 + n]   # RFC 3396: concatenate
        i += 2 + n
    ip = lambda b: ".".join(map(str, b))
    return {"ip_src": ip(raw[26:30]), "ip_dst": ip(raw[30:34]), "op": p[0],
            "xid": int.from_bytes(p[4:8], "big"), "yiaddr": ip(p[16:20]),
            "siaddr": ip(p[20:24]), "giaddr": ip(p[24:28]), "chaddr": p[28:34].hex(),
            "file": p[108:236].rstrip(b"\0").decode("latin-1"),
            "options": {str(c): v.hex() for c, v in opts.items()}}

def exchange(c, xid, msg_type, extra):
    o = [(53, bytes([msg_type]))] + extra + [(55, bytes(c["prl"]))]
    o += [(int(k), bytes.fromhex(v)) for k, v in c["opts"].items()]
    o += [(82, bytes.fromhex(c["agent"]))]
    payload = options(o)
    frame = (Ether(src=me, dst=host_mac) / IP(src=c["giaddr"], dst=server) /
             UDP(sport=67, dport=67) /
             BOOTP(op=1, hops=1, xid=xid, giaddr=c["giaddr"],
                   chaddr=bytes.fromhex(c["mac"].replace(":", "")) + bytes(10),
                   options=b"\x63\x82\x53\x63" + payload.ljust(60, b"\0")))
    ans = srp1(frame, iface=iface, timeout=c.get("timeout", 5), retry=1)
    return None if ans is None else parse(bytes(ans.original))

out = {}
for n, (name, c) in enumerate(sorted(spec.items())):
    xid = 0x15900000 + n * 16
    offer = exchange(c, xid, 1, [])
    ack = None
    if offer is not None and offer["options"].get("53") == "02":
        ack = exchange(c, xid + 1, 3, [(50, bytes(map(int, offer["yiaddr"].split(".")))),
                                        (54, bytes.fromhex(offer["options"]["54"]))])
    out[name] = {"offer": offer, "ack": ack}
print(json.dumps(out))
"""


def served_config(link):
    """isp-kea.json as fastlease runs it here: its lease store and control socket
    (relative paths) under the test's state directory, and the Dataplane section
    for the veth."""
    cfg = {"Dhcp4": copy.deepcopy(DHCP4)}
    cfg["Dhcp4"]["lease-database"] = {"type": "rocksdb", "name": "leases.rocksdb",
                                      "durability": "fsync"}
    cfg["Dhcp4"]["control-socket"]["socket-name"] = "control.sock"
    dp = base_config([link])["Dataplane"]
    dp["ports"][0]["address"] = SERVER + "/16"
    cfg["Dataplane"] = dp
    return cfg


def run_clients(link, clients):
    """Gives the link's namespace every giaddr and runs RELAY_SCRIPT there for
    `clients`; returns its results by client name."""
    for giaddr in sorted({c["giaddr"] for c in clients.values()}):
        link.run("ip", "addr", "add", giaddr + "/24", "dev", link.peer)
    spec = {name: {"giaddr": c["giaddr"], "mac": c["mac"], "prl": PRL,
                   "opts": {str(k): v.hex() for k, v in c.get("opts", {}).items()},
                   "agent": c["agent"].hex(), **({"timeout": c["timeout"]}
                                                 if "timeout" in c else {})}
            for name, c in clients.items()}
    r = link.run(PYTHON, "-c", RELAY_SCRIPT, link.peer, link.host_mac, SERVER,
                 json.dumps(spec), timeout=120)
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def served():
    """Starts the dataplane on the ISP config, runs every client, then starts
    fastlease-control beside it; returns (results by client name, the clients,
    the dataplane, the control process)."""
    link = NetLink()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="fastlease-isp-"))
    dp = control = None
    try:
        dp = Dataplane(workdir, served_config(link)).start()
        clients = pick_clients()
        results = run_clients(link, clients)
        control = Control(dp).start()
        yield results, clients, dp, control
    finally:
        if control is not None and control.proc is not None and control.proc.poll() is None:
            control.proc.kill()
            control.proc.wait()
        if dp is not None and dp.proc is not None and dp.proc.poll() is None:
            dp.proc.kill()
            dp.proc.wait()
        link.close()
        shutil.rmtree(workdir, ignore_errors=True)


def opts(reply):
    return {int(c): bytes.fromhex(v) for c, v in reply["options"].items()}


def acked(served, name):
    """The client's OFFER and ACK, both checked for the basics of a relayed reply."""
    results, clients, dp, _ = served
    c, r = clients[name], results[name]
    assert r["offer"] is not None, "%s: no OFFER\n%s" % (name, dp.log()[-3000:])
    assert opts(r["offer"])[53] == b"\x02", (name, r["offer"])
    assert r["ack"] is not None, "%s: no reply to the REQUEST" % name
    o = opts(r["ack"])
    assert o[53] == b"\x05", "%s: REQUEST answered with type %s, not ACK" % (name, o[53])
    for reply in (r["offer"], r["ack"]):
        assert reply["ip_dst"] == c["giaddr"] and reply["giaddr"] == c["giaddr"]
        assert reply["ip_src"] == SERVER and opts(reply)[54] == ipv4_list(SERVER)
        assert reply["chaddr"] == c["mac"].replace(":", "")
        assert opts(reply)[82] == c["agent"], "option 82 echoed unchanged"
    assert r["ack"]["yiaddr"] == r["offer"]["yiaddr"]
    return r["ack"], o


def lease_times(o):
    return struct.unpack("!I", o[51])[0], struct.unpack("!I", o[58])[0], struct.unpack("!I", o[59])[0]


def check_times(o, valid):
    assert lease_times(o) == (valid, int(valid * DHCP4["t1-percent"]),
                              int(valid * DHCP4["t2-percent"]))


def check_subnet_options(o, addr):
    """Router and mask of the subnet the address is in (not the giaddr's)."""
    s, _ = subnet_of(addr)
    net = ipaddress.IPv4Network(s["subnet"])
    assert o[1] == net.netmask.packed
    assert o[3] == standard(s["option-data"], "routers")


# ------------------------------------------------------------ the tests


def test_cable_modem_gets_the_docsis_pool_and_option_125(served):
    ack, o = acked(served, "cm")
    addr = ack["yiaddr"]
    s, net = subnet_of(addr)
    assert net is DHCP4["shared-networks"][0], "%s is outside the CMTS's shared network" % addr
    assert any(p.get("client-class") == "DOCSIS_CM" and in_pool(addr, p) for p in s["pools"]), (
        "the cable modem relayed via %s got %s, not an address of the DOCSIS_CM pool"
        % (served[1]["cm"]["giaddr"], addr))
    check_subnet_options(o, addr)
    cm = client_class("DOCSIS_CM")
    assert o[125] == expected_option_125("DOCSIS_CM"), (
        "option 125: got %s, want %s" % (o.get(125, b"").hex(), expected_option_125("DOCSIS_CM").hex()))
    assert o[7] == standard(cm["option-data"], "log-servers")
    assert o[2] == standard(cm["option-data"], "time-offset")
    assert ack["siaddr"] == cm["next-server"] and ack["file"] == cm["boot-file-name"]
    assert o[42] == standard(net["option-data"], "ntp-servers")  # shared-network level
    assert o[6] == standard(DHCP4["option-data"], "domain-name-servers")  # global
    assert 43 not in o, "a cable modem is no CPE_GATEWAY"
    check_times(o, cm["valid-lifetime"])  # the class's lifetime beats the shared network's


def test_home_gateway_gets_a_customer_pool_and_option_43(served):
    ack, o = acked(served, "cpe")
    addr = ack["yiaddr"]
    s, net = subnet_of(addr)
    assert net is DHCP4["shared-networks"][0]
    assert any(p.get("client-class") == "CUSTOMER" and in_pool(addr, p) for p in s["pools"]), (
        "the gateway relayed via the cable modems' giaddr got %s, not a CUSTOMER address" % addr)
    check_subnet_options(o, addr)
    assert o.get(43) == expected_option_43("CPE_GATEWAY"), (
        "option 43: got %s, want %s" % (o.get(43, b"").hex(), expected_option_43("CPE_GATEWAY").hex()))
    # The TR-069 sub-options spelled out, in case the JSON reading above is wrong too.
    acs = b"https://acs.isp.example.net:7547/cwmp"
    assert o[43] == (bytes([1, len(acs)]) + acs + b"\x02\x0bRESIDENTIAL" + b"\x03\x02\x00\x1e"
                     + b"\x04\x02\x07\xd0")
    assert 125 not in o and ack["file"] == "" and ack["siaddr"] == "0.0.0.0"
    assert o[42] == standard(net["option-data"], "ntp-servers")
    check_times(o, net["valid-lifetime"])


@pytest.mark.parametrize("name", ["biz_reserved", "biz_reserved_plain"])
def test_business_line_gets_the_address_reserved_for_its_circuit_id(served, name):
    ack, o = acked(served, name)
    res = served[1][name]["reserved"]
    assert ack["yiaddr"] == res["ip-address"], (
        "circuit-id %s reserves %s; the server gave %s" % (res["circuit-id"], res["ip-address"],
                                                           ack["yiaddr"]))
    assert o[12] == res["hostname"].encode()
    s, _ = subnet_of(res["ip-address"])
    check_subnet_options(o, ack["yiaddr"])
    check_times(o, s["valid-lifetime"])
    # The reserved address is out of the pool, so (as in Kea, which evaluates a pool's
    # require-client-classes only for an address in that pool) neither BUSINESS_OPTIONS
    # nor the pool's domain-search apply: the global domain name does.
    assert not any(in_pool(res["ip-address"], p) for p in s["pools"])
    assert o[15] == standard(DHCP4["option-data"], "domain-name")
    assert 119 not in o


def test_business_pool_by_remote_id_gets_the_required_class_options(served):
    ack, o = acked(served, "biz_pool")
    addr = ack["yiaddr"]
    s, _ = subnet_of(addr)
    pool = next(p for p in s["pools"] if p.get("client-class") == "BUSINESS")
    assert in_pool(addr, pool), "BIZ- remote-id got %s, outside the BUSINESS pool" % addr
    assert pool["require-client-classes"] == ["BUSINESS_OPTIONS"]
    required = client_class("BUSINESS_OPTIONS")["option-data"]
    assert o[15] == standard(required, "domain-name"), o.get(15)
    assert o[42] == standard(required, "ntp-servers")
    assert o[119] == fqdn_list(option_data(pool["option-data"], "domain-search"))
    assert o[119] == b"\x03biz\x03isp\x07example\x03net\x00\x03isp\x07example\x03net\x00"
    check_subnet_options(o, addr)
    check_times(o, s["valid-lifetime"])


def test_business_olt_serves_no_one_without_a_business_remote_id(served):
    results = served[0]
    assert results["biz_denied"]["offer"] is None, (
        "a residential remote-id was offered %s on a business-only subnet"
        % results["biz_denied"]["offer"]["yiaddr"])


def test_wholesale_line_by_remote_id_gets_the_partners_dns(served):
    ack, o = acked(served, "acme")
    addr = ack["yiaddr"]
    s, net = subnet_of(addr)
    assert net is None and s["relay"]["ip-addresses"] == [served[1]["acme"]["giaddr"]]
    assert any(in_pool(addr, p) for p in s["pools"])
    assert o[6] == standard(client_class("WHOLESALE_ACME")["option-data"], "domain-name-servers")
    assert o[15] == standard(DHCP4["option-data"], "domain-name")
    check_subnet_options(o, addr)
    check_times(o, DHCP4["valid-lifetime"])


def test_mac_reservation_in_a_residential_subnet(served):
    ack, o = acked(served, "hw_reserved")
    res = served[1]["hw_reserved"]["reserved"]
    assert ack["yiaddr"] == res["ip-address"] and o[12] == res["hostname"].encode()
    check_subnet_options(o, ack["yiaddr"])


def test_every_ack_is_a_lease_in_the_store(served):
    results, clients, dp, control = served
    acks = {name: r["ack"] for name, r in results.items() if r["ack"] is not None}
    assert set(acks) == set(clients) - {"biz_denied"}
    for name, ack in acks.items():
        lease = control.json("lease4-get", ack["yiaddr"])["arguments"]
        s, _ = subnet_of(ack["yiaddr"])
        valid = struct.unpack("!I", opts(ack)[51])[0]
        assert (lease["hw-address"], lease["subnet-id"], lease["valid-lft"], lease["state"]) == (
            clients[name]["mac"], s["id"], valid, 0), (name, lease)
    totals = dp.stats()["totals"]
    assert totals["dhcp_replies"] == 2 * len(acks), totals
    # The only DHCP drops: the denied business DISCOVER and its retransmission.
    dhcp_drops = {k: v for k, v in totals.items() if k.startswith("dhcp4_drop_") and v}
    assert dhcp_drops == {"dhcp4_drop_pool_exhausted": 2}, json.dumps(totals)
    assert totals["pkt4-ack-sent"] == len(acks), json.dumps(totals)



def test_kea_itself_answers_these_clients_the_same(served):
    """The same clients against kea-dhcp4 on the same config (UDP sockets on the
    root end of a second veth, routed to the relays): every reply carries the same
    address, fixed fields and option bytes (the order of options aside)."""
    kea = kea_dhcp4()
    if kea is None:
        pytest.skip("kea-dhcp4 is not installed (Debian: apt-get install kea-dhcp4-server)")
    results, clients = served[0], served[1]
    link = NetLink()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="fastlease-isp-kea-"))
    proc = None
    try:
        sh("ip", "addr", "add", SERVER + "/16", "dev", link.host)
        sh("ip", "route", "add", "10.16.0.0/12", "dev", link.host)
        cfg = {"Dhcp4": copy.deepcopy(DHCP4)}
        cfg["Dhcp4"]["interfaces-config"] = {"interfaces": [link.host], "dhcp-socket-type": "udp"}
        cfg["Dhcp4"]["lease-database"]["name"] = str(workdir / "leases4.csv")
        cfg["Dhcp4"]["control-socket"]["socket-name"] = str(workdir / "kea4.sock")
        cfg["Dhcp4"]["loggers"][0]["output_options"] = [{"output": str(workdir / "kea.log")}]
        (workdir / "kea.json").write_text(json.dumps(cfg))
        env = dict(os.environ, KEA_LOCKFILE_DIR=str(workdir), KEA_PIDFILE_DIR=str(workdir))
        log = workdir / "kea.log"
        with open(workdir / "kea.out", "w") as out:
            proc = subprocess.Popen([kea, "-c", str(workdir / "kea.json")], env=env,
                                    stdout=out, stderr=subprocess.STDOUT)
        end = time.monotonic() + 30
        while not (log.exists() and "DHCP4_STARTED" in log.read_text()):
            assert proc.poll() is None and time.monotonic() < end, (
                "kea-dhcp4 did not start:\n" + (workdir / "kea.out").read_text()[-3000:])
            time.sleep(0.1)
        theirs = run_clients(link, clients)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        link.close()
        shutil.rmtree(workdir, ignore_errors=True)
    fields = ("yiaddr", "siaddr", "file")
    for name in sorted(clients):
        for step in ("offer", "ack"):
            ours, kea_r = results[name][step], theirs[name][step]
            assert (ours is None) == (kea_r is None), (name, step, ours, kea_r)
            if ours is None:
                continue
            assert {f: ours[f] for f in fields} == {f: kea_r[f] for f in fields}, (name, step)
            assert opts(ours) == opts(kea_r), (
                "%s %s: fastlease %s, Kea %s" % (name, step, ours["options"], kea_r["options"]))
