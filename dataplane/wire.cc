#include "dataplane/wire.h"

#include <algorithm>
#include <cstring>

namespace fastlease::dataplane {
namespace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoIcmp6 = 58;
constexpr uint8_t kIpv6HopByHop = 0;
constexpr uint8_t kIpv6Routing = 43;
constexpr uint8_t kIpv6Fragment = 44;
constexpr uint8_t kIpv6DestOptions = 60;
constexpr uint8_t kIcmp6EchoRequest = 128;
constexpr uint8_t kIcmp6EchoReply = 129;
constexpr uint8_t kIcmp6NeighborSolicit = 135;
constexpr uint8_t kIcmp6NeighborAdvert = 136;
constexpr uint8_t kNdpOptSourceLinkAddr = 1;
constexpr uint8_t kNdpOptTargetLinkAddr = 2;
constexpr size_t kNeighborSolicitSize = 24;  // type..target, before options
constexpr uint32_t kNaSolicited = 0x40000000;
constexpr uint32_t kNaOverride = 0x20000000;
// ff02::1:ff00:0/104, the solicited-node multicast prefix (RFC 4291 2.7.1).
constexpr uint8_t kSolicitedNodePrefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
constexpr uint8_t kIcmpEchoReply = 0;
constexpr uint8_t kIcmpEchoRequest = 8;
constexpr uint16_t kArpOpRequest = 1;
constexpr uint16_t kArpOpReply = 2;
constexpr uint16_t kDhcpServerPort = 67;

inline uint16_t Load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t Load32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void Store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void Store32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

inline WireVerdict Drop(WireDrop d) { return WireVerdict{FrameKind::kDrop, d}; }

inline bool IsZero(const MacAddress& m) { return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0; }
// std::array's == is a call to libc's memcmp here (GCC 12), once or twice per frame.
inline bool SameMac(const MacAddress& a, const MacAddress& b) {
  uint32_t a4, b4;
  uint16_t a2, b2;
  std::memcpy(&a4, a.data(), 4);
  std::memcpy(&b4, b.data(), 4);
  std::memcpy(&a2, a.data() + 4, 2);
  std::memcpy(&b2, b.data() + 4, 2);
  return ((a4 ^ b4) | uint32_t(a2 ^ b2)) == 0;
}

inline bool Ipv6Equal(const uint8_t* a, const uint8_t* b) { return std::memcmp(a, b, 16) == 0; }
inline bool Ipv6Equal(const uint8_t* a, const Ipv6Address& b) { return Ipv6Equal(a, b.data()); }
inline bool IsUnspecified(const uint8_t* ip) {
  uint8_t any = 0;
  for (size_t i = 0; i < 16; ++i) any |= ip[i];
  return any == 0;
}
inline bool IsSolicitedNode(const uint8_t* ip) {
  return std::memcmp(ip, kSolicitedNodePrefix, sizeof kSolicitedNodePrefix) == 0;
}
// `group` is the solicited-node multicast address of `ip`.
inline bool IsSolicitedNodeOf(const uint8_t* group, const uint8_t* ip) {
  return IsSolicitedNode(group) && std::memcmp(group + 13, ip + 13, 3) == 0;
}

uint64_t PseudoHeader(uint32_t src, uint32_t dst, uint8_t proto, size_t length) {
  // 32-bit words may be added whole: 2^16 == 1 in ones-complement arithmetic.
  return uint64_t(src) + dst + proto + length;
}

// The IPv6 pseudo-header (RFC 8200 8.1) as a running sum.
uint64_t PseudoHeader6(const uint8_t* src, const uint8_t* dst, uint8_t next_header, size_t length) {
  uint64_t sum = ChecksumAdd({src, 16});
  sum = ChecksumAdd({dst, 16}, sum);
  return sum + length + next_header;
}

// Zero-fills up to the Ethernet minimum when the buffer allows.
size_t PadFrame(std::span<uint8_t> frame, size_t len) {
  if (len < kMinFrameSize && frame.size() >= kMinFrameSize) {
    std::memset(frame.data() + len, 0, kMinFrameSize - len);
    return kMinFrameSize;
  }
  return len;
}

uint16_t Ipv4HeaderChecksum(const uint8_t* ip) {
  return ChecksumFinish(ChecksumAdd({ip, kIpv4HeaderSize}));
}

WireVerdict ParseArp(const uint8_t* p, size_t n, const LocalInterface& local, FrameInfo& info) {
  if (n < info.l2_len + kArpSize) return Drop(WireDrop::kShortFrame);
  const uint8_t* arp = p + info.l2_len;
  if (Load16(arp) != 1 || Load16(arp + 2) != kEtherTypeIpv4 || arp[4] != 6 || arp[5] != 4) {
    return Drop(WireDrop::kBadArp);
  }
  const uint32_t spa = Load32(arp + 14);
  const uint32_t tpa = Load32(arp + 24);
  // An announcement (sender == target) asks nothing; probes (sender 0) are answered.
  if (Load16(arp + 6) != kArpOpRequest || spa == tpa) return Drop(WireDrop::kArpNotRequest);
  if (local.Find(tpa) < 0) return Drop(WireDrop::kNotForUs);
  info.l3_len = kArpSize;
  info.payload_offset = info.l2_len;
  info.payload_len = kArpSize;
  info.src_ip = spa;
  info.dst_ip = tpa;
  info.local_address = tpa;
  return WireVerdict{FrameKind::kArpRequest, WireDrop::kShortFrame};
}

WireVerdict ParseUdp(const uint8_t* ip, const LocalInterface& local, FrameInfo& info) {
  const size_t ip_payload = info.l3_len - kIpv4HeaderSize;
  if (ip_payload < kUdpHeaderSize) return Drop(WireDrop::kBadUdpLength);
  const uint8_t* udp = ip + kIpv4HeaderSize;
  const uint16_t udp_len = Load16(udp + 4);
  if (udp_len < kUdpHeaderSize || udp_len > ip_payload) return Drop(WireDrop::kBadUdpLength);
  info.src_port = Load16(udp);
  info.dst_port = Load16(udp + 2);
  if (info.dst_port != kDhcpServerPort) return Drop(WireDrop::kNotDhcpPort);
  const int idx = local.Find(info.dst_ip);
  if (idx < 0 && !local.IsBroadcast(info.dst_ip)) return Drop(WireDrop::kNotForUs);
  if (Load16(udp + 6) != 0) {
    uint64_t sum = PseudoHeader(info.src_ip, info.dst_ip, kProtoUdp, udp_len);
    if (ChecksumFinish(ChecksumAdd({udp, udp_len}, sum)) != 0) {
      return Drop(WireDrop::kBadUdpChecksum);
    }
  }
  info.local_address = idx >= 0 ? local.addresses[size_t(idx)] : local.addresses[0];
  info.payload_offset = uint16_t(info.l2_len + kIpv4HeaderSize + kUdpHeaderSize);
  info.payload_len = uint16_t(udp_len - kUdpHeaderSize);
  return WireVerdict{FrameKind::kDhcp, WireDrop::kShortFrame};
}

WireVerdict ParseIcmp(const uint8_t* ip, const LocalInterface& local, FrameInfo& info) {
  const size_t icmp_len = info.l3_len - kIpv4HeaderSize;
  if (icmp_len < kIcmpHeaderSize) return Drop(WireDrop::kShortFrame);
  const int idx = local.Find(info.dst_ip);
  if (idx < 0) return Drop(WireDrop::kNotForUs);
  const uint8_t* icmp = ip + kIpv4HeaderSize;
  if (icmp[0] != kIcmpEchoRequest || icmp[1] != 0) return Drop(WireDrop::kNotIcmpEcho);
  if (ChecksumFinish(ChecksumAdd({icmp, icmp_len})) != 0) return Drop(WireDrop::kBadIcmpChecksum);
  info.local_address = info.dst_ip;
  info.payload_offset = uint16_t(info.l2_len + kIpv4HeaderSize);
  info.payload_len = uint16_t(icmp_len);
  return WireVerdict{FrameKind::kIcmpEcho, WireDrop::kShortFrame};
}

// The options of a hop-by-hop or destination options header (`n` bytes after
// its next-header and length bytes): true when each lies within the header and
// may be skipped. Pad1 and PadN aside we implement no option, so one whose type
// says "discard if unrecognized" (top bits != 00, RFC 8200 4.2) fails.
bool OptionsSkippable(const uint8_t* o, size_t n) {
  size_t i = 0;
  while (i < n) {
    const uint8_t type = o[i];
    if (type == 0) {  // Pad1
      ++i;
      continue;
    }
    if (n - i < 2) return false;
    const size_t len = o[i + 1];
    if (len > n - i - 2) return false;
    if ((type >> 6) != 0) return false;
    i += 2 + len;
  }
  return true;
}

// What ParseIpv6 learned of the addresses, for the upper-layer checks.
struct Ipv6Addresses {
  const uint8_t* src;
  const uint8_t* dst;
  int local_index;  // FindIpv6(dst); -1 for a group
  bool dhcp_group;  // dst is ff02::1:2 or ff05::1:3
};

WireVerdict ParseUdp6(const uint8_t* udp, size_t avail, const Ipv6Addresses& a, size_t l4_offset,
                      FrameInfo& info) {
  if (avail < kUdpHeaderSize) return Drop(WireDrop::kBadUdpLength);
  const uint16_t udp_len = Load16(udp + 4);
  if (udp_len < kUdpHeaderSize || udp_len > avail) return Drop(WireDrop::kBadUdpLength);
  info.src_port = Load16(udp);
  info.dst_port = Load16(udp + 2);
  if (info.dst_port != kDhcp6ServerPort) return Drop(WireDrop::kNotDhcpPort);
  if (a.local_index < 0 && !a.dhcp_group) return Drop(WireDrop::kNotForUs);
  if (IsUnspecified(a.src)) return Drop(WireDrop::kBadIpv6Source);
  if (Load16(udp + 6) == 0 ||
      ChecksumFinish(ChecksumAdd({udp, udp_len}, PseudoHeader6(a.src, a.dst, kProtoUdp, udp_len))) !=
          0) {
    return Drop(WireDrop::kBadUdpChecksum);
  }
  info.payload_offset = uint16_t(l4_offset + kUdpHeaderSize);
  info.payload_len = uint16_t(udp_len - kUdpHeaderSize);
  return WireVerdict{FrameKind::kDhcp6, WireDrop::kShortFrame};
}

WireVerdict ParseNeighborSolicit(const uint8_t* icmp, size_t len, uint8_t hop_limit,
                                 const Ipv6Addresses& a, const LocalInterface& local) {
  if (icmp[1] != 0 || hop_limit != kNdpHopLimit || len < kNeighborSolicitSize) {
    return Drop(WireDrop::kBadNdp);
  }
  if (ChecksumFinish(ChecksumAdd({icmp, len}, PseudoHeader6(a.src, a.dst, kProtoIcmp6, len))) !=
      0) {
    return Drop(WireDrop::kBadIcmpChecksum);
  }
  const uint8_t* target = icmp + 8;
  if (target[0] == 0xff) return Drop(WireDrop::kBadNdp);
  bool source_link_addr = false;
  for (size_t i = kNeighborSolicitSize; i < len;) {
    if (len - i < 2) return Drop(WireDrop::kBadNdp);
    const size_t opt_len = size_t(icmp[i + 1]) * 8;
    if (opt_len == 0 || opt_len > len - i) return Drop(WireDrop::kBadNdp);
    source_link_addr |= icmp[i] == kNdpOptSourceLinkAddr;
    i += opt_len;
  }
  if (IsUnspecified(a.src) && (!IsSolicitedNode(a.dst) || source_link_addr)) {
    return Drop(WireDrop::kBadNdp);
  }
  if (local.FindIpv6(target) < 0) return Drop(WireDrop::kNotForUs);
  if (a.local_index < 0 && !IsSolicitedNodeOf(a.dst, target)) return Drop(WireDrop::kNotForUs);
  return WireVerdict{FrameKind::kNeighborSolicit, WireDrop::kShortFrame};
}

WireVerdict ParseIcmp6(const uint8_t* icmp, size_t len, uint8_t hop_limit, const Ipv6Addresses& a,
                       const LocalInterface& local, size_t l4_offset, FrameInfo& info) {
  if (len < 4) return Drop(WireDrop::kShortFrame);
  WireVerdict v;
  if (icmp[0] == kIcmp6NeighborSolicit) {
    v = ParseNeighborSolicit(icmp, len, hop_limit, a, local);
  } else if (icmp[0] == kIcmp6EchoRequest && icmp[1] == 0) {
    if (len < kIcmpHeaderSize) return Drop(WireDrop::kShortFrame);
    if (a.local_index < 0) return Drop(WireDrop::kNotForUs);
    if (IsUnspecified(a.src)) return Drop(WireDrop::kBadIpv6Source);
    if (ChecksumFinish(ChecksumAdd({icmp, len}, PseudoHeader6(a.src, a.dst, kProtoIcmp6, len))) !=
        0) {
      return Drop(WireDrop::kBadIcmpChecksum);
    }
    v = WireVerdict{FrameKind::kIcmp6Echo, WireDrop::kShortFrame};
  } else {
    return Drop(WireDrop::kNotIcmpEcho);
  }
  if (v.kind != FrameKind::kDrop) {
    info.payload_offset = uint16_t(l4_offset);
    info.payload_len = uint16_t(len);
  }
  return v;
}

// From the IPv6 header at p + info.l2_len on. `broadcast`, `multicast_mac`: the
// destination MAC was ff:ff:ff:ff:ff:ff, or 33:33:xx:xx:xx:xx.
WireVerdict ParseIpv6(const uint8_t* p, size_t n, const LocalInterface& local, FrameInfo& info,
                      bool broadcast, bool multicast_mac) {
  if (broadcast) return Drop(WireDrop::kWrongDstMac);
  if (n < info.l2_len + kIpv6HeaderSize) return Drop(WireDrop::kShortFrame);
  const uint8_t* ip = p + info.l2_len;
  if ((ip[0] >> 4) != 6) return Drop(WireDrop::kBadIpVersion);
  const size_t payload = Load16(ip + 4);
  // Offsets into the frame are 16-bit in FrameInfo.
  if (payload > n - info.l2_len - kIpv6HeaderSize ||
      info.l2_len + kIpv6HeaderSize + payload > 0xffff) {
    return Drop(WireDrop::kBadIpLength);
  }
  info.ip_version = 6;
  info.tos = uint8_t(Load16(ip) >> 4);
  info.l3_len = uint16_t(kIpv6HeaderSize + payload);
  info.src_ip = info.dst_ip = info.local_address = 0;

  Ipv6Addresses a{ip + 8, ip + 24, -1, false};
  if (a.src[0] == 0xff) return Drop(WireDrop::kBadIpv6Source);
  if (a.dst[0] == 0xff) {
    a.dhcp_group = Ipv6Equal(a.dst, kAllDhcpRelayAgentsAndServers) ||
                   Ipv6Equal(a.dst, kAllDhcpServers);
    const bool ours =
        a.dhcp_group || Ipv6Equal(a.dst, kAllNodes) || local.IsOurSolicitedNode(a.dst);
    if (!ours) return Drop(multicast_mac ? WireDrop::kWrongDstMac : WireDrop::kNotForUs);
    // RFC 2464 7: 33:33 and the last four bytes of the group.
    if (multicast_mac && std::memcmp(info.dst_mac.data() + 2, a.dst + 12, 4) != 0) {
      return Drop(WireDrop::kWrongDstMac);
    }
  } else {
    if (multicast_mac) return Drop(WireDrop::kWrongDstMac);
    a.local_index = local.FindIpv6(a.dst);
    if (a.local_index < 0) return Drop(WireDrop::kNotForUs);
  }

  // Extension headers, each within the payload (RFC 8200 4).
  const size_t end = kIpv6HeaderSize + payload;
  size_t off = kIpv6HeaderSize;
  uint8_t next = ip[6];
  for (size_t count = 0;; ++count) {
    if (next == kIpv6Fragment) return Drop(WireDrop::kIpFragment);
    if (next != kIpv6HopByHop && next != kIpv6Routing && next != kIpv6DestOptions) break;
    if (count == kMaxIpv6ExtensionHeaders || (next == kIpv6HopByHop && count != 0) ||
        end - off < 8) {
      return Drop(WireDrop::kIpv6ExtensionHeaders);
    }
    const uint8_t* h = ip + off;
    const size_t len = (size_t(h[1]) + 1) * 8;
    if (len > end - off) return Drop(WireDrop::kIpv6ExtensionHeaders);
    // A routing header with segments left would make us a router; we are not one.
    if (next == kIpv6Routing ? h[3] != 0 : !OptionsSkippable(h + 2, len - 2)) {
      return Drop(WireDrop::kIpv6ExtensionHeaders);
    }
    next = h[0];
    off += len;
  }
  info.ip_protocol = next;
  const size_t l4_offset = info.l2_len + off;
  if (next == kProtoUdp) return ParseUdp6(ip + off, end - off, a, l4_offset, info);
  if (next == kProtoIcmp6) {
    return ParseIcmp6(ip + off, end - off, ip[7], a, local, l4_offset, info);
  }
  return Drop(WireDrop::kNotUdpOrIcmp);
}

}  // namespace

