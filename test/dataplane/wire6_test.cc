// IPv6 half of the wire stage: DHCPv6 frames, NDP, ICMPv6 echo, the v6 builders.
// Fixtures marked "scapy" were generated with scapy 2.5 (Ether/IPv6/UDP/DHCP6_*,
// ICMPv6ND_NS/NA, ICMPv6EchoRequest/Reply) and are committed as bytes; everything
// else is built here with an independent RFC 1071 checksum.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "dataplane/wire.h"

namespace fastlease::dataplane {
namespace {

using Bytes = std::vector<uint8_t>;
using Ip6 = Ipv6Address;

// --- scapy fixtures ---

// 116 bytes: Ether / IPv6 / UDP fe80::5054:ff:fe12:3456:dhcpv6_client > ff02::1:2:dhcpv6_server / DHCP6_Solicit / DHCP6OptClientId / DHCP6OptIA_NA / DHCP6OptElapsedTime / DHCP6OptOptReq
const Bytes kDhclientSolicit = {
    0x33, 0x33, 0x00, 0x01, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x3e, 0x11, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54,
    0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02, 0x22, 0x02, 0x23, 0x00, 0x3e, 0x58, 0x11, 0x01, 0x5c,
    0x1d, 0x2e, 0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x2d, 0x5e, 0x1a, 0x40, 0x52, 0x54,
    0x00, 0x12, 0x34, 0x56, 0x00, 0x03, 0x00, 0x0c, 0x00, 0x12, 0x34, 0x56, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x06, 0x00, 0x06, 0x00, 0x17,
    0x00, 0x18, 0x00, 0x27,
};
// 136 bytes: Ether / Dot1Q / IPv6 / IPv6ExtHdrHopByHop / IPv6ExtHdrDestOpt / UDP dhcpv6_client > dhcpv6_server / DHCP6_Solicit / DHCP6OptClientId / DHCP6OptIA_NA / DHCP6OptElapsedTime / DHCP6OptOptReq
const Bytes kSolicitVlanChain = {
    0x33, 0x33, 0x00, 0x01, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x81, 0x00, 0x00, 0x64,
    0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x4e, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x3c, 0x00, 0x05, 0x02, 0x00, 0x00,
    0x01, 0x00, 0x11, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x02, 0x22, 0x02, 0x23, 0x00, 0x3e,
    0x58, 0x11, 0x01, 0x5c, 0x1d, 0x2e, 0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x2d, 0x5e,
    0x1a, 0x40, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x03, 0x00, 0x0c, 0x00, 0x12, 0x34, 0x56,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x06,
    0x00, 0x06, 0x00, 0x17, 0x00, 0x18, 0x00, 0x27,
};
// 86 bytes: Ether / IPv6 / ICMPv6ND_NS / ICMPv6 Neighbor Discovery Option - Source Link-Layer Address 52:54:00:12:34:56
const Bytes kNsForLinkLocal = {
    0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54,
    0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0x73, 0x22, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x01, 0x01,
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};
// 86 bytes: Ether / IPv6 / ICMPv6ND_NA / ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address 02:00:00:00:00:01
const Bytes kNaForLinkLocal = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54,
    0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x88, 0x00, 0x96, 0x61, 0x60, 0x00, 0x00, 0x00, 0xfe, 0x80,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x02, 0x01,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};
// 78 bytes: Ether / IPv6 / ICMPv6 Neighbor Discovery - Neighbor Solicitation (tgt: 2001:db8::1)
const Bytes kDadNs = {
    0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0x4c, 0xed, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01,
    0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};
// 86 bytes: Ether / IPv6 / ICMPv6ND_NA / ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address 02:00:00:00:00:01
const Bytes kDadNa = {
    0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0xf9, 0x2a, 0x20, 0x00, 0x00, 0x00, 0x20, 0x01,
    0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};
// 82 bytes: Ether / IPv6 / ICMPv6 Echo Request (id: 0xbeef seq: 0x7)
const Bytes kEchoRequest = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x0a, 0x77, 0xbe, 0xef, 0x00, 0x07, 0x00, 0x01,
    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
    0x12, 0x13,
};
// 82 bytes: Ether / IPv6 / ICMPv6 Echo Reply (id: 0xbeef seq: 0x7)
const Bytes kEchoReply = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x81, 0x00, 0x09, 0x77, 0xbe, 0xef, 0x00, 0x07, 0x00, 0x01,
    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
    0x12, 0x13,
};
// 66 bytes: Ether / IPv6 / UDP fe80::ff:fe00:1:dhcpv6_server > fe80::5054:ff:fe12:3456:dhcpv6_client / Raw
const Bytes kAdvertiseHeaders = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x54,
    0x00, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x02, 0x23, 0x02, 0x22, 0x00, 0x0c, 0x5c, 0x48, 0x02, 0x5c,
    0x1d, 0x2e,
};

// --- an independent RFC 1071 checksum: 16-bit words, one at a time ---

uint16_t RefChecksum(const Bytes& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 2) {
    uint16_t word = uint16_t(data[i] << 8);
    if (i + 1 < data.size()) word = uint16_t(word | data[i + 1]);
    sum += word;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return uint16_t(~sum & 0xffff);
}

Bytes Slice(const Bytes& b, size_t off, size_t len) {
  return Bytes(b.begin() + long(off), b.begin() + long(off + len));
}
Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
uint16_t Get16(const Bytes& b, size_t off) { return uint16_t(b[off] << 8 | b[off + 1]); }
void Put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void Set16(Bytes& b, size_t off, uint16_t v) {
  b[off] = uint8_t(v >> 8);
  b[off + 1] = uint8_t(v);
}
void Append(Bytes& b, const Ip6& a) { b.insert(b.end(), a.begin(), a.end()); }
void Append(Bytes& b, const MacAddress& m) { b.insert(b.end(), m.begin(), m.end()); }

// The checksum over the RFC 8200 8.1 pseudo-header and `l4` (checksum field zeroed
// by the caller), by the book.
uint16_t RefChecksum6(const Ip6& src, const Ip6& dst, uint8_t next, const Bytes& l4) {
  Bytes pseudo;
  Append(pseudo, src);
  Append(pseudo, dst);
  Put16(pseudo, uint16_t(l4.size() >> 16));
  Put16(pseudo, uint16_t(l4.size()));
  pseudo.insert(pseudo.end(), {0, 0, 0, next});
  return RefChecksum(Concat(pseudo, l4));
}

constexpr MacAddress kOurMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr MacAddress kClientMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
// fe80::ff:fe00:1, the link-local of kOurMac.
constexpr Ip6 kOurLinkLocal = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xff, 0xfe, 0, 0, 1};
constexpr Ip6 kOurGlobal = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
// 2001:db8:5::abcd:ef12: its own solicited-node group ff02::1:ffcd:ef12.
constexpr Ip6 kOurSecond = {0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0xef, 0x12};
constexpr Ip6 kClientLinkLocal = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                  0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56};
constexpr Ip6 kClientGlobal = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64};
constexpr Ip6 kOtherGlobal = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
// Another host whose solicited-node group is ours (same last 24 bits as kOurGlobal).
constexpr Ip6 kOtherSameGroup = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr Ip6 kUnspecified = {};

