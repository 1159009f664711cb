#include "perf/loadgen/frames.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "dataplane/wire.h"

namespace fastlease::perf {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;
constexpr size_t kBootpFixed = 236;
constexpr uint32_t kMagicCookie = 0x63825363;

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void Put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

size_t PutEthernet(const MacAddress& dst, const MacAddress& src, uint16_t vlan, uint16_t type,
                   uint8_t* out) {
  std::memcpy(out, dst.data(), 6);
  std::memcpy(out + 6, src.data(), 6);
  size_t off = 12;
  if (vlan != 0) {
    Put16(out + off, kEtherVlan);
    Put16(out + off + 2, vlan & 0x0fff);
    off += 4;
  }
  Put16(out + off, type);
  return off + 2;
}

// The UDP checksum given the sum of the pseudo-header's addresses (`addresses`,
// contiguous in the IP header); 0 is sent as 0xffff.
uint16_t UdpChecksum(std::span<const uint8_t> addresses, const uint8_t* udp, uint16_t udp_len) {
  const uint64_t pseudo = dataplane::ChecksumAdd(addresses) + 17 + udp_len;
  const uint16_t c = dataplane::ChecksumFinish(dataplane::ChecksumAdd({udp, udp_len}, pseudo));
  return c == 0 ? 0xffff : c;
}

// A 4-byte option (code, 4, value); returns where the next option goes.
uint8_t* PutOption32(uint8_t* o, uint8_t code, uint32_t v) {
  o[0] = code;
  o[1] = 4;
  Put32(o + 2, v);
  return o + 6;
}

// The IPv4 header (20 bytes, no options, TTL 64) at `ip` and the UDP header after
// it, around `payload_len` bytes of UDP payload already in place; both checksums.
// Returns the UDP length.
uint16_t PutIpv4Udp(uint8_t* ip, uint32_t src, uint32_t dst, uint16_t id, uint16_t sport,
                    uint16_t dport, size_t payload_len) {
  uint8_t* udp = ip + 20;
  const uint16_t udp_len = static_cast<uint16_t>(8 + payload_len);
  Put16(udp, sport);
  Put16(udp + 2, dport);
  Put16(udp + 4, udp_len);
  Put16(udp + 6, 0);
  ip[0] = 0x45;
  ip[1] = 0;
  Put16(ip + 2, static_cast<uint16_t>(20 + udp_len));
  Put16(ip + 4, id);
  Put16(ip + 6, 0);
  ip[8] = 64;
  ip[9] = 17;
  Put16(ip + 10, 0);
  Put32(ip + 12, src);
  Put32(ip + 16, dst);
  Put16(ip + 10, dataplane::ChecksumFinish(dataplane::ChecksumAdd({ip, 20})));
  Put16(udp + 6, UdpChecksum({ip + 12, 8}, udp, udp_len));
  return udp_len;
}

// Pads a BOOTP message ending at `end` to BOOTP's 300 bytes, as real clients and
// servers do; returns its length.
size_t PadBootp(const uint8_t* bootp, uint8_t* end) {
  const size_t len = static_cast<size_t>(end - bootp);
  if (len >= 300) return len;
  std::memset(end, 0, 300 - len);
  return 300;
}

// "perf-<n>" in decimal (the relay's circuit id / Interface-Id); returns its length.
size_t PutPerfId(uint32_t n, uint8_t* out) {
  char digits[10];
  size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  std::memcpy(out, "perf-", 5);
  for (size_t i = 0; i < count; ++i) out[5 + i] = static_cast<uint8_t>(digits[count - 1 - i]);
  return 5 + count;
}

constexpr MacAddress kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

size_t BuildRequest4(const PathSpec& path, const RequestSpec& spec, uint8_t* out) {
  const bool unicast_direct = !path.relayed && (spec.kind == RequestKind::kRequestRenewing ||
                                                spec.kind == RequestKind::kRelease);
  const bool to_server = path.relayed || unicast_direct;
  const MacAddress& dst_mac = to_server ? path.server_mac : kBroadcastMac;
  const MacAddress& src_mac = path.relayed ? path.src_mac : spec.client_mac;
  const size_t l2 = PutEthernet(dst_mac, src_mac, path.vlan, kEtherIpv4, out);
  uint8_t* ip = out + l2;
  uint8_t* bootp = ip + 20 + 8;  // after the IPv4 and UDP headers (PutIpv4Udp)

  // BOOTP fixed part.
  std::memset(bootp, 0, kBootpFixed);
  bootp[0] = 1;  // BOOTREQUEST
  bootp[1] = 1;  // Ethernet
  bootp[2] = 6;
  bootp[3] = path.relayed ? 1 : 0;
  Put32(bootp + 4, spec.xid);
  const bool has_ciaddr =
      spec.kind == RequestKind::kRequestRenewing || spec.kind == RequestKind::kRelease;
  if (!path.relayed && !has_ciaddr) Put16(bootp + 10, 0x8000);  // broadcast flag
  if (has_ciaddr) Put32(bootp + 12, spec.client_ip);
  if (path.relayed) Put32(bootp + 24, path.giaddr);
  std::memcpy(bootp + 28, spec.client_mac.data(), 6);
  Put32(bootp + kBootpFixed, kMagicCookie);

  uint8_t* o = bootp + kBootpFixed + 4;
  uint8_t type = 3;
  switch (spec.kind) {
    case RequestKind::kDiscover: type = 1; break;
    case RequestKind::kRelease: type = 7; break;
    default: break;
  }
  *o++ = 53;
  *o++ = 1;
  *o++ = type;
  if (spec.kind == RequestKind::kRequestSelecting || spec.kind == RequestKind::kRequestInitReboot) {
    o = PutOption32(o, 50, spec.client_ip);
  }
  if (spec.kind == RequestKind::kRequestSelecting || spec.kind == RequestKind::kRelease) {
    o = PutOption32(o, 54, spec.server_id);
  }
  if (spec.kind != RequestKind::kRelease) {
    static constexpr uint8_t kPrl[] = {55, 6, 1, 3, 6, 15, 51, 54};
    std::memcpy(o, kPrl, sizeof kPrl);
    o += sizeof kPrl;
  }
  if (path.relayed) {
    // Option 82, sub-option 1 (circuit-id) "perf-<n>".
    const size_t n = PutPerfId(spec.circuit_id, o + 4);
    o[0] = 82;
    o[1] = static_cast<uint8_t>(2 + n);
    o[2] = 1;
    o[3] = static_cast<uint8_t>(n);
    o += 4 + n;
  }
  *o++ = 255;
  const size_t dhcp_len = PadBootp(bootp, o);
  const uint32_t src_ip = path.relayed ? path.giaddr : (has_ciaddr ? spec.client_ip : 0);
  const uint32_t dst_ip = to_server ? path.server_ip : 0xffffffffu;
  const uint16_t udp_len = PutIpv4Udp(ip, src_ip, dst_ip, static_cast<uint16_t>(spec.xid),
                                      path.relayed ? 67 : 68, 67, dhcp_len);
  return l2 + 20 + udp_len;
}

// DHCPv6 (RFC 8415 §7.3, §9, §21).
constexpr MacAddress kAllDhcpRelaysMac{0x33, 0x33, 0, 1, 0, 2};
constexpr Ipv6Address kAllDhcpRelaysAndServers{0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                               0,    0,    0, 0, 0, 1, 0, 2};
constexpr uint16_t kClientPort6 = 546;
constexpr uint16_t kServerPort6 = 547;
constexpr uint8_t kRelayHopLimit = 32;

// An option header; returns where its data goes.
uint8_t* PutOption6(uint8_t* o, uint16_t code, size_t len) {
  Put16(o, code);
  Put16(o + 2, static_cast<uint16_t>(len));
  return o + 4;
}

// An IA_NA or IA_PD option header with `iaid` and T1 = T2 = 0 (the server's
// choice), followed by `options_len` bytes of IA options; returns where they go.
uint8_t* PutIa6(uint8_t* o, uint16_t code, uint32_t iaid, size_t options_len) {
  o = PutOption6(o, code, 12 + options_len);
  Put32(o, iaid);
  Put32(o + 4, 0);
  Put32(o + 8, 0);
  return o + 12;
}

size_t BuildRequest6(const PathSpec& path, const RequestSpec& spec, uint8_t* out) {
  const bool bound = spec.kind != RequestKind::kSolicit;  // names the server and its leases
  if (path.server_duid_len > kMaxDuidSize || (bound && path.server_duid_len == 0)) return 0;
  const MacAddress& src_mac = path.relayed ? path.src_mac : spec.client_mac;
  const size_t l2 = PutEthernet(kAllDhcpRelaysMac, src_mac, path.vlan, kEtherIpv6, out);
  uint8_t* ip = out + l2;
  uint8_t* udp = ip + 40;
  uint8_t* o = udp + 8;
  const Ipv6Address client_ll = LinkLocalFromMac(spec.client_mac);

  uint8_t* relay_msg = nullptr;  // the Relay Message option, filled in at the end
  if (path.relayed) {
    o[0] = 12;  // Relay-Forw
    o[1] = 0;   // hop count
    std::memcpy(o + 2, path.relay6.data(), 16);
    std::memcpy(o + 18, client_ll.data(), 16);
    o += 34;
    uint8_t id[15];
    const size_t n = PutPerfId(spec.circuit_id, id);
    o = PutOption6(o, 18, n);  // Interface-Id
    std::memcpy(o, id, n);
    o += n;
    relay_msg = o;
    o += 4;
  }
  uint8_t* msg = o;
  msg[0] = spec.kind == RequestKind::kSolicit ? 1 : spec.kind == RequestKind::kRequest6 ? 3 : 5;
  msg[1] = static_cast<uint8_t>(spec.xid >> 16);
  msg[2] = static_cast<uint8_t>(spec.xid >> 8);
  msg[3] = static_cast<uint8_t>(spec.xid);
  o += 4;
  o = PutOption6(o, 1, 10);  // Client Identifier: DUID-LL, Ethernet
  Put16(o, 3);
  Put16(o + 2, 1);
  std::memcpy(o + 4, spec.client_mac.data(), 6);
  o += 10;
  if (bound) {
    o = PutOption6(o, 2, path.server_duid_len);  // Server Identifier
    std::memcpy(o, path.server_duid.data(), path.server_duid_len);
    o += path.server_duid_len;
  }
  // IA_NA (IAID 1) and IA_PD (IAID 2) with the address/prefix held when bound.
  o = PutIa6(o, 3, 1, bound ? 4 + 24 : 0);
  if (bound) {
    o = PutOption6(o, 5, 24);  // IA Address, lifetimes 0
    std::memcpy(o, spec.address6.data(), 16);
    Put32(o + 16, 0);
    Put32(o + 20, 0);
    o += 24;
  }
  o = PutIa6(o, 25, 2, bound ? 4 + 25 : 0);
  if (bound) {
    o = PutOption6(o, 26, 25);  // IA Prefix, lifetimes 0
    Put32(o, 0);
    Put32(o + 4, 0);
    o[8] = spec.prefix6_len;
    std::memcpy(o + 9, spec.prefix6.data(), 16);
    o += 25;
  }
  o = PutOption6(o, 8, 2);  // Elapsed Time
  Put16(o, 0);
  o += 2;
  o = PutOption6(o, 6, 2);  // ORO: dns-servers
  Put16(o, 23);
  o += 2;
  if (relay_msg != nullptr) PutOption6(relay_msg, 9, static_cast<size_t>(o - msg));

  const uint16_t udp_len = static_cast<uint16_t>(o - udp);
  Put16(udp, path.relayed ? kServerPort6 : kClientPort6);
  Put16(udp + 2, kServerPort6);
  Put16(udp + 4, udp_len);
  Put16(udp + 6, 0);
  ip[0] = 0x60;  // version 6, traffic class 0, flow label 0
  ip[1] = ip[2] = ip[3] = 0;
  Put16(ip + 4, udp_len);
  ip[6] = 17;
  ip[7] = path.relayed ? kRelayHopLimit : 1;
  std::memcpy(ip + 8, (path.relayed ? path.relay6 : client_ll).data(), 16);
  std::memcpy(ip + 24, kAllDhcpRelaysAndServers.data(), 16);
  Put16(udp + 6, UdpChecksum({ip + 8, 32}, udp, udp_len));
  return l2 + 40 + udp_len;
}

}  // namespace