const char* WireDropName(WireDrop d) {
  static constexpr const char* kNames[] = {
#define FASTLEASE_X(name, str) str,
      FASTLEASE_WIRE_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  };
  const size_t i = size_t(d);
  return i < kWireDropCount ? kNames[i] : "unknown";
}

bool LocalInterface::Add(uint32_t address, uint8_t prefix_len) {
  if (address_count >= kMaxAddresses) return false;
  addresses[address_count] = address;
  prefix_lens[address_count] = prefix_len;
  ++address_count;
  return true;
}

int LocalInterface::Find(uint32_t ip) const {
  for (size_t i = 0; i < address_count; ++i) {
    if (addresses[i] == ip) return int(i);
  }
  return -1;
}

bool LocalInterface::IsBroadcast(uint32_t ip) const {
  if (ip == kLimitedBroadcast) return true;
  for (size_t i = 0; i < address_count; ++i) {
    const uint8_t len = prefix_lens[i];
    if (len == 0 || len >= 31) continue;  // no directed broadcast on /31, /32
    const uint32_t host_mask = ~uint32_t(0) >> len;
    if ((addresses[i] | host_mask) == ip) return true;
  }
  return false;
}

bool LocalInterface::AddIpv6(const Ipv6Address& address, uint8_t prefix_len) {
  if (address6_count >= kMaxAddresses6 || prefix_len > 128 || IsUnspecified(address.data()) ||
      address[0] == 0xff) {
    return false;
  }
  addresses6[address6_count] = address;
  prefix_lens6[address6_count] = prefix_len;
  ++address6_count;
  return true;
}