Ip6 SolicitedNode(const Ip6& a) {
  return {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, a[13], a[14], a[15]};
}
MacAddress MulticastMac(const Ip6& group) {
  return {0x33, 0x33, group[12], group[13], group[14], group[15]};
}

LocalInterface Local6() {
  LocalInterface l;
  l.mac = kOurMac;
  l.Add(0x0a000001, 24);
  l.AddIpv6(kOurGlobal, 64);
  l.AddIpv6(kOurSecond, 64);
  l.SetLinkLocalFromMac();
  return l;
}

struct Tag {
  uint16_t tpid;
  uint16_t tci;
};

Bytes Ethernet(const MacAddress& dst, const MacAddress& src, const std::vector<Tag>& tags) {
  Bytes b;
  Append(b, dst);
  Append(b, src);
  for (const Tag& t : tags) {
    Put16(b, t.tpid);
    Put16(b, t.tci);
  }
  Put16(b, 0x86dd);
  return b;
}

// An IPv6 packet: fixed header (first next header `next`) and everything after it.
Bytes Ipv6(const Ip6& src, const Ip6& dst, uint8_t next, const Bytes& rest, uint8_t hop = 64) {
  Bytes ip = {0x60, 0, 0, 0};
  Put16(ip, uint16_t(rest.size()));
  ip.push_back(next);
  ip.push_back(hop);
  Append(ip, src);
  Append(ip, dst);
  return Concat(ip, rest);
}

// Hop-by-hop or destination options header carrying `options`, padded to 8n
// bytes with Pad1/PadN.
Bytes OptionsHeader(uint8_t next, Bytes options) {
  const size_t pad = (8 - (2 + options.size()) % 8) % 8;
  if (pad == 1) options.push_back(0);
  if (pad >= 2) {
    options.push_back(1);
    options.push_back(uint8_t(pad - 2));
    options.insert(options.end(), pad - 2, 0);
  }
  Bytes h = {next, uint8_t((2 + options.size()) / 8 - 1)};
  return Concat(h, options);
}
Bytes RoutingHeader(uint8_t next, uint8_t segments_left) {
  return {next, 0, 253, segments_left, 0, 0, 0, 0};  // type 253: experimental
}
Bytes FragmentHeader(uint8_t next, uint16_t offset_flags) {
  return {next, 0, uint8_t(offset_flags >> 8), uint8_t(offset_flags), 0, 0, 0x12, 0x34};
}

enum class UdpSum { kGood, kZero, kBad };

Bytes Udp6(const Ip6& src, const Ip6& dst, uint16_t sport, uint16_t dport, const Bytes& payload,
           UdpSum sum = UdpSum::kGood) {
  Bytes u;
  Put16(u, sport);
  Put16(u, dport);
  Put16(u, uint16_t(8 + payload.size()));
  Put16(u, 0);
  u = Concat(u, payload);
  if (sum != UdpSum::kZero) {
    uint16_t c = RefChecksum6(src, dst, 17, u);
    if (c == 0) c = 0xffff;
    if (sum == UdpSum::kBad) c = uint16_t(c ^ 0x0100);
    Set16(u, 6, c);
  }
  return u;
}

Bytes Icmp6(const Ip6& src, const Ip6& dst, uint8_t type, uint8_t code, const Bytes& body,
            bool bad_sum = false) {
  Bytes m = {type, code, 0, 0};
  m = Concat(m, body);
  Set16(m, 2, uint16_t(RefChecksum6(src, dst, 58, m) ^ (bad_sum ? 0x0010 : 0)));
  return m;
}

// The DHCPv6 message of the scapy Solicit.
Bytes SolicitMessage() { return Slice(kDhclientSolicit, 62, kDhclientSolicit.size() - 62); }

struct Dhcp6Frame {
  MacAddress dst_mac = MulticastMac(kAllDhcpRelayAgentsAndServers);
  std::vector<Tag> tags;
  Ip6 src = kClientLinkLocal;
  Ip6 dst = kAllDhcpRelayAgentsAndServers;
  std::vector<std::pair<uint8_t, Bytes>> chain;  // (header type, header with any next byte)
  uint16_t dport = 547;
  UdpSum sum = UdpSum::kGood;
  Bytes payload = SolicitMessage();
};

// Builds the frame; the next-header bytes of `chain` are filled in here.
Bytes Build(const Dhcp6Frame& f) {
  Bytes rest;
  uint8_t first = 17;
  for (size_t i = f.chain.size(); i-- > 0;) {
    Bytes h = f.chain[i].second;
    h[0] = first;
    rest = Concat(h, rest);
    first = f.chain[i].first;
  }
  rest = Concat(rest, Udp6(f.src, f.dst, 546, f.dport, f.payload, f.sum));
  return Concat(Ethernet(f.dst_mac, kClientMac, f.tags), Ipv6(f.src, f.dst, first, rest, 1));
}

constexpr uint8_t kHopByHop = 0, kRouting = 43, kFragment = 44, kDestOpts = 60;

// NS for `target` from `src` to `dst`, with a source link-layer address option
// unless `slla` is false.
Bytes NsFrame(const Ip6& src, const Ip6& dst, const MacAddress& dst_mac, const Ip6& target,
              bool slla = true, const std::vector<Tag>& tags = {}, uint8_t hop = 255) {
  Bytes body = {0, 0, 0, 0};
  Append(body, target);
  if (slla) {
    body.insert(body.end(), {1, 1});
    Append(body, kClientMac);
  }
  return Concat(Ethernet(dst_mac, kClientMac, tags), Ipv6(src, dst, 58, Icmp6(src, dst, 135, 0, body), hop));
}

// The NA we expect for it, built from scratch.
Bytes ExpectedNa(const MacAddress& dst_mac, const Ip6& dst, const Ip6& target, bool solicited,
                 const std::vector<Tag>& tags = {}) {
  Bytes body = {uint8_t(solicited ? 0x60 : 0x20), 0, 0, 0};
  Append(body, target);
  body.insert(body.end(), {2, 1});
  Append(body, kOurMac);
  Bytes eth = Ethernet(dst_mac, kOurMac, tags);
  return Concat(eth, Ipv6(target, dst, 58, Icmp6(target, dst, 136, 0, body), 255));
}

Bytes EchoBody(uint16_t id, uint16_t seq, size_t n) {
  Bytes b;
  Put16(b, id);
  Put16(b, seq);
  for (size_t i = 0; i < n; ++i) b.push_back(uint8_t(i * 3));
  return b;
}

WireVerdict Parse(const Bytes& frame, FrameInfo& info, const LocalInterface& local = Local6()) {
  return ParseFrame(std::span<const uint8_t>(frame.data(), frame.size()), local, info);
}

WireDrop DropOf(const Bytes& frame) {
  FrameInfo info;
  WireVerdict v = Parse(frame, info);
  EXPECT_EQ(v.kind, FrameKind::kDrop);
  return v.drop;
}

FrameKind KindOf(const Bytes& frame) {
  FrameInfo info;
  WireVerdict v = Parse(frame, info);
  EXPECT_EQ(v.kind == FrameKind::kDrop, false) << WireDropName(v.drop);
  return v.kind;
}

Bytes ToBytes(const uint8_t* p, size_t n = 16) { return Bytes(p, p + n); }
Bytes ToBytes(const Ip6& a) { return Bytes(a.begin(), a.end()); }