size_t BuildRequest(const PathSpec& path, const RequestSpec& spec, uint8_t* out) {
  return IsDhcp6(spec.kind) ? BuildRequest6(path, spec, out) : BuildRequest4(path, spec, out);
}

Ipv6Address LinkLocalFromMac(const MacAddress& mac) {
  return {0xfe, 0x80, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(mac[0] ^ 0x02), mac[1], mac[2],
          0xff, 0xfe, mac[3], mac[4], mac[5]};
}

Ipv6Address Ipv6Offset(const Ipv6Address& base, uint64_t n, unsigned shift) {
  Ipv6Address out = base;
  unsigned carry = 0;
  for (unsigned k = 0; k < 16; ++k) {  // byte k from the least significant
    const unsigned bit = 8 * k;        // the addend's bits [bit, bit + 8)
    uint64_t b = 0;
    if (bit + 8 > shift && bit < shift + 64) {
      b = bit >= shift ? n >> (bit - shift) : n << (shift - bit);
    }
    const unsigned sum = out[15 - k] + static_cast<unsigned>(b & 0xff) + carry;
    out[15 - k] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  return out;
}

std::optional<ReplyInfo> ParseReply(const uint8_t* frame, size_t len) {
  if (len < 14) return std::nullopt;
  size_t off = 12;
  uint16_t type = Get16(frame + off);
  for (int tags = 0; (type == kEtherVlan || type == kEtherQinQ) && tags < 2; ++tags) {
    off += 4;
    if (off + 2 > len) return std::nullopt;
    type = Get16(frame + off);
  }
  off += 2;
  if (type != kEtherIpv4 || off + 20 > len) return std::nullopt;
  const uint8_t* ip = frame + off;
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 17) return std::nullopt;
  if ((Get16(ip + 6) & 0x3fff) != 0) return std::nullopt;  // a fragment
  const size_t ip_len = Get16(ip + 2);
  if (ip_len < ihl + 8 || off + ip_len > len) return std::nullopt;
  const uint8_t* udp = ip + ihl;
  const uint16_t dport = Get16(udp + 2);
  if (dport != 68 && dport != 67) return std::nullopt;
  const size_t udp_len = Get16(udp + 4);
  if (udp_len < 8 + kBootpFixed + 4 || udp_len > ip_len - ihl) return std::nullopt;
  const uint8_t* bootp = udp + 8;
  const size_t bootp_len = udp_len - 8;
  if (bootp[0] != 2 || Get32(bootp + kBootpFixed) != kMagicCookie) return std::nullopt;

  ReplyInfo info;
  info.xid = Get32(bootp + 4);
  info.yiaddr = Get32(bootp + 16);
  std::memcpy(info.chaddr.data(), bootp + 28, 6);
  int msg_type = -1;
  size_t i = kBootpFixed + 4;
  while (i < bootp_len) {
    const uint8_t code = bootp[i];
    if (code == 255) break;
    if (code == 0) {
      ++i;
      continue;
    }
    if (i + 2 > bootp_len) return std::nullopt;
    const size_t olen = bootp[i + 1];
    if (i + 2 + olen > bootp_len) return std::nullopt;
    const uint8_t* v = bootp + i + 2;
    if (code == 53 && olen == 1) msg_type = v[0];
    if (code == 54 && olen == 4) info.server_id = Get32(v);
    if (code == 51 && olen == 4) info.lease_time = Get32(v);
    i += 2 + olen;
  }
  switch (msg_type) {
    case 2: info.type = ReplyType::kOffer; break;
    case 5: info.type = ReplyType::kAck; break;
    case 6: info.type = ReplyType::kNak; break;
    default: return std::nullopt;
  }
  return info;
}

