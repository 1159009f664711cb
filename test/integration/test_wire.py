"""The wire around DHCP, with frames crafted by scapy in the client namespaces:
relayed requests, VLAN and QinQ tags, ICMP echo, and malformed frames."""
import json
import textwrap

from conftest import PYTHON, base_config


def scapy(link, body, timeout=60):
    """Runs a scapy script in the link's namespace; it prints one JSON line."""
    # Replies to relays go to giaddr, not to the sender: match on BOOTP xid only.
    code = ("import json, sys, time\nfrom scapy.all import *\nconf.verb = 0\n"
            "conf.checkIPaddr = False\n" + textwrap.dedent(body))
    out = link.run(PYTHON, "-c", code, timeout=timeout).stdout.strip().splitlines()
    return json.loads(out[-1])


def test_relayed_discover_is_answered_to_the_relay_with_option_82(netlinks, dataplane):
    clients, relay = netlinks(), netlinks()
    cfg = base_config([clients, relay])
    cfg["Dhcp4"]["subnet4"].append({
        "id": 2, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.10 - 10.1.0.20"}],
        "option-data": [{"name": "routers", "data": "10.1.0.1"}]})
    dataplane([clients, relay], config=cfg)
    relay.run("ip", "addr", "add", "198.51.100.2/24", "dev", relay.peer)
    r = scapy(relay, f"""
        agent = bytes([1, 6]) + b'port-7' + bytes([2, 4]) + b'\\xde\\xad\\xbe\\xef'
        p = (Ether(src=get_if_hwaddr('{relay.peer}'), dst='{relay.host_mac}') /
             IP(src='198.51.100.2', dst='198.51.100.1') / UDP(sport=67, dport=67) /
             BOOTP(op=1, hops=1, xid=0x4242, giaddr='10.1.0.1', chaddr=bytes.fromhex('020000aabbcc')) /
             DHCP(options=[('message-type', 'discover'), ('relay_agent_information', agent), 'end']))
        ans = srp1(p, iface='{relay.peer}', timeout=5, retry=2)
        if ans is None:
            print(json.dumps({{'answered': False}})); sys.exit(0)
        opts = {{o[0]: o[1] for o in ans[DHCP].options if isinstance(o, tuple)}}
        print(json.dumps({{'answered': True, 'dst_mac': ans[Ether].dst, 'ip_dst': ans[IP].dst,
            'ip_src': ans[IP].src, 'dport': ans[UDP].dport, 'yiaddr': ans[BOOTP].yiaddr,
            'giaddr': ans[BOOTP].giaddr, 'type': opts.get('message-type'),
            'agent': opts.get('relay_agent_information', b'').hex(), 'sent_agent': agent.hex(),
            'my_mac': get_if_hwaddr('{relay.peer}')}}))
    """)
    assert r["answered"], "no reply to the relayed DISCOVER"
    assert r["type"] == 2  # OFFER
    assert r["ip_dst"] == "10.1.0.1" and r["dport"] == 67
    assert r["dst_mac"] == r["my_mac"], "relay reply goes to the frame's source MAC"
    assert r["giaddr"] == "10.1.0.1"
    assert r["yiaddr"].startswith("10.1.0.")
    assert 10 <= int(r["yiaddr"].split(".")[3]) <= 20
    assert r["agent"] == r["sent_agent"], "option 82 echoed unchanged"


def test_vlan_and_qinq_discovers_are_answered_with_the_same_tags(netlinks, dataplane):
    """The kernel hands the client's raw socket the outer tag as metadata, and
    scapy rebuilds it as 802.1Q whatever its TPID was, so the test compares VLAN
    IDs in order (the TPIDs themselves are checked by the wire unit tests)."""
    link = netlinks()
    dp = dataplane([link])
    r = scapy(link, f"""
        me = get_if_hwaddr('{link.peer}')
        def discover(tags, xid, mac):
            p = Ether(src=me, dst='ff:ff:ff:ff:ff:ff')
            for l in tags:
                p = p / l
            return (p / IP(src='0.0.0.0', dst='255.255.255.255') / UDP(sport=68, dport=67) /
                    BOOTP(op=1, xid=xid, flags=0x8000, chaddr=bytes.fromhex(mac)) /
                    DHCP(options=[('message-type', 'discover'), 'end']))
        def tags_of(pkt):
            out, l = [], pkt.payload
            while isinstance(l, (Dot1Q, Dot1AD)):
                out.append(l.vlan)
                l = l.payload
            return out
        res = {{}}
        for name, tags, xid, mac in [
                ('dot1q', [Dot1Q(vlan=100)], 0x100, '020000000100'),
                ('qinq', [Dot1AD(vlan=200), Dot1Q(vlan=300)], 0x200, '020000000200')]:
            sn = AsyncSniffer(iface='{link.peer}',
                              lfilter=lambda x, xid=xid: BOOTP in x and x[BOOTP].op == 2 and x[BOOTP].xid == xid)
            sn.start()
            time.sleep(0.3)
            sendp(discover(tags, xid, mac), iface='{link.peer}')
            time.sleep(1.5)
            sn.stop()
            got = sn.results or []
            res[name] = {{'tags': tags_of(got[0]), 'yiaddr': got[0][BOOTP].yiaddr}} if got else None
        print(json.dumps(res))
    """)
    assert r["dot1q"] is not None, "no reply to the 802.1Q DISCOVER"
    assert r["dot1q"]["tags"] == [100]
    assert r["qinq"] is not None, "no reply to the QinQ DISCOVER"
    assert r["qinq"]["tags"] == [200, 300]
    assert dp.counter("pkt4-offer-sent") == 2