// --- LocalInterface ---

TEST(Wire6Local, LinkLocalIsModifiedEui64OfTheMac) {
  LocalInterface l;
  l.mac = kClientMac;
  EXPECT_FALSE(l.has_link_local);
  EXPECT_EQ(l.FindIpv6(kClientLinkLocal.data()), -1);
  l.SetLinkLocalFromMac();
  EXPECT_EQ(l.link_local, kClientLinkLocal);  // fe80::5054:ff:fe12:3456
  EXPECT_EQ(l.FindIpv6(kClientLinkLocal.data()), LocalInterface::kLinkLocalIndex);
  l.mac = kOurMac;  // 02:... has the U/L bit set: it is cleared
  l.SetLinkLocalFromMac();
  EXPECT_EQ(l.link_local, kOurLinkLocal);
  // RFC 4291 App. A: 34-56-78-9A-BC-DE -> 3656:78ff:fe9a:bcde.
  l.mac = {0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
  l.SetLinkLocalFromMac();
  EXPECT_EQ(l.link_local,
            (Ip6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x36, 0x56, 0x78, 0xff, 0xfe, 0x9a, 0xbc, 0xde}));
}

TEST(Wire6Local, AddFindAndGroups) {
  LocalInterface l = Local6();
  EXPECT_EQ(l.address6_count, 2);
  EXPECT_EQ(l.FindIpv6(kOurGlobal.data()), 0);  // the primary
  EXPECT_EQ(l.FindIpv6(kOurSecond.data()), 1);
  EXPECT_EQ(l.FindIpv6(kOurLinkLocal.data()), LocalInterface::kLinkLocalIndex);
  EXPECT_EQ(l.FindIpv6(kOtherGlobal.data()), -1);
  EXPECT_EQ(ToBytes(l.Ipv6At(0)), ToBytes(kOurGlobal));
  EXPECT_EQ(ToBytes(l.Ipv6At(LocalInterface::kLinkLocalIndex)), ToBytes(kOurLinkLocal));
  EXPECT_EQ(l.Ipv6At(2), nullptr);
  EXPECT_EQ(l.Ipv6At(-1), nullptr);
  EXPECT_EQ(l.prefix_lens6[0], 64);

  EXPECT_TRUE(l.IsOurSolicitedNode(SolicitedNode(kOurSecond).data()));
  EXPECT_TRUE(l.IsOurSolicitedNode(SolicitedNode(kOurGlobal).data()));
  EXPECT_FALSE(l.IsOurSolicitedNode(SolicitedNode(kOtherGlobal).data()));
  EXPECT_FALSE(l.IsOurSolicitedNode(kAllNodes.data()));

  EXPECT_FALSE(l.AddIpv6(kUnspecified, 64));
  EXPECT_FALSE(l.AddIpv6(kAllNodes, 64));
  EXPECT_FALSE(l.AddIpv6(kOtherGlobal, 129));
  EXPECT_TRUE(l.AddIpv6(kOtherGlobal, 128));
  EXPECT_TRUE(l.AddIpv6(kClientGlobal, 64));
  EXPECT_FALSE(l.AddIpv6(kOtherSameGroup, 64));  // full: four
  EXPECT_EQ(l.address6_count, LocalInterface::kMaxAddresses6);
  EXPECT_EQ(l.FindIpv6(kClientGlobal.data()), 3);
}

// --- DHCPv6 ---

TEST(Wire6Dhcp, DhclientSolicitToAllRelayAgentsAndServers) {
  FrameInfo info;
  WireVerdict v = Parse(kDhclientSolicit, info);
  ASSERT_EQ(v.kind, FrameKind::kDhcp6) << WireDropName(v.drop);
  EXPECT_EQ(info.ip_version, 6);
  EXPECT_EQ(info.ip_protocol, 17);
  EXPECT_EQ(info.vlan_count, 0);
  EXPECT_EQ(info.l2_len, 14);
  EXPECT_EQ(info.l3_len, 40 + 62);
  EXPECT_EQ(info.src_mac, kClientMac);
  EXPECT_EQ(info.dst_mac, MulticastMac(kAllDhcpRelayAgentsAndServers));
  EXPECT_EQ(info.src_port, 546);
  EXPECT_EQ(info.dst_port, 547);
  EXPECT_EQ(info.tos, 0);
  EXPECT_EQ(info.src_ip, 0u);
  EXPECT_EQ(info.local_address, 0u);
  EXPECT_EQ(info.payload_offset, 62);
  EXPECT_EQ(info.payload_len, 54);
  auto payload = UdpPayload(kDhclientSolicit, info);
  EXPECT_EQ(Bytes(payload.begin(), payload.end()), SolicitMessage());
  EXPECT_EQ(payload[0], 1);  // SOLICIT
  EXPECT_EQ(ToBytes(Ipv6Src(kDhclientSolicit, info)), ToBytes(kClientLinkLocal));
  EXPECT_EQ(ToBytes(Ipv6Dst(kDhclientSolicit, info)), ToBytes(kAllDhcpRelayAgentsAndServers));
  // Our own builder makes the same bytes as scapy.
  EXPECT_EQ(Build(Dhcp6Frame{}), kDhclientSolicit);
}

TEST(Wire6Dhcp, VlanTagAndHeaderChain) {
  FrameInfo info;
  WireVerdict v = Parse(kSolicitVlanChain, info);
  ASSERT_EQ(v.kind, FrameKind::kDhcp6) << WireDropName(v.drop);
  EXPECT_EQ(info.vlan_count, 1);
  EXPECT_EQ(info.l2_len, 18);
  EXPECT_EQ(info.payload_offset, 18 + 40 + 8 + 8 + 8);
  auto payload = UdpPayload(kSolicitVlanChain, info);
  EXPECT_EQ(Bytes(payload.begin(), payload.end()), SolicitMessage());
  EXPECT_EQ(ToBytes(Ipv6Src(kSolicitVlanChain, info)), ToBytes(kClientLinkLocal));
  // Same through our builder: router alert in hop-by-hop, PadN in destination options.
  Dhcp6Frame f;
  f.tags = {{0x8100, 100}};
  f.chain = {{kHopByHop, OptionsHeader(0, {5, 2, 0, 0})}, {kDestOpts, OptionsHeader(0, {})}};
  EXPECT_EQ(Build(f), kSolicitVlanChain);
}

TEST(Wire6Dhcp, ZeroOneAndTwoTags) {
  for (const std::vector<Tag>& tags :
       {std::vector<Tag>{}, std::vector<Tag>{{0x8100, 7}},
        std::vector<Tag>{{0x88a8, 1}, {0x8100, 2}}}) {
    Dhcp6Frame f;
    f.tags = tags;
    FrameInfo info;
    const Bytes frame = Build(f);
    ASSERT_EQ(Parse(frame, info).kind, FrameKind::kDhcp6);
    EXPECT_EQ(info.vlan_count, tags.size());
    EXPECT_EQ(info.payload_offset, 14 + 4 * tags.size() + 48);
  }
  Dhcp6Frame three;
  three.tags = {{0x88a8, 1}, {0x8100, 2}, {0x8100, 3}};
  EXPECT_EQ(DropOf(Build(three)), WireDrop::kTooManyVlans);
}