namespace {
std::optional<ArpQuery> ParseArp(const uint8_t* frame, size_t len, uint16_t op) {
  if (len < 14) return std::nullopt;
  size_t off = 12;
  uint16_t type = Get16(frame + off);
  if (type == kEtherVlan) {
    off += 4;
    if (off + 2 > len) return std::nullopt;
    type = Get16(frame + off);
  }
  off += 2;
  if (type != kEtherArp || off + 28 > len) return std::nullopt;
  const uint8_t* a = frame + off;
  if (Get16(a) != 1 || Get16(a + 2) != kEtherIpv4 || a[4] != 6 || a[5] != 4 || Get16(a + 6) != op) {
    return std::nullopt;
  }
  ArpQuery q;
  std::memcpy(q.sender_mac.data(), a + 8, 6);
  q.sender_ip = Get32(a + 14);
  q.target_ip = Get32(a + 24);
  return q;
}

size_t PutArp(const MacAddress& eth_dst, uint16_t op, const MacAddress& sha, uint32_t spa,
              const MacAddress& tha, uint32_t tpa, uint16_t vlan, uint8_t* out) {
  size_t off = PutEthernet(eth_dst, sha, vlan, kEtherArp, out);
  uint8_t* a = out + off;
  Put16(a, 1);
  Put16(a + 2, kEtherIpv4);
  a[4] = 6;
  a[5] = 4;
  Put16(a + 6, op);
  std::memcpy(a + 8, sha.data(), 6);
  Put32(a + 14, spa);
  std::memcpy(a + 18, tha.data(), 6);
  Put32(a + 24, tpa);
  const size_t len = vlan != 0 ? 64 : 60;  // minimum frame, plus the tag
  std::memset(a + 28, 0, len - off - 28);
  return len;
}
}  // namespace