void LocalInterface::SetLinkLocalFromMac() {
  link_local = Ipv6Address{0xfe, 0x80};
  link_local[8] = uint8_t(mac[0] ^ 0x02);  // the universal/local bit, inverted
  link_local[9] = mac[1];
  link_local[10] = mac[2];
  link_local[11] = 0xff;
  link_local[12] = 0xfe;
  link_local[13] = mac[3];
  link_local[14] = mac[4];
  link_local[15] = mac[5];
  has_link_local = true;
}

int LocalInterface::FindIpv6(const uint8_t* ip) const {
  for (size_t i = 0; i < address6_count; ++i) {
    if (Ipv6Equal(ip, addresses6[i])) return int(i);
  }
  if (has_link_local && Ipv6Equal(ip, link_local)) return kLinkLocalIndex;
  return -1;
}

const uint8_t* LocalInterface::Ipv6At(int index) const {
  if (index >= 0 && index < int(address6_count)) return addresses6[size_t(index)].data();
  if (index == kLinkLocalIndex && has_link_local) return link_local.data();
  return nullptr;
}

bool LocalInterface::IsOurSolicitedNode(const uint8_t* ip) const {
  if (!IsSolicitedNode(ip)) return false;
  for (size_t i = 0; i < address6_count; ++i) {
    if (std::memcmp(ip + 13, addresses6[i].data() + 13, 3) == 0) return true;
  }
  return has_link_local && std::memcmp(ip + 13, link_local.data() + 13, 3) == 0;
}