TEST(Wire6Dhcp, Destinations) {
  Dhcp6Frame f;
  // All_DHCP_Servers at its own MAC.
  f.dst = kAllDhcpServers;
  f.dst_mac = MulticastMac(kAllDhcpServers);
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
  // A group MAC that does not map the address.
  f.dst_mac = MulticastMac(kAllDhcpRelayAgentsAndServers);
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kWrongDstMac);
  // Our MAC with a group of ours is fine.
  f.dst_mac = kOurMac;
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
  // Unicast to our addresses (a relay, or a client told to use unicast).
  for (const Ip6& ours : {kOurGlobal, kOurSecond, kOurLinkLocal}) {
    f.dst = ours;
    f.src = kClientGlobal;
    EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
  }
  f.dst = kOtherGlobal;
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kNotForUs);
  // All-nodes is a group we listen to, but not a DHCPv6 destination.
  f.dst = kAllNodes;
  f.dst_mac = MulticastMac(kAllNodes);
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kNotForUs);
  // Groups we do not listen to: MLD reports, routers.
  const Ip6 mld = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};
  f.dst = mld;
  f.dst_mac = MulticastMac(mld);
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kWrongDstMac);
  f.dst_mac = kOurMac;
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kNotForUs);
  // A unicast address behind a group MAC.
  f.dst = kOurGlobal;
  f.dst_mac = MulticastMac(kOurGlobal);
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kWrongDstMac);
  // Broadcast is not an IPv6 destination MAC; nor is another host's MAC.
  Dhcp6Frame b;
  b.dst_mac = kBroadcastMac;
  EXPECT_EQ(DropOf(Build(b)), WireDrop::kWrongDstMac);
  b.dst_mac = {0x02, 0, 0, 0, 0, 0x77};
  EXPECT_EQ(DropOf(Build(b)), WireDrop::kWrongDstMac);
  // Other multicast MACs, and 33:33 carrying something other than IPv6.
  b.dst_mac = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
  EXPECT_EQ(DropOf(Build(b)), WireDrop::kWrongDstMac);
  Bytes arp = kDhclientSolicit;
  Set16(arp, 12, 0x0806);
  EXPECT_EQ(DropOf(arp), WireDrop::kWrongDstMac);
}

TEST(Wire6Dhcp, ChecksumMandatory) {
  Dhcp6Frame f;
  f.sum = UdpSum::kZero;
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kBadUdpChecksum);
  f.sum = UdpSum::kBad;
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kBadUdpChecksum);
  Bytes flipped = kDhclientSolicit;
  flipped[flipped.size() - 3] ^= 0x20;
  EXPECT_EQ(DropOf(flipped), WireDrop::kBadUdpChecksum);
  // The pseudo-header covers the addresses: the same datagram to ff05::1:3 fails.
  Bytes moved = kDhclientSolicit;
  moved[14 + 24 + 1] = 0x05;
  moved[14 + 24 + 15] = 0x03;
  moved[5] = 0x03;
  EXPECT_EQ(DropOf(moved), WireDrop::kBadUdpChecksum);
}

TEST(Wire6Dhcp, OtherDrops) {
  Dhcp6Frame f;
  f.dport = 546;
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kNotDhcpPort);
  Dhcp6Frame from_unspecified;
  from_unspecified.src = kUnspecified;
  EXPECT_EQ(DropOf(Build(from_unspecified)), WireDrop::kBadIpv6Source);
  Dhcp6Frame from_group;
  from_group.src = kAllNodes;
  EXPECT_EQ(DropOf(Build(from_group)), WireDrop::kBadIpv6Source);

  Bytes version = kDhclientSolicit;
  version[14] = 0x40;
  EXPECT_EQ(DropOf(version), WireDrop::kBadIpVersion);
  Bytes long_payload = kDhclientSolicit;
  Set16(long_payload, 18, 63);  // one past the frame
  EXPECT_EQ(DropOf(long_payload), WireDrop::kBadIpLength);
  Bytes tcp = kDhclientSolicit;
  tcp[20] = 6;
  EXPECT_EQ(DropOf(tcp), WireDrop::kNotUdpOrIcmp);
  Bytes no_next = kDhclientSolicit;
  no_next[20] = 59;
  EXPECT_EQ(DropOf(no_next), WireDrop::kNotUdpOrIcmp);
  Bytes esp = kDhclientSolicit;
  esp[20] = 50;
  EXPECT_EQ(DropOf(esp), WireDrop::kNotUdpOrIcmp);
  // UDP length past the IPv6 payload, or below 8.
  Bytes udp_len = kDhclientSolicit;
  Set16(udp_len, 58, 63);
  EXPECT_EQ(DropOf(udp_len), WireDrop::kBadUdpLength);
  Set16(udp_len, 58, 7);
  EXPECT_EQ(DropOf(udp_len), WireDrop::kBadUdpLength);
}

TEST(Wire6Dhcp, TrailingBytesPastThePayloadIgnored) {
  Bytes f = kDhclientSolicit;
  f.resize(f.size() + 9, 0xa5);
  FrameInfo info;
  ASSERT_EQ(Parse(f, info).kind, FrameKind::kDhcp6);
  EXPECT_EQ(info.payload_len, 54);
  EXPECT_EQ(info.payload_offset + info.payload_len, kDhclientSolicit.size());
}

// --- extension headers ---

TEST(Wire6Ext, FragmentsDropped) {
  Dhcp6Frame f;
  f.chain = {{kFragment, FragmentHeader(0, 0x0001)}};  // first fragment, M set
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpFragment);
  f.chain = {{kFragment, FragmentHeader(0, 0x0000)}};  // atomic fragment
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpFragment);
  f.chain = {{kHopByHop, OptionsHeader(0, {})}, {kFragment, FragmentHeader(0, 0x0008)}};
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpFragment);
}

TEST(Wire6Ext, ChainRules) {
  Dhcp6Frame f;
  // Routing with no segments left is skipped; with segments left we would route.
  f.chain = {{kRouting, RoutingHeader(0, 0)}};
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
  f.chain = {{kRouting, RoutingHeader(0, 1)}};
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders);
  // Hop-by-hop only first.
  f.chain = {{kDestOpts, OptionsHeader(0, {})}, {kHopByHop, OptionsHeader(0, {})}};
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders);
  // Eight headers pass, nine do not.
  f.chain = {{kHopByHop, OptionsHeader(0, {})}, {kRouting, RoutingHeader(0, 0)}};
  for (int i = 0; i < 6; ++i) f.chain.push_back({kDestOpts, OptionsHeader(0, {0x1e, 1, 0})});
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
  f.chain.push_back({kDestOpts, OptionsHeader(0, {})});
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders);
  // A long destination options header (hdr ext len 3: 32 bytes).
  Bytes long_opts(32, 0);
  long_opts[1] = 3;
  long_opts[2] = 1;  // PadN of 28 bytes
  long_opts[3] = 28;
  f.chain = {{kDestOpts, long_opts}};
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
}

