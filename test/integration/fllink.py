"""A minimal client of the dataplane link (control/link/link_protocol.h),
written independently of the C++ code, for integration tests of the dataplane
side of the link without fastlease-control.

    link = DataplaneLink(path, resume_seq=1)
    answer = link.command({"command": "lease4-get", "arguments": {...}})
    events = link.events(min_count=3, timeout=5)   # [(seq, kind, lease dict), ...]
"""
import json
import socket
import struct
import time

MAGIC = 0x314B4C46
HELLO, HELLO_ACK, COMMAND, ANSWER, LEASE_EVENTS, EVENT_ACK, EVENT_GAP, PUNT, INJECT = range(1, 10)
KINDS = {1: "created", 2: "renewed", 3: "updated", 4: "released", 5: "expired", 6: "declined",
         7: "removed"}
STATES = {0: "free", 1: "offered", 2: "bound", 3: "expired", 4: "released", 5: "declined"}


def frame(messages):
    out = struct.pack("<IHH", MAGIC, 1, len(messages))
    for mtype, mid, payload in messages:
        out += struct.pack("<HHIQ", mtype, 0, len(payload), mid) + payload
        out += b"\0" * ((8 - len(payload) % 8) % 8)
    return out


def parse_frame(data):
    magic, version, count = struct.unpack_from("<IHH", data, 0)
    assert magic == MAGIC and version == 1, (magic, version)
    pos, out = 8, []
    for _ in range(count):
        mtype, flags, length, mid = struct.unpack_from("<HHIQ", data, pos)
        pos += 16
        out.append((mtype, flags, mid, data[pos:pos + length]))
        pos += (length + 7) & ~7
    assert pos == len(data)
    return out


def parse_event(b):
    seq, t, kind, prev = struct.unpack_from("<QIBB", b, 0)
    key = b[14:26]
    addr = socket.inet_ntoa(key[:4])
    v = b[26:]
    state, hlen = v[1], v[4]
    subnet, expire, valid = struct.unpack_from("<III", v, 6)
    hw = ":".join("%02x" % x for x in v[18:18 + hlen])
    return {"seq": seq, "time": t, "kind": KINDS[kind], "prev": STATES[prev], "ip": addr,
            "state": STATES[state], "hw": hw, "subnet": subnet, "expire": expire, "valid": valid}


class DataplaneLink:
    def __init__(self, path, resume_seq=1, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout)
        self.sock.connect(str(path))
        self.next_id = 1
        self.pending_events = []
        self.gaps = []
        self.answers = {}
        self.partial = {}
        self.punts = []
        self.sock.send(frame([(HELLO, 0, struct.pack("<HHIQ", 1, 0, 0, resume_seq))]))
        self.hello_ack = None
        while self.hello_ack is None:
            self._read_one()

    def close(self):
        self.sock.close()

    def _read_one(self):
        data = self.sock.recv(70000)
        if not data:
            raise ConnectionError("dataplane closed the link")
        for mtype, flags, mid, payload in parse_frame(data):
            key = (mtype, mid)
            if flags & 1:
                self.partial[key] = self.partial.get(key, b"") + payload
                continue
            payload = self.partial.pop(key, b"") + payload
            if mtype == HELLO_ACK:
                _, _, pid, first, last, _started = struct.unpack("<HHIQQQ", payload)
                self.hello_ack = {"pid": pid, "first": first, "last": last}
            elif mtype == ANSWER:
                self.answers[mid] = json.loads(payload)
            elif mtype == EVENT_GAP:
                self.gaps.append(struct.unpack("<QQ", payload))
            elif mtype == PUNT:
                port, reason, lcore = struct.unpack_from("<HHI", payload, 0)
                self.punts.append({"port": port, "reason": reason, "lcore": lcore,
                                   "frame": payload[8:]})
            elif mtype == LEASE_EVENTS:
                pos = 0
                while pos < len(payload):
                    (n,) = struct.unpack_from("<H", payload, pos)
                    self.pending_events.append(parse_event(payload[pos + 2:pos + 2 + n]))
                    pos += 2 + n

    def command(self, request, timeout=15):
        mid = self.next_id
        self.next_id += 1
        self.sock.send(frame([(COMMAND, mid, json.dumps(request).encode())]))
        end = time.monotonic() + timeout
        while mid not in self.answers:
            if time.monotonic() > end:
                raise TimeoutError("no answer to %r" % request)
            self._read_one()
        return self.answers.pop(mid)

    def inject(self, port, frame_bytes):
        self.sock.send(frame([(INJECT, 0, struct.pack("<HHI", port, 0, 0) + frame_bytes)]))

    def wait_punts(self, count, timeout=10):
        end = time.monotonic() + timeout
        while len(self.punts) < count and time.monotonic() < end:
            try:
                self._read_one()
            except socket.timeout:
                break
        return self.punts

    def ack(self, seq):
        self.sock.send(frame([(EVENT_ACK, 0, struct.pack("<Q", seq))]))

    def events(self, min_count, timeout=10):
        end = time.monotonic() + timeout
        while len(self.pending_events) < min_count and time.monotonic() < end:
            try:
                self._read_one()
            except socket.timeout:
                break
        out, self.pending_events = self.pending_events, []
        return out