uint64_t ChecksumAdd(std::span<const uint8_t> bytes, uint64_t sum) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 4) {
    sum += Load32(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum += Load16(p);
    p += 2;
    n -= 2;
  }
  if (n != 0) sum += uint32_t(p[0]) << 8;
  return sum;
}

uint16_t ChecksumFinish(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

uint16_t UdpChecksum(uint32_t src, uint32_t dst, std::span<const uint8_t> udp) {
  const uint16_t c =
      ChecksumFinish(ChecksumAdd(udp, PseudoHeader(src, dst, kProtoUdp, udp.size())));
  return c == 0 ? 0xffff : c;
}

uint16_t Udp6Checksum(const uint8_t* src, const uint8_t* dst, std::span<const uint8_t> udp) {
  const uint16_t c =
      ChecksumFinish(ChecksumAdd(udp, PseudoHeader6(src, dst, kProtoUdp, udp.size())));
  return c == 0 ? 0xffff : c;
}

uint16_t Icmp6Checksum(const uint8_t* src, const uint8_t* dst, std::span<const uint8_t> icmp) {
  return ChecksumFinish(ChecksumAdd(icmp, PseudoHeader6(src, dst, kProtoIcmp6, icmp.size())));
}

WireVerdict ParseFrame(std::span<const uint8_t> frame, const LocalInterface& local,
                       FrameInfo& info) {
  const uint8_t* p = frame.data();
  const size_t n = frame.size();
  if (n < kEthernetHeaderSize) return Drop(WireDrop::kShortFrame);
  std::memcpy(info.dst_mac.data(), p, 6);
  std::memcpy(info.src_mac.data(), p + 6, 6);
  const bool broadcast = SameMac(info.dst_mac, kBroadcastMac);
  // IPv6 multicast (RFC 2464 7); its group is checked once the address is read.
  const bool multicast6 = info.dst_mac[0] == 0x33 && info.dst_mac[1] == 0x33;
  if (!broadcast) {
    if ((info.dst_mac[0] & 1) != 0) {
      if (!multicast6) return Drop(WireDrop::kWrongDstMac);
    } else if (!IsZero(local.mac) && !SameMac(info.dst_mac, local.mac)) {
      return Drop(WireDrop::kWrongDstMac);
    }
  }

  size_t off = 12;  // the EtherType/TPID field
  uint16_t type = Load16(p + off);
  info.vlan_count = 0;
  while (type == kEtherTypeVlan || type == kEtherTypeQinQ) {
    if (info.vlan_count == kMaxVlanTags) return Drop(WireDrop::kTooManyVlans);
    if (n < off + kVlanTagSize + 2) return Drop(WireDrop::kShortFrame);
    std::memcpy(info.vlan_tags.data() + kVlanTagSize * info.vlan_count, p + off, kVlanTagSize);
    ++info.vlan_count;
    off += kVlanTagSize;
    type = Load16(p + off);
  }
  info.l2_len = uint16_t(off + 2);
  info.src_port = info.dst_port = 0;
  info.ip_protocol = 0;
  info.tos = 0;
  info.ip_version = 0;

  if (type == kEtherTypeIpv6) return ParseIpv6(p, n, local, info, broadcast, multicast6);
  if (multicast6) return Drop(WireDrop::kWrongDstMac);
  if (type == kEtherTypeArp) return ParseArp(p, n, local, info);
  if (type != kEtherTypeIpv4) return Drop(WireDrop::kNotIpv4OrArp);

  if (n < info.l2_len + kIpv4HeaderSize) return Drop(WireDrop::kShortFrame);
  const uint8_t* ip = p + info.l2_len;
  if ((ip[0] >> 4) != 4) return Drop(WireDrop::kBadIpVersion);
  info.ip_version = 4;
  const uint8_t ihl = ip[0] & 0x0f;
  if (ihl < 5) return Drop(WireDrop::kBadIpLength);
  if (ihl > 5) return Drop(WireDrop::kIpOptions);
  const uint16_t total = Load16(ip + 2);
  if (total < kIpv4HeaderSize || total > n - info.l2_len) return Drop(WireDrop::kBadIpLength);
  if (Ipv4HeaderChecksum(ip) != 0) return Drop(WireDrop::kBadIpChecksum);
  const uint16_t frag = Load16(ip + 6);
  if ((frag & 0x3fff) != 0) return Drop(WireDrop::kIpFragment);  // MF or offset

  info.tos = ip[1];
  info.ip_protocol = ip[9];
  info.l3_len = total;
  info.src_ip = Load32(ip + 12);
  info.dst_ip = Load32(ip + 16);
  if (info.ip_protocol == kProtoUdp) return ParseUdp(ip, local, info);
  if (info.ip_protocol == kProtoIcmp) return ParseIcmp(ip, local, info);
  return Drop(WireDrop::kNotUdpOrIcmp);
}

size_t WriteUdpReplyHeaders(std::span<uint8_t> frame, const FrameInfo& request,
                            const UdpReplyAddress& to, size_t payload_len) {
  if (request.vlan_count > kMaxVlanTags) return 0;
  const size_t header = ReplyHeaderSize(request);
  if (payload_len > 0xffff - kIpv4HeaderSize - kUdpHeaderSize) return 0;
  if (frame.size() < header || frame.size() - header < payload_len) return 0;

  uint8_t* p = frame.data();
  std::memcpy(p, to.dst_mac.data(), 6);
  std::memcpy(p + 6, to.src_mac.data(), 6);
  const size_t tag_bytes = kVlanTagSize * request.vlan_count;
  std::memcpy(p + 12, request.vlan_tags.data(), tag_bytes);
  Store16(p + 12 + tag_bytes, kEtherTypeIpv4);

  uint8_t* ip = p + kEthernetHeaderSize + tag_bytes;
  const uint16_t udp_len = uint16_t(kUdpHeaderSize + payload_len);
  ip[0] = 0x45;
  ip[1] = request.tos;
  Store16(ip + 2, uint16_t(kIpv4HeaderSize + udp_len));
  Store16(ip + 4, 0);  // id
  Store16(ip + 6, 0);  // flags, fragment offset: DF off
  ip[8] = kReplyTtl;
  ip[9] = kProtoUdp;
  Store16(ip + 10, 0);
  Store32(ip + 12, to.src_ip);
  Store32(ip + 16, to.dst_ip);
  Store16(ip + 10, Ipv4HeaderChecksum(ip));

  uint8_t* udp = ip + kIpv4HeaderSize;
  Store16(udp, to.src_port);
  Store16(udp + 2, to.dst_port);
  Store16(udp + 4, udp_len);
  Store16(udp + 6, 0);
  Store16(udp + 6, UdpChecksum(to.src_ip, to.dst_ip, {udp, udp_len}));
  return PadFrame(frame, header + payload_len);
}

size_t BuildUdpReply(std::span<uint8_t> frame, const FrameInfo& request, const UdpReplyAddress& to,
                     std::span<const uint8_t> payload) {
  const size_t header = ReplyHeaderSize(request);
  if (frame.size() < header || frame.size() - header < payload.size()) return 0;
  if (!payload.empty()) std::memmove(frame.data() + header, payload.data(), payload.size());
  return WriteUdpReplyHeaders(frame, request, to, payload.size());
}

size_t BuildArpReply(std::span<uint8_t> frame, const FrameInfo& request,
                     const MacAddress& our_mac) {
  const size_t len = size_t(request.l2_len) + kArpSize;
  if (frame.size() < len) return 0;
  uint8_t* p = frame.data();
  uint8_t* arp = p + request.l2_len;
  uint8_t requester_mac[6];
  uint8_t requester_ip[4];
  std::memcpy(requester_mac, arp + 8, 6);
  std::memcpy(requester_ip, arp + 14, 4);

  std::memcpy(p, requester_mac, 6);
  std::memcpy(p + 6, our_mac.data(), 6);
  Store16(arp + 6, kArpOpReply);
  std::memcpy(arp + 8, our_mac.data(), 6);
  Store32(arp + 14, request.dst_ip);
  std::memcpy(arp + 18, requester_mac, 6);
  std::memcpy(arp + 24, requester_ip, 4);
  return PadFrame(frame, len);
}

size_t BuildIcmpEchoReply(std::span<uint8_t> frame, const FrameInfo& request,
                          const MacAddress& our_mac) {
  const size_t len = size_t(request.l2_len) + request.l3_len;
  if (request.l3_len < kIpv4HeaderSize + kIcmpHeaderSize || frame.size() < len) return 0;
  uint8_t* p = frame.data();
  std::memcpy(p, request.src_mac.data(), 6);
  std::memcpy(p + 6, our_mac.data(), 6);

  uint8_t* ip = p + request.l2_len;
  ip[8] = kReplyTtl;
  Store32(ip + 12, request.dst_ip);
  Store32(ip + 16, request.src_ip);
  Store16(ip + 10, 0);
  Store16(ip + 10, Ipv4HeaderChecksum(ip));

  uint8_t* icmp = ip + kIpv4HeaderSize;
  const size_t icmp_len = request.l3_len - kIpv4HeaderSize;
  icmp[0] = kIcmpEchoReply;
  icmp[1] = 0;
  Store16(icmp + 2, 0);
  Store16(icmp + 2, ChecksumFinish(ChecksumAdd({icmp, icmp_len})));
  return PadFrame(frame, len);
}

size_t WriteUdp6ReplyHeaders(std::span<uint8_t> frame, const FrameInfo& request,
                             const Udp6ReplyAddress& to, size_t payload_len) {
  if (request.vlan_count > kMaxVlanTags) return 0;
  const size_t header = ReplyHeaderSize6(request);
  if (payload_len > 0xffff - kUdpHeaderSize) return 0;
  if (frame.size() < header || frame.size() - header < payload_len) return 0;

  uint8_t* p = frame.data();
  std::memcpy(p, to.dst_mac.data(), 6);
  std::memcpy(p + 6, to.src_mac.data(), 6);
  const size_t tag_bytes = kVlanTagSize * request.vlan_count;
  std::memcpy(p + 12, request.vlan_tags.data(), tag_bytes);
  Store16(p + 12 + tag_bytes, kEtherTypeIpv6);

  uint8_t* ip = p + kEthernetHeaderSize + tag_bytes;
  const uint16_t udp_len = uint16_t(kUdpHeaderSize + payload_len);
  Store32(ip, 0x60000000);  // version 6, traffic class 0, flow label 0
  Store16(ip + 4, udp_len);
  ip[6] = kProtoUdp;
  ip[7] = kReplyTtl;
  std::memcpy(ip + 8, to.src_ip.data(), 16);
  std::memcpy(ip + 24, to.dst_ip.data(), 16);

  uint8_t* udp = ip + kIpv6HeaderSize;
  Store16(udp, to.src_port);
  Store16(udp + 2, to.dst_port);
  Store16(udp + 4, udp_len);
  Store16(udp + 6, 0);
  Store16(udp + 6, Udp6Checksum(ip + 8, ip + 24, {udp, udp_len}));
  return PadFrame(frame, header + payload_len);
}

size_t BuildUdp6Reply(std::span<uint8_t> frame, const FrameInfo& request,
                      const Udp6ReplyAddress& to, std::span<const uint8_t> payload) {
  const size_t header = ReplyHeaderSize6(request);
  if (frame.size() < header || frame.size() - header < payload.size()) return 0;
  if (!payload.empty()) std::memmove(frame.data() + header, payload.data(), payload.size());
  return WriteUdp6ReplyHeaders(frame, request, to, payload.size());
}

size_t BuildNeighborAdvertisement(std::span<uint8_t> frame, const FrameInfo& request,
                                  const MacAddress& our_mac) {
  const size_t l2 = request.l2_len;
  const size_t len = l2 + kIpv6HeaderSize + kNeighborAdvertisementSize;
  if (request.ip_version != 6 || request.payload_offset < l2 + kIpv6HeaderSize ||
      request.payload_len < kNeighborSolicitSize || frame.size() < len ||
      frame.size() < size_t(request.payload_offset) + kNeighborSolicitSize) {
    return 0;
  }
  uint8_t* p = frame.data();
  uint8_t* ip = p + l2;
  uint8_t target[16];
  uint8_t solicitor[16];
  std::memcpy(target, p + request.payload_offset + 8, 16);
  std::memcpy(solicitor, ip + 8, 16);
  // Duplicate address detection: the solicitor has no address yet (RFC 4861 7.2.4).
  const bool dad = IsUnspecified(solicitor);

  if (dad) {
    const MacAddress all_nodes_mac = {0x33, 0x33, 0, 0, 0, 1};
    std::memcpy(p, all_nodes_mac.data(), 6);
  } else {
    std::memcpy(p, request.src_mac.data(), 6);
  }
  std::memcpy(p + 6, our_mac.data(), 6);

  Store32(ip, 0x60000000);
  Store16(ip + 4, uint16_t(kNeighborAdvertisementSize));
  ip[6] = kProtoIcmp6;
  ip[7] = kNdpHopLimit;
  std::memcpy(ip + 8, target, 16);
  std::memcpy(ip + 24, dad ? kAllNodes.data() : solicitor, 16);

  uint8_t* icmp = ip + kIpv6HeaderSize;
  icmp[0] = kIcmp6NeighborAdvert;
  icmp[1] = 0;
  Store16(icmp + 2, 0);
  Store32(icmp + 4, dad ? kNaOverride : kNaSolicited | kNaOverride);
  std::memcpy(icmp + 8, target, 16);
  icmp[24] = kNdpOptTargetLinkAddr;
  icmp[25] = 1;  // in units of 8 bytes
  std::memcpy(icmp + 26, our_mac.data(), 6);
  Store16(icmp + 2, Icmp6Checksum(ip + 8, ip + 24, {icmp, kNeighborAdvertisementSize}));
  return PadFrame(frame, len);
}

size_t BuildIcmp6EchoReply(std::span<uint8_t> frame, const FrameInfo& request,
                           const MacAddress& our_mac) {
  const size_t l2 = request.l2_len;
  const size_t icmp_len = request.payload_len;
  if (request.ip_version != 6 || icmp_len < kIcmpHeaderSize ||
      request.payload_offset < l2 + kIpv6HeaderSize ||
      frame.size() < size_t(request.payload_offset) + icmp_len) {
    return 0;
  }
  uint8_t* p = frame.data();
  std::memcpy(p, request.src_mac.data(), 6);
  std::memcpy(p + 6, our_mac.data(), 6);

  uint8_t* ip = p + l2;
  uint8_t requester[16];
  std::memcpy(requester, ip + 8, 16);
  std::memcpy(ip + 8, ip + 24, 16);
  std::memcpy(ip + 24, requester, 16);
  Store32(ip, 0x60000000 | uint32_t(request.tos) << 20);
  Store16(ip + 4, uint16_t(icmp_len));
  ip[6] = kProtoIcmp6;
  ip[7] = kReplyTtl;

  uint8_t* icmp = ip + kIpv6HeaderSize;
  if (request.payload_offset != l2 + kIpv6HeaderSize) {  // drop the extension headers
    std::memmove(icmp, p + request.payload_offset, icmp_len);
  }
  icmp[0] = kIcmp6EchoReply;
  icmp[1] = 0;
  Store16(icmp + 2, 0);
  Store16(icmp + 2, Icmp6Checksum(ip + 8, ip + 24, {icmp, icmp_len}));
  return PadFrame(frame, l2 + kIpv6HeaderSize + icmp_len);
}

}  // namespace fastlease::dataplane