TEST(Wire6Ext, OptionsWeMustNotSkip) {
  Dhcp6Frame f;
  // Unknown option types: 00xxxxxx skipped; 01, 10, 11 mean discard (RFC 8200 4.2).
  f.chain = {{kDestOpts, OptionsHeader(0, {0x1e, 2, 0xaa, 0xbb})}};
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
  for (uint8_t type : {0x5e, 0x9e, 0xc2}) {
    f.chain = {{kDestOpts, OptionsHeader(0, {type, 4, 0, 0, 0, 0})}};
    EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders) << int(type);
    f.chain = {{kHopByHop, OptionsHeader(0, {type, 4, 0, 0, 0, 0})}};
    EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders) << int(type);
  }
  // An option running past its header: PadN claiming 5 bytes with 4 left.
  f.chain = {{kDestOpts, Bytes{0, 0, 1, 5, 0, 0, 0, 0}}};
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders);
  // A type byte with no room for its length.
  f.chain = {{kDestOpts, Bytes{0, 0, 0, 0, 0, 0, 0, 0x1e}}};
  EXPECT_EQ(DropOf(Build(f)), WireDrop::kIpv6ExtensionHeaders);
  // All Pad1 is fine.
  f.chain = {{kDestOpts, Bytes{0, 0, 0, 0, 0, 0, 0, 0}}};
  EXPECT_EQ(KindOf(Build(f)), FrameKind::kDhcp6);
}

TEST(Wire6Ext, TruncatedChainAtEveryLength) {
  const size_t l2 = 18;
  const size_t chain_len = 16;  // hop-by-hop 8 + destination options 8
  const size_t full = Get16(kSolicitVlanChain, l2 + 4);
  for (size_t len = 0; len < full; ++len) {
    // The payload length says `len` and the frame ends there...
    Bytes cut = Slice(kSolicitVlanChain, 0, l2 + 40 + len);
    Set16(cut, l2 + 4, uint16_t(len));
    // ...or the bytes past it are only Ethernet padding.
    Bytes padded = kSolicitVlanChain;
    Set16(padded, l2 + 4, uint16_t(len));
    for (const Bytes& f : {cut, padded}) {
      FrameInfo info;
      WireVerdict v = Parse(f, info);
      ASSERT_EQ(v.kind, FrameKind::kDrop) << "payload length " << len;
      if (len < chain_len) {
        EXPECT_EQ(v.drop, WireDrop::kIpv6ExtensionHeaders) << len;
      } else {
        EXPECT_EQ(v.drop, WireDrop::kBadUdpLength) << len;
      }
    }
  }
  // A header claiming more than the payload (78 bytes).
  Bytes long_hbh = kSolicitVlanChain;
  long_hbh[l2 + 41] = 9;  // 80 bytes
  EXPECT_EQ(DropOf(long_hbh), WireDrop::kIpv6ExtensionHeaders);
  long_hbh[l2 + 41] = 255;
  EXPECT_EQ(DropOf(long_hbh), WireDrop::kIpv6ExtensionHeaders);
}

// --- Neighbor Discovery ---

TEST(Wire6Ndp, NsForOurLinkLocalAnsweredByteForByte) {
  FrameInfo info;
  WireVerdict v = Parse(kNsForLinkLocal, info);
  ASSERT_EQ(v.kind, FrameKind::kNeighborSolicit) << WireDropName(v.drop);
  EXPECT_EQ(info.ip_version, 6);
  EXPECT_EQ(info.ip_protocol, 58);
  EXPECT_EQ(info.payload_offset, 54);
  EXPECT_EQ(info.payload_len, 32);
  EXPECT_EQ(ToBytes(NeighborSolicitTarget(kNsForLinkLocal, info)), ToBytes(kOurLinkLocal));
  // Our frame builder agrees with scapy.
  EXPECT_EQ(NsFrame(kClientLinkLocal, SolicitedNode(kOurLinkLocal),
                    MulticastMac(SolicitedNode(kOurLinkLocal)), kOurLinkLocal),
            kNsForLinkLocal);
  Bytes frame = kNsForLinkLocal;
  frame.resize(256, 0xcc);
  const size_t n = BuildNeighborAdvertisement(frame, info, kOurMac);
  ASSERT_EQ(n, kNaForLinkLocal.size());
  EXPECT_EQ(Slice(frame, 0, n), kNaForLinkLocal);
  EXPECT_EQ(kNaForLinkLocal, ExpectedNa(kClientMac, kClientLinkLocal, kOurLinkLocal, true));
  // The NA's checksum, recomputed.
  Bytes icmp = Slice(frame, 54, 32);
  EXPECT_EQ(Get16(icmp, 2), 0x9661);
  Set16(icmp, 2, 0);
  EXPECT_EQ(RefChecksum6(kOurLinkLocal, kClientLinkLocal, 58, icmp), 0x9661);
}

TEST(Wire6Ndp, NsForOurGlobalAddresses) {
  struct Case {
    Ip6 target;
    Ip6 dst;
    MacAddress dst_mac;
    std::vector<Tag> tags;
  };
  const std::vector<Case> cases = {
      {kOurGlobal, kOurGlobal, kOurMac, {}},  // unicast (reachability confirmation)
      {kOurSecond, kOurSecond, kOurMac, {{0x8100, 0x0064}}},
      {kOurGlobal, SolicitedNode(kOurGlobal), MulticastMac(SolicitedNode(kOurGlobal)), {}},
      {kOurSecond, SolicitedNode(kOurSecond), MulticastMac(SolicitedNode(kOurSecond)),
       {{0x88a8, 1}, {0x8100, 2}}},
      {kOurLinkLocal, kOurLinkLocal, kOurMac, {}},
  };
  for (const Case& c : cases) {
    Bytes frame = NsFrame(kClientGlobal, c.dst, c.dst_mac, c.target, true, c.tags);
    FrameInfo info;
    WireVerdict v = Parse(frame, info);
    ASSERT_EQ(v.kind, FrameKind::kNeighborSolicit) << WireDropName(v.drop);
    EXPECT_EQ(ToBytes(NeighborSolicitTarget(frame, info)), ToBytes(c.target));
    frame.resize(frame.size() + 64, 0xcc);
    const size_t n = BuildNeighborAdvertisement(frame, info, kOurMac);
    const Bytes expected = ExpectedNa(kClientMac, kClientGlobal, c.target, true, c.tags);
    ASSERT_EQ(n, expected.size());
    EXPECT_EQ(Slice(frame, 0, n), expected);
  }
}

TEST(Wire6Ndp, DadFromUnspecifiedAnsweredToAllNodes) {
  FrameInfo info;
  WireVerdict v = Parse(kDadNs, info);
  ASSERT_EQ(v.kind, FrameKind::kNeighborSolicit) << WireDropName(v.drop);
  EXPECT_EQ(NsFrame(kUnspecified, SolicitedNode(kOurGlobal), MulticastMac(SolicitedNode(kOurGlobal)),
                    kOurGlobal, false),
            kDadNs);
  Bytes frame = kDadNs;  // 78 bytes: the NA (86) needs tailroom
  EXPECT_EQ(BuildNeighborAdvertisement(frame, info, kOurMac), 0u);
  frame.resize(128, 0xcc);
  const size_t n = BuildNeighborAdvertisement(frame, info, kOurMac);
  ASSERT_EQ(n, kDadNa.size());
  EXPECT_EQ(Slice(frame, 0, n), kDadNa);
  EXPECT_EQ(kDadNa, ExpectedNa(MulticastMac(kAllNodes), kAllNodes, kOurGlobal, false));
}

