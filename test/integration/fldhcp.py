#!/usr/bin/python3
"""A small, fast DHCPv4 client on a raw AF_PACKET socket, for integration tests.

Independent of fastlease's own codec: frames are built and parsed here with
struct. Runs inside a test namespace (`ip netns exec NS /usr/bin/python3 fldhcp.py ...`).

Commands (one JSON object per line on stdout):
  dora --iface IF --count N --mac-prefix AA:BB --out FILE [--seconds S]
      DORA for N clients (MACs prefix:xx:xx:xx:xx), appending "mac ip" to FILE
      as soon as each ACK arrives (flushed), until N done or S seconds pass.
  verify --iface IF --in FILE
      INIT-REBOOT REQUEST for every "mac ip" line; prints {"mac","ip","result"}
      with result ack/nak/silent/ack-other.
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
BROADCAST_MAC = b"\xff" * 6


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip2b(ip: str) -> bytes:
    return socket.inet_aton(ip)


def mac2b(mac: str) -> bytes:
    return bytes(int(x, 16) for x in mac.split(":"))


def dhcp_payload(msg_type, mac, xid, options=(), ciaddr="0.0.0.0", giaddr="0.0.0.0",
                 broadcast=True, hlen=6):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, hlen, 0, xid, 0,
                      0x8000 if broadcast else 0, ip2b(ciaddr), b"\0" * 4, b"\0" * 4,
                      ip2b(giaddr), mac.ljust(16, b"\0"), b"", b"")
    opts = bytes([53, 1, msg_type])
    for code, data in options:
        opts += bytes([code, len(data)]) + data
    opts += bytes([255])
    payload = hdr + struct.pack("!I", 0x63825363) + opts
    return payload.ljust(300, b"\0")


def udp_ip_frame(payload, src_mac, dst_mac=BROADCAST_MAC, src_ip="0.0.0.0",
                 dst_ip="255.255.255.255", sport=68, dport=67, vlans=()):
    udp_len = 8 + len(payload)
    pseudo = ip2b(src_ip) + ip2b(dst_ip) + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    csum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                      ip2b(src_ip), ip2b(dst_ip))
    iph = iph[:10] + struct.pack("!H", checksum(iph)) + iph[12:]
    eth = dst_mac + src_mac
    for tpid, vid in vlans:
        eth += struct.pack("!HH", tpid, vid)
    return eth + struct.pack("!H", 0x0800) + iph + udp


def parse_frame(frame):
    """Returns a dict for a DHCP reply frame, else None."""
    if len(frame) < 14:
        return None
    dst, src = frame[0:6], frame[6:12]
    off, vlans = 12, []
    etype = struct.unpack("!H", frame[off:off + 2])[0]
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 6:
        vlans.append((etype, struct.unpack("!H", frame[off + 2:off + 4])[0] & 0x0FFF))
        off += 4
        etype = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    if etype != 0x0800 or len(frame) < off + 28:
        return None
    ihl = (frame[off] & 0x0F) * 4
    if frame[off + 9] != 17:
        return None
    ip_src = socket.inet_ntoa(frame[off + 12:off + 16])
    ip_dst = socket.inet_ntoa(frame[off + 16:off + 20])
    u = off + ihl
    sport, dport = struct.unpack("!HH", frame[u:u + 4])
    p = frame[u + 8:]
    if len(p) < 240 or p[0] != 2 or p[236:240] != b"\x63\x82\x53\x63":
        return None
    opts, i = {}, 240
    while i < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1
            continue
        if i + 1 >= len(p):
            break
        code, ln = p[i], p[i + 1]
        opts[code] = opts.get(code, b"") + p[i + 2:i + 2 + ln]
        i += 2 + ln
    return {
        "dst_mac": dst, "src_mac": src, "vlans": vlans, "ip_src": ip_src, "ip_dst": ip_dst,
        "sport": sport, "dport": dport, "xid": struct.unpack("!I", p[4:8])[0],
        "flags": struct.unpack("!H", p[10:12])[0],
        "yiaddr": socket.inet_ntoa(p[16:20]), "giaddr": socket.inet_ntoa(p[24:28]),
        "chaddr": p[28:34], "type": opts.get(53, b"\0")[0], "options": opts,
    }


class Client:
    def __init__(self, iface):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((iface, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)

    def send(self, frame):
        self.sock.send(frame)

    def wait(self, xid, types, timeout):
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            frame, addr = self.sock.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            rep = parse_frame(frame)
            if rep and rep["xid"] == xid and rep["type"] in types:
                return rep

    def exchange(self, payload, mac, xid, types, timeout=1.0, tries=3, **frame_kw):
        for _ in range(tries):
            self.send(udp_ip_frame(payload, mac, **frame_kw))
            rep = self.wait(xid, types, timeout)
            if rep:
                return rep
        return None

    def dora(self, mac, timeout=1.0):
        xid = random.getrandbits(32)
        offer = self.exchange(dhcp_payload(1, mac, xid), mac, xid, (2,), timeout)
        if not offer:
            return None
        sid = offer["options"].get(54, b"")
        req = dhcp_payload(3, mac, xid, [(54, sid), (50, ip2b(offer["yiaddr"]))])
        ack = self.exchange(req, mac, xid, (5, 6), timeout)
        if ack and ack["type"] == 5:
            return ack["yiaddr"]
        return None

    def init_reboot(self, mac, ip, timeout=1.0):
        xid = random.getrandbits(32)
        rep = self.exchange(dhcp_payload(3, mac, xid, [(50, ip2b(ip))]), mac, xid, (5, 6),
                            timeout)
        if rep is None:
            return "silent"
        if rep["type"] == 6:
            return "nak"
        return "ack" if rep["yiaddr"] == ip else "ack-other"


def fmt_mac(b):
    return ":".join("%02x" % x for x in b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["dora", "verify"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--mac-prefix", default="02:01")
    ap.add_argument("--out")
    ap.add_argument("--in", dest="inp")
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    c = Client(a.iface)
    if a.cmd == "dora":
        prefix = mac2b(a.mac_prefix)
        out = open(a.out, "a")
        end = time.monotonic() + a.seconds
        ok = 0
        for i in range(a.count):
            if time.monotonic() > end:
                break
            mac = prefix + struct.pack("!I", i)
            ip = c.dora(mac, timeout=0.5)
            if ip:
                out.write("%s %s\n" % (fmt_mac(mac), ip))
                out.flush()
                ok += 1
        print(json.dumps({"acked": ok}))
    else:
        for line in open(a.inp):
            mac, ip = line.split()
            print(json.dumps({"mac": mac, "ip": ip,
                              "result": c.init_reboot(mac2b(mac), ip, timeout=0.5)}))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