def test_server_answers_ping(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link])
    link.run("ip", "addr", "add", "192.0.2.77/24", "dev", link.peer)
    out = link.run("ping", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.1", check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert dp.counter("icmp_replies") >= 3
    assert dp.counter("arp_replies") >= 1


def test_malformed_burst_gets_no_reply_and_the_server_still_serves(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link])
    r = scapy(link, f"""
        me = get_if_hwaddr('{link.peer}')
        server = '{link.host_mac}'
        def good(xid):
            return (Ether(src=me, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255') /
                    UDP(sport=68, dport=67) / BOOTP(op=1, xid=xid, chaddr=bytes.fromhex('0200000000ee')) /
                    DHCP(options=[('message-type', 'discover'), 'end']))
        def wrap(payload):  # consistent IP/UDP lengths and checksums around a bad payload
            return (Ether(src=me, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255') /
                    UDP(sport=68, dport=67) / Raw(payload))
        frames = []
        for i in range(40):
            g = good(0x1000 + i)
            raw_ = bytes(g)
            dhcp = bytes(g[BOOTP])
            frames.append(wrap(dhcp[:100 + i * 3]))                                   # truncated
            b = bytearray(dhcp); b[236] ^= 0xff; frames.append(wrap(bytes(b)))        # bad cookie
            b = bytearray(dhcp); b[2] = 17; frames.append(wrap(bytes(b)))             # hlen 17
            b = bytearray(dhcp[:243]); b[240] = 12; b[241] = 250; frames.append(wrap(bytes(b)))  # option past end
            b = bytearray(raw_); b[14 + 10] ^= 0x55; frames.append(Ether(bytes(b)))   # IP checksum
            b = bytearray(raw_); b[14 + 20 + 6] ^= 0x55; frames.append(Ether(bytes(b)))  # UDP checksum
            p = g.copy(); p[IP].flags = 'MF'; del p[IP].chksum; frames.append(p)      # fragment
            p = g.copy(); p[IP].options = [IPOption_NOP()] * 4; del p[IP].chksum; del p[IP].len
            frames.append(p)                                                          # IP options
            frames.append(Ether(src=me, dst='ff:ff:ff:ff:ff:ff', type=0x0800) / Raw(bytes(range(i % 40))))  # runt
            frames.append(Ether(src=me, dst='ff:ff:ff:ff:ff:ff') / Dot1Q(vlan=1) / Dot1Q(vlan=2) /
                          Dot1Q(vlan=3) / IP() / UDP(dport=67))                       # three tags
        sniffer = AsyncSniffer(iface='{link.peer}', lfilter=lambda x: x[Ether].src == server)
        sniffer.start()
        time.sleep(0.5)
        sendp(frames, iface='{link.peer}')
        time.sleep(2)
        sniffer.stop()
        replies = len(sniffer.results or [])
        ans = srp1(good(0x4444), iface='{link.peer}', timeout=5, retry=2)
        print(json.dumps({{'sent': len(frames), 'replies': replies,
                           'offer': ans is not None and ans[BOOTP].yiaddr}}))
    """, timeout=120)
    assert r["replies"] == 0, "a malformed frame was answered"
    assert r["offer"], "server stopped serving after the malformed burst"
    st = dp.stats()["totals"]
    # Fragments never reach the dataplane on net_af_packet: the PMD's fanout
    # socket has the kernel reassemble them first (PACKET_FANOUT_FLAG_DEFRAG), so
    # lone fragments die in the kernel. They must not be answered either way;
    # wire_test covers the dataplane's own fragment check.
    for name in ["wire_ip_options", "wire_bad_ip_checksum",
                 "wire_bad_udp_checksum", "dhcp4_parse_bad_cookie", "dhcp4_parse_bad_hlen",
                 "dhcp4_parse_truncated_option", "dhcp4_parse_truncated_header",
                 "wire_too_many_vlans"]:
        assert st[name] >= 40, (name, {k: v for k, v in st.items() if v})
    assert st["drops"] >= r["sent"] * 0.8