TEST(Wire6Ndp, NsForOthersDropped) {
  // Another host's solicited-node group: not a group we listen to.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, SolicitedNode(kOtherGlobal),
                           MulticastMac(SolicitedNode(kOtherGlobal)), kOtherGlobal)),
            WireDrop::kWrongDstMac);
  // A group we share with another host, for that host.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, SolicitedNode(kOtherSameGroup),
                           MulticastMac(SolicitedNode(kOtherSameGroup)), kOtherSameGroup)),
            WireDrop::kNotForUs);
  // Unicast to us, asking about someone else.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, kOurGlobal, kOurMac, kOtherGlobal)), WireDrop::kNotForUs);
  // For us, but sent to another address's group.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, SolicitedNode(kOurSecond),
                           MulticastMac(SolicitedNode(kOurSecond)), kOurGlobal)),
            WireDrop::kNotForUs);
  // To all-nodes.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, kAllNodes, MulticastMac(kAllNodes), kOurGlobal)),
            WireDrop::kNotForUs);
}

TEST(Wire6Ndp, InvalidSolicitationsDropped) {
  const Ip6 group = SolicitedNode(kOurGlobal);
  const MacAddress group_mac = MulticastMac(group);
  // Hop limit must be 255: the NS did not cross a router.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, group, group_mac, kOurGlobal, true, {}, 254)),
            WireDrop::kBadNdp);
  // Code 1 (checksum made right for it).
  Bytes code = NsFrame(kClientGlobal, group, group_mac, kOurGlobal);
  code[55] = 1;
  Set16(code, 56, 0);
  Set16(code, 56, RefChecksum6(kClientGlobal, group, 58, Slice(code, 54, 32)));
  EXPECT_EQ(DropOf(code), WireDrop::kBadNdp);
  // Checksum.
  Bytes sum = NsFrame(kClientGlobal, group, group_mac, kOurGlobal);
  sum[60] ^= 1;
  EXPECT_EQ(DropOf(sum), WireDrop::kBadIcmpChecksum);
  // Shorter than an NS: 20 bytes of message.
  Bytes body(16);
  Bytes shortns = Concat(Ethernet(group_mac, kClientMac, {}),
                         Ipv6(kClientGlobal, group, 58, Icmp6(kClientGlobal, group, 135, 0, body), 255));
  EXPECT_EQ(DropOf(shortns), WireDrop::kBadNdp);
  // An option of length 0, or past the message.
  for (uint8_t opt_len : {0, 2}) {
    Bytes b = {0, 0, 0, 0};
    Append(b, kOurGlobal);
    b.insert(b.end(), {1, opt_len, 0, 0, 0, 0, 0, 0});
    Bytes f = Concat(Ethernet(group_mac, kClientMac, {}),
                     Ipv6(kClientGlobal, group, 58, Icmp6(kClientGlobal, group, 135, 0, b), 255));
    EXPECT_EQ(DropOf(f), WireDrop::kBadNdp) << int(opt_len);
  }
  // A multicast target.
  EXPECT_EQ(DropOf(NsFrame(kClientGlobal, kOurGlobal, kOurMac, kAllNodes)), WireDrop::kBadNdp);
  // DAD (from ::) with a source link-layer address, or not to a solicited-node group.
  EXPECT_EQ(DropOf(NsFrame(kUnspecified, group, group_mac, kOurGlobal, true)), WireDrop::kBadNdp);
  EXPECT_EQ(DropOf(NsFrame(kUnspecified, kOurGlobal, kOurMac, kOurGlobal, false)),
            WireDrop::kBadNdp);
  // Other NDP and ICMPv6 messages are not ours to answer.
  for (uint8_t type : {133, 134, 136, 137, 143, 129, 1}) {
    Bytes b(20);
    Bytes f = Concat(Ethernet(kOurMac, kClientMac, {}),
                     Ipv6(kClientGlobal, kOurGlobal, 58, Icmp6(kClientGlobal, kOurGlobal, type, 0, b), 255));
    EXPECT_EQ(DropOf(f), WireDrop::kNotIcmpEcho) << int(type);
  }
}

// --- ICMPv6 echo ---

TEST(Wire6Echo, AnsweredByteForByte) {
  FrameInfo info;
  WireVerdict v = Parse(kEchoRequest, info);
  ASSERT_EQ(v.kind, FrameKind::kIcmp6Echo) << WireDropName(v.drop);
  EXPECT_EQ(info.payload_offset, 54);
  EXPECT_EQ(info.payload_len, 28);
  Bytes frame = kEchoRequest;
  const size_t n = BuildIcmp6EchoReply(frame, info, kOurMac);
  ASSERT_EQ(n, kEchoReply.size());
  EXPECT_EQ(frame, kEchoReply);
  Bytes icmp = Slice(kEchoReply, 54, 28);
  Set16(icmp, 2, 0);
  EXPECT_EQ(RefChecksum6(kOurGlobal, kClientGlobal, 58, icmp), Get16(kEchoReply, 56));
}

TEST(Wire6Echo, TagsSizesAndExtensionHeadersRemoved) {
  for (const std::vector<Tag>& tags :
       {std::vector<Tag>{}, std::vector<Tag>{{0x8100, 0x0064}},
        std::vector<Tag>{{0x88a8, 0x0001}, {0x8100, 0x0002}}}) {
    for (size_t data_len : {0, 1, 57, 1000}) {
      for (bool with_options : {false, true}) {
        const Ip6& ours = data_len == 1 ? kOurLinkLocal : kOurGlobal;
        const Ip6& peer = data_len == 1 ? kClientLinkLocal : kClientGlobal;
        const Bytes request = Icmp6(peer, ours, 128, 0, EchoBody(0x1234, uint16_t(data_len), data_len));
        Bytes rest = request;
        uint8_t next = 58;
        if (with_options) {
          rest = Concat(OptionsHeader(58, {0x1e, 3, 1, 2, 3}), request);
          next = kDestOpts;
        }
        Bytes frame = Concat(Ethernet(kOurMac, kClientMac, tags), Ipv6(peer, ours, next, rest, 7));
        frame[Ethernet(kOurMac, kClientMac, tags).size() + 1] = 0xa0;  // traffic class 0x0a
        FrameInfo info;
        WireVerdict v = Parse(frame, info);
        ASSERT_EQ(v.kind, FrameKind::kIcmp6Echo) << WireDropName(v.drop);
        EXPECT_EQ(info.tos, 0x0a);

        Bytes expected = Concat(Ethernet(kClientMac, kOurMac, tags),
                                Ipv6(ours, peer, 58,
                                     Icmp6(ours, peer, 129, 0,
                                           EchoBody(0x1234, uint16_t(data_len), data_len)),
                                     64));
        expected[Ethernet(kOurMac, kClientMac, tags).size() + 1] = 0xa0;
        frame.resize(frame.size() + 32, 0xcc);
        const size_t n = BuildIcmp6EchoReply(frame, info, kOurMac);
        ASSERT_EQ(n, expected.size());
        EXPECT_EQ(Slice(frame, 0, n), expected) << data_len << " " << with_options;
      }
    }
  }
}