std::optional<ArpQuery> ParseArpRequest(const uint8_t* frame, size_t len) {
  return ParseArp(frame, len, 1);
}

std::optional<ArpQuery> ParseArpReply(const uint8_t* frame, size_t len) {
  return ParseArp(frame, len, 2);
}

size_t BuildArpReply(const ArpQuery& query, const MacAddress& mac, uint32_t ip, uint8_t* out,
                     uint16_t vlan) {
  return PutArp(query.sender_mac, 2, mac, ip, query.sender_mac, query.sender_ip, vlan, out);
}

size_t BuildArpRequest(const MacAddress& mac, uint32_t ip, uint32_t target_ip, uint8_t* out,
                       uint16_t vlan) {
  return PutArp(kBroadcastMac, 1, mac, ip, MacAddress{}, target_ip, vlan, out);
}

namespace {

// Where a reflected reply goes (RFC 2131 §4.1), from the request's fields.
struct ReplyRoute {
  MacAddress mac{};
  uint32_t ip = 0;
  uint16_t port = 68;
};

ReplyRoute RouteReply(const uint8_t* bootp, const MacAddress& request_src, uint32_t yiaddr) {
  const uint32_t ciaddr = Get32(bootp + 12);
  const uint32_t giaddr = Get32(bootp + 24);
  ReplyRoute r;
  if (giaddr != 0) {
    r = {request_src, giaddr, 67};
  } else if (ciaddr != 0) {
    r = {request_src, ciaddr, 68};
  } else if ((Get16(bootp + 10) & 0x8000) != 0) {
    r = {kBroadcastMac, 0xffffffffu, 68};
  } else {
    std::memcpy(r.mac.data(), bootp + 28, 6);
    r.ip = yiaddr;
  }
  return r;
}

uint32_t AddressFor(const ReflectorSpec& spec, const uint8_t* chaddr) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a over the 6 bytes
  for (int i = 0; i < 6; ++i) h = (h ^ chaddr[i]) * 0x100000001b3ull;
  return spec.pool_base + static_cast<uint32_t>(h % (spec.pool_size == 0 ? 1 : spec.pool_size));
}

}  // namespace