TEST(Wire6Echo, OthersDropped) {
  auto echo = [](const Ip6& src, const Ip6& dst, const MacAddress& mac, uint8_t type = 128,
                 bool bad = false) {
    return Concat(Ethernet(mac, kClientMac, {}),
                  Ipv6(src, dst, 58, Icmp6(src, dst, type, 0, EchoBody(1, 1, 8), bad)));
  };
  EXPECT_EQ(DropOf(echo(kClientGlobal, kAllNodes, MulticastMac(kAllNodes))), WireDrop::kNotForUs);
  EXPECT_EQ(DropOf(echo(kClientGlobal, kOtherGlobal, kOurMac)), WireDrop::kNotForUs);
  EXPECT_EQ(DropOf(echo(kClientGlobal, kOurGlobal, kOurMac, 128, true)),
            WireDrop::kBadIcmpChecksum);
  EXPECT_EQ(DropOf(echo(kClientGlobal, kOurGlobal, kOurMac, 129)), WireDrop::kNotIcmpEcho);
  EXPECT_EQ(DropOf(echo(kUnspecified, kOurGlobal, kOurMac)), WireDrop::kBadIpv6Source);
  Bytes short_echo = Concat(Ethernet(kOurMac, kClientMac, {}),
                            Ipv6(kClientGlobal, kOurGlobal, 58, Bytes{128, 0, 0, 0, 0}));
  EXPECT_EQ(DropOf(short_echo), WireDrop::kShortFrame);
  Bytes tiny = Concat(Ethernet(kOurMac, kClientMac, {}),
                      Ipv6(kClientGlobal, kOurGlobal, 58, Bytes{128, 0, 0}));
  EXPECT_EQ(DropOf(tiny), WireDrop::kShortFrame);
}

// --- UDP/IPv6 reply headers ---

TEST(Wire6Reply, AdvertiseHeadersMatchHandComputedChecksum) {
  FrameInfo info;
  ASSERT_EQ(Parse(kDhclientSolicit, info).kind, FrameKind::kDhcp6);
  EXPECT_EQ(ReplyHeaderSize6(info), 62u);
  Udp6ReplyAddress to;
  to.src_mac = kOurMac;
  to.dst_mac = kClientMac;
  to.src_ip = kOurLinkLocal;
  to.dst_ip = kClientLinkLocal;
  EXPECT_EQ(to.src_port, 547);
  EXPECT_EQ(to.dst_port, 546);
  Bytes frame(128, 0xee);
  const Bytes payload = {0x02, 0x5c, 0x1d, 0x2e};  // ADVERTISE, transaction id
  std::copy(payload.begin(), payload.end(), frame.begin() + 62);
  const size_t n = WriteUdp6ReplyHeaders(frame, info, to, payload.size());
  ASSERT_EQ(n, 66u);
  EXPECT_EQ(Slice(frame, 0, n), kAdvertiseHeaders);
  // By hand, 16-bit words:
  //   source      fe80 + 00ff + fe00 + 0001
  //   destination fe80 + 5054 + 00ff + fe12 + 3456
  //   length 000c, next header 0011
  //   UDP         0223 + 0222 + 000c + 0000 + 025c + 1d2e
  //   sum 0x4a3b3 -> 0xa3b3 + 0x4 = 0xa3b7 -> ones complement 0x5c48
  EXPECT_EQ(Get16(frame, 60), 0x5c48);
  // BuildUdp6Reply gives the same frame.
  Bytes again(128, 0x11);
  EXPECT_EQ(BuildUdp6Reply(again, info, to, payload), 66u);
  EXPECT_EQ(Slice(again, 0, 66), kAdvertiseHeaders);
}

TEST(Wire6Reply, CarriesTheRequestTagsAndParsesBack) {
  FrameInfo info;
  ASSERT_EQ(Parse(kSolicitVlanChain, info).kind, FrameKind::kDhcp6);
  EXPECT_EQ(ReplyHeaderSize6(info), 66u);
  Udp6ReplyAddress to;
  to.src_mac = kOurMac;
  to.dst_mac = kClientMac;
  to.src_ip = kOurGlobal;
  to.dst_ip = kClientGlobal;
  to.dst_port = 547;  // as to a relay agent
  const Bytes payload = SolicitMessage();
  Bytes frame(512, 0);
  const size_t n = BuildUdp6Reply(frame, info, to, payload);
  ASSERT_EQ(n, 66u + payload.size());
  frame.resize(n);
  EXPECT_EQ(Slice(frame, 12, 6), Slice(kSolicitVlanChain, 12, 6));  // tag + EtherType
  EXPECT_EQ(Get16(frame, 18), 0x6000);
  EXPECT_EQ(frame[25], 64);  // hop limit
  Bytes udp = Slice(frame, 58, 8 + payload.size());
  const uint16_t stored = Get16(udp, 6);
  Set16(udp, 6, 0);
  EXPECT_EQ(stored, RefChecksum6(kOurGlobal, kClientGlobal, 17, udp));
  // Seen by the client's side: a datagram to 547 at its own address.
  LocalInterface client;
  client.mac = kClientMac;
  client.AddIpv6(kClientGlobal, 64);
  FrameInfo back;
  WireVerdict v = ParseFrame(frame, client, back);
  ASSERT_EQ(v.kind, FrameKind::kDhcp6) << WireDropName(v.drop);
  EXPECT_EQ(back.vlan_count, 1);
  auto got = UdpPayload(frame, back);
  EXPECT_EQ(Bytes(got.begin(), got.end()), payload);
}

TEST(Wire6Reply, RejectsWhatDoesNotFit) {
  FrameInfo info;
  ASSERT_EQ(Parse(kDhclientSolicit, info).kind, FrameKind::kDhcp6);
  Udp6ReplyAddress to;
  Bytes small(62 + 10);
  EXPECT_EQ(WriteUdp6ReplyHeaders(small, info, to, 11), 0u);
  EXPECT_EQ(WriteUdp6ReplyHeaders(small, info, to, 10), small.size());
  Bytes headers_only(61);
  EXPECT_EQ(WriteUdp6ReplyHeaders(headers_only, info, to, 0), 0u);
  Bytes huge(70000);
  EXPECT_EQ(WriteUdp6ReplyHeaders(huge, info, to, 65535 - 8 + 1), 0u);
  EXPECT_EQ(WriteUdp6ReplyHeaders(huge, info, to, 65535 - 8), 62u + 65535 - 8);
  Bytes huge_udp = Slice(huge, 54, 65535);
  Set16(huge_udp, 6, 0);
  const uint16_t ref = RefChecksum6(to.src_ip, to.dst_ip, 17, huge_udp);
  EXPECT_EQ(Get16(huge, 60), ref == 0 ? 0xffff : ref);
}

// --- checksum helpers against the reference ---

TEST(Wire6Checksum, MatchReferenceOnRandomData) {
  std::mt19937 rng(6);
  for (int iter = 0; iter < 2000; ++iter) {
    Ip6 src, dst;
    for (auto& x : src) x = uint8_t(rng());
    for (auto& x : dst) x = uint8_t(rng());
    Bytes b(8 + rng() % 1500);
    for (auto& x : b) x = uint8_t(rng());
    Set16(b, 6, 0);
    const uint16_t ref = RefChecksum6(src, dst, 17, b);
    EXPECT_EQ(Udp6Checksum(src.data(), dst.data(), b), ref == 0 ? 0xffff : ref);
    Set16(b, 2, 0);
    EXPECT_EQ(Icmp6Checksum(src.data(), dst.data(), b), RefChecksum6(src, dst, 58, b));
  }
}

TEST(Wire6Checksum, UdpZeroBecomesFfff) {
  Bytes udp = {0x02, 0x22, 0x02, 0x23, 0, 10, 0, 0, 0, 0};
  const uint16_t c = RefChecksum6(kClientLinkLocal, kAllDhcpRelayAgentsAndServers, 17, udp);
  Set16(udp, 8, c);  // the data now cancels the rest: the sum is 0xffff
  EXPECT_EQ(RefChecksum6(kClientLinkLocal, kAllDhcpRelayAgentsAndServers, 17, udp), 0);
  EXPECT_EQ(Udp6Checksum(kClientLinkLocal.data(), kAllDhcpRelayAgentsAndServers.data(), udp),
            0xffff);
  // And a datagram carrying 0xffff verifies.
  Dhcp6Frame f;
  f.payload = {0, 0};
  Bytes frame = Build(f);
  Bytes u = Slice(frame, 54, 10);
  Set16(u, 6, 0);
  Set16(frame, 62, RefChecksum6(kClientLinkLocal, kAllDhcpRelayAgentsAndServers, 17, u));
  Set16(frame, 60, 0xffff);
  EXPECT_EQ(KindOf(frame), FrameKind::kDhcp6);
  // The same datagram with 0 there sums right too, but 0 means "no checksum",
  // which IPv6 does not allow (RFC 8200 8.1).
  Set16(frame, 60, 0);
  EXPECT_EQ(DropOf(frame), WireDrop::kBadUdpChecksum);
}

// --- robustness ---

std::vector<Bytes> Samples6() {
  Dhcp6Frame chain;
  chain.tags = {{0x88a8, 1}, {0x8100, 2}};
  chain.chain = {{kHopByHop, OptionsHeader(0, {5, 2, 0, 0})},
                 {kRouting, RoutingHeader(0, 0)},
                 {kDestOpts, OptionsHeader(0, {0x1e, 1, 0})}};
  Dhcp6Frame unicast;
  unicast.dst = kOurGlobal;
  unicast.dst_mac = kOurMac;
  unicast.src = kClientGlobal;
  return {
      kDhclientSolicit,
      kSolicitVlanChain,
      Build(chain),
      Build(unicast),
      kNsForLinkLocal,
      kDadNs,
      NsFrame(kClientGlobal, kOurGlobal, kOurMac, kOurGlobal, true, {{0x8100, 3}}),
      kEchoRequest,
      Concat(Ethernet(kOurMac, kClientMac, {{0x8100, 9}}),
             Ipv6(kClientGlobal, kOurGlobal, kDestOpts,
                  Concat(OptionsHeader(58, {}),
                         Icmp6(kClientGlobal, kOurGlobal, 128, 0, EchoBody(1, 2, 40))))),
  };
}

TEST(Wire6Robustness, TruncatedFramesAtEveryLengthAreDropped) {
  for (const Bytes& full : Samples6()) {
    FrameInfo info;
    WireVerdict v = Parse(full, info);
    ASSERT_NE(v.kind, FrameKind::kDrop) << WireDropName(v.drop);
    for (size_t len = 0; len < full.size(); ++len) {
      Bytes cut(full.begin(), full.begin() + long(len));  // exact size for sanitizers
      EXPECT_EQ(Parse(cut, info).kind, FrameKind::kDrop) << "len " << len << " of " << full.size();
    }
  }
}

TEST(Wire6Robustness, RandomCorruptionNeverEscapesTheFrame) {
  std::mt19937 rng(66);
  const std::vector<Bytes> samples = Samples6();
  const LocalInterface local = Local6();
  size_t accepted = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    Bytes f = samples[rng() % samples.size()];
    const int flips = 1 + int(rng() % 3);
    for (int i = 0; i < flips; ++i) f[rng() % f.size()] = uint8_t(rng());
    if (rng() % 2) f.resize(rng() % (f.size() + 1));
    FrameInfo info;
    WireVerdict v = ParseFrame(f, local, info);
    if (v.kind == FrameKind::kDrop || info.ip_version != 6) continue;
    ++accepted;
    ASSERT_LE(size_t(info.payload_offset) + info.payload_len, f.size());
    ASSERT_LE(size_t(info.l2_len) + info.l3_len, f.size());
    ASSERT_NE(Ipv6Src(f, info), nullptr);
    Bytes buf = f;
    buf.resize(f.size() + 128, 0xcc);
    size_t n = 0;
    if (v.kind == FrameKind::kNeighborSolicit) n = BuildNeighborAdvertisement(buf, info, kOurMac);
    if (v.kind == FrameKind::kIcmp6Echo) n = BuildIcmp6EchoReply(buf, info, kOurMac);
    if (v.kind == FrameKind::kDhcp6) n = BuildUdp6Reply(buf, info, Udp6ReplyAddress{}, UdpPayload(f, info));
    ASSERT_GT(n, 0u);
    ASSERT_LE(n, buf.size());
    // What we send is one IPv6 packet with a correct checksum.
    const size_t ip = info.l2_len;
    const size_t l4_len = Get16(buf, ip + 4);
    ASSERT_LE(ip + 40 + l4_len, n);
    Ip6 src, dst;
    std::copy(buf.begin() + long(ip + 8), buf.begin() + long(ip + 24), src.begin());
    std::copy(buf.begin() + long(ip + 24), buf.begin() + long(ip + 40), dst.begin());
    Bytes l4 = Slice(buf, ip + 40, l4_len);
    const size_t sum_at = v.kind == FrameKind::kDhcp6 ? 6 : 2;
    const uint16_t stored = Get16(l4, sum_at);
    Set16(l4, sum_at, 0);
    const uint16_t ref = RefChecksum6(src, dst, buf[ip + 6], l4);
    EXPECT_EQ(stored, v.kind == FrameKind::kDhcp6 && ref == 0 ? 0xffff : ref);
  }
  EXPECT_GT(accepted, 100u);
}

TEST(Wire6Robustness, BuildersRefuseWhatIsNotTheirs) {
  FrameInfo info;
  Bytes buf(256);
  // A v4 FrameInfo (ip_version 4) is refused by the v6 in-place builders.
  info.ip_version = 4;
  info.l2_len = 14;
  info.payload_offset = 54;
  info.payload_len = 32;
  EXPECT_EQ(BuildNeighborAdvertisement(buf, info, kOurMac), 0u);
  EXPECT_EQ(BuildIcmp6EchoReply(buf, info, kOurMac), 0u);
  EXPECT_EQ(Ipv6Src(buf, info), nullptr);
  info.ip_version = 6;
  Bytes tiny(40);
  EXPECT_EQ(BuildNeighborAdvertisement(tiny, info, kOurMac), 0u);
  EXPECT_EQ(BuildIcmp6EchoReply(tiny, info, kOurMac), 0u);
  EXPECT_EQ(Ipv6Src(tiny, info), nullptr);
  EXPECT_EQ(NeighborSolicitTarget(tiny, info), nullptr);
}

}  // namespace
}  // namespace fastlease::dataplane