size_t ReflectFrame(const ReflectorSpec& spec, uint8_t* frame, size_t len, size_t capacity,
                    Reflected* what) {
  *what = Reflected::kNothing;
  if (auto q = ParseArpRequest(frame, len); q) {
    if (q->target_ip != spec.server_ip || capacity < 64) return 0;
    const uint16_t vlan = Get16(frame + 12) == kEtherVlan ? (Get16(frame + 14) & 0x0fff) : 0;
    const ArpQuery query = *q;
    *what = Reflected::kArpReply;
    return BuildArpReply(query, spec.mac, spec.server_ip, frame, vlan);
  }
  if (len < 14) return 0;
  size_t l2 = 12;
  uint16_t vlan = 0;
  if (Get16(frame + 12) == kEtherVlan) {
    if (len < 18) return 0;
    vlan = Get16(frame + 14) & 0x0fff;
    l2 += 4;
  }
  if (Get16(frame + l2) != kEtherIpv4) return 0;
  l2 += 2;
  if (len < l2 + 20) return 0;
  const uint8_t* ip = frame + l2;
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 17 || (Get16(ip + 6) & 0x3fff) != 0) return 0;
  const size_t ip_len = Get16(ip + 2);
  if (ip_len < ihl + 8 || l2 + ip_len > len) return 0;
  const uint8_t* udp = ip + ihl;
  if (Get16(udp + 2) != 67) return 0;
  const size_t udp_len = Get16(udp + 4);
  if (udp_len < 8 + kBootpFixed + 4 || udp_len > ip_len - ihl) return 0;
  const uint8_t* bootp = udp + 8;
  const size_t bootp_len = udp_len - 8;
  if (bootp[0] != 1 || bootp[1] != 1 || bootp[2] != 6 || Get32(bootp + kBootpFixed) != kMagicCookie) {
    return 0;
  }
  int type = -1;
  uint32_t requested = 0;
  const uint8_t* relay_info = nullptr;  // option 82, header included
  for (size_t i = kBootpFixed + 4; i < bootp_len;) {
    const uint8_t code = bootp[i];
    if (code == 255) break;
    if (code == 0) {
      ++i;
      continue;
    }
    if (i + 2 > bootp_len || i + 2 + bootp[i + 1] > bootp_len) return 0;
    const uint8_t olen = bootp[i + 1];
    if (code == 53 && olen == 1) type = bootp[i + 2];
    if (code == 50 && olen == 4) requested = Get32(bootp + i + 2);
    if (code == 82) relay_info = bootp + i;
    i += 2 + olen;
  }
  if (type != 1 && type != 3) return 0;

  // The reply is built in a local buffer (it overlaps the request), then copied.
  uint8_t out[14 + 4 + 20 + 8 + kBootpFixed + 4 + 64 + 257 + 1];
  const size_t relay_info_len = relay_info != nullptr ? 2u + relay_info[1] : 0;
  MacAddress request_src;
  std::memcpy(request_src.data(), frame + 6, 6);
  const uint32_t ciaddr = Get32(bootp + 12);
  const uint32_t yiaddr = requested != 0 ? requested : ciaddr != 0 ? ciaddr : AddressFor(spec, bootp + 28);
  const ReplyRoute route = RouteReply(bootp, request_src, yiaddr);
  const size_t out_l2 = PutEthernet(route.mac, spec.mac, vlan, kEtherIpv4, out);
  uint8_t* oip = out + out_l2;
  uint8_t* obootp = oip + 20 + 8;
  std::memcpy(obootp, bootp, kBootpFixed);  // xid, flags, giaddr, chaddr as asked
  obootp[0] = 2;                             // BOOTREPLY
  Put16(obootp + 8, 0);                      // secs
  Put32(obootp + 12, ciaddr);
  Put32(obootp + 16, yiaddr);
  Put32(obootp + 20, 0);                     // siaddr
  std::memset(obootp + 44, 0, 64 + 128);     // sname, file
  Put32(obootp + kBootpFixed, kMagicCookie);
  uint8_t* o = obootp + kBootpFixed + 4;
  *o++ = 53;
  *o++ = 1;
  *o++ = type == 1 ? 2 : 5;
  o = PutOption32(o, 54, spec.server_ip);
  o = PutOption32(o, 51, spec.lease_time);
  if (spec.subnet_mask != 0) o = PutOption32(o, 1, spec.subnet_mask);
  if (relay_info_len != 0) {
    std::memcpy(o, relay_info, relay_info_len);
    o += relay_info_len;
  }
  *o++ = 255;
  const uint16_t out_udp_len = PutIpv4Udp(oip, spec.server_ip, route.ip, Get16(ip + 4), 67,
                                          route.port, PadBootp(obootp, o));
  const size_t out_len = out_l2 + 20 + out_udp_len;
  if (out_len > capacity) return 0;
  std::memcpy(frame, out, out_len);
  *what = type == 1 ? Reflected::kOffer : Reflected::kAck;
  return out_len;
}

bool ParseIpv4(std::string_view text, uint32_t* out) {
  const std::string s(text);
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return false;
  *out = ntohl(a.s_addr);
  return true;
}

bool ParseIpv6(std::string_view text, Ipv6Address* out) {
  const std::string s(text);
  in6_addr a{};
  if (inet_pton(AF_INET6, s.c_str(), &a) != 1) return false;
  std::memcpy(out->data(), &a, 16);
  return true;
}

bool ParseMac(std::string_view text, MacAddress* out) {
  const std::string s(text);
  unsigned b[6];
  char extra;
  if (std::sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                  &extra) != 6) {
    return false;
  }
  for (int i = 0; i < 6; ++i) {
    if (b[i] > 255) return false;
    (*out)[i] = static_cast<uint8_t>(b[i]);
  }
  return true;
}

}  // namespace fastlease::perf
